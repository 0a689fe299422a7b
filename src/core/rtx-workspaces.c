/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-workspaces.h"

#define COLUMNS \
  "id, name, slug, created_at, updated_at, openai_temp, openai_history, openai_prompt, " \
  "similarity_threshold, top_n, chat_mode, query_refusal_response, chat_provider, " \
  "chat_model, agent_provider, agent_model, vector_search_mode"

/* A slug collision gets a random suffix; give up after this many tries. */
#define MAX_SLUG_ATTEMPTS 16

/**
 * RtxWorkspaces:
 *
 * The workspaces table: create (with a unique slug made from the name), read, update and
 * delete. Deleting a workspace deletes its threads and chats (foreign keys cascade) and
 * whatever other rooms hang on it with ON DELETE CASCADE.
 */
struct _RtxWorkspaces {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxWorkspaces, rtx_workspaces, G_TYPE_OBJECT)

typedef enum {
  FIELD_STRING,           /* non-empty text */
  FIELD_NULLABLE_STRING,  /* text, or null/"" for unset */
  FIELD_NULLABLE_NUMBER,
  FIELD_NUMBER,
  FIELD_INTEGER,
  FIELD_ENUM,
} FieldKind;

/* The writable fields: AnythingLLM's JSON name, our column, and what a value must be. */
static const struct {
  const char *member;
  const char *column;
  FieldKind   kind;
  double      min, max;
  const char *choices[4];
} fields_table[] = {
  { "name", "name", FIELD_STRING, 1, 255, { NULL } },
  { "openAiTemp", "openai_temp", FIELD_NULLABLE_NUMBER, 0, 2, { NULL } },
  { "openAiHistory", "openai_history", FIELD_INTEGER, 0, 1000, { NULL } },
  { "openAiPrompt", "openai_prompt", FIELD_NULLABLE_STRING, 0, 100000, { NULL } },
  { "similarityThreshold", "similarity_threshold", FIELD_NUMBER, 0, 1, { NULL } },
  { "topN", "top_n", FIELD_INTEGER, 1, 200, { NULL } },
  { "chatMode", "chat_mode", FIELD_ENUM, 0, 0, { "chat", "query", "automatic", NULL } },
  { "queryRefusalResponse", "query_refusal_response", FIELD_NULLABLE_STRING, 0, 10000, { NULL } },
  { "chatProvider", "chat_provider", FIELD_NULLABLE_STRING, 0, 100, { NULL } },
  { "chatModel", "chat_model", FIELD_NULLABLE_STRING, 0, 500, { NULL } },
  { "agentProvider", "agent_provider", FIELD_NULLABLE_STRING, 0, 100, { NULL } },
  { "agentModel", "agent_model", FIELD_NULLABLE_STRING, 0, 500, { NULL } },
  { "vectorSearchMode", "vector_search_mode", FIELD_ENUM, 0, 0, { "default", "rerank", NULL } },
};

static void
rtx_workspaces_dispose (GObject *object)
{
  RtxWorkspaces *self = (RtxWorkspaces *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_workspaces_parent_class)->dispose (object);
}

static void
rtx_workspaces_class_init (RtxWorkspacesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_workspaces_dispose;
}

static void
rtx_workspaces_init (RtxWorkspaces *self)
{
}

RtxWorkspaces *
rtx_workspaces_new (RtxDb *db)
{
  RtxWorkspaces *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_WORKSPACES, NULL);
  self->db = g_object_ref (db);

  return self;
}

static RtxWorkspace *
workspace_from_row (RtxStmt *stmt)
{
  RtxWorkspace *ws = g_new0 (RtxWorkspace, 1);

  ws->id = sqlite3_column_int64 (stmt, 0);
  ws->name = rtx_stmt_dup_text (stmt, 1);
  ws->slug = rtx_stmt_dup_text (stmt, 2);
  ws->created_at = sqlite3_column_int64 (stmt, 3);
  ws->updated_at = sqlite3_column_int64 (stmt, 4);
  ws->openai_temp = sqlite3_column_type (stmt, 5) == SQLITE_NULL
                    ? NAN : sqlite3_column_double (stmt, 5);
  ws->openai_history = sqlite3_column_int (stmt, 6);
  ws->openai_prompt = rtx_stmt_dup_text (stmt, 7);
  ws->similarity_threshold = sqlite3_column_double (stmt, 8);
  ws->top_n = sqlite3_column_int (stmt, 9);
  ws->chat_mode = rtx_stmt_dup_text (stmt, 10);
  ws->query_refusal_response = rtx_stmt_dup_text (stmt, 11);
  ws->chat_provider = rtx_stmt_dup_text (stmt, 12);
  ws->chat_model = rtx_stmt_dup_text (stmt, 13);
  ws->agent_provider = rtx_stmt_dup_text (stmt, 14);
  ws->agent_model = rtx_stmt_dup_text (stmt, 15);
  ws->vector_search_mode = rtx_stmt_dup_text (stmt, 16);

  return ws;
}

static gboolean
node_number (JsonNode *node,
             double   *out)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64) {
    *out = (double) json_node_get_int (node);
    return TRUE;
  }
  if (type == G_TYPE_DOUBLE) {
    *out = json_node_get_double (node);
    return TRUE;
  }
  /* Form-style clients send numbers as strings; AnythingLLM accepted them. */
  if (type == G_TYPE_STRING) {
    const char *text = json_node_get_string (node);
    char *end = NULL;

    if (text == NULL || *text == '\0')
      return FALSE;
    *out = g_ascii_strtod (text, &end);
    return *end == '\0' && isfinite (*out);
  }

  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++) {
    if (!g_ascii_isspace (*text))
      return FALSE;
  }
  return TRUE;
}

static gboolean
bind_field (RtxStmt     *stmt,
            int          index,
            guint        field,
            JsonNode    *node,
            GError     **error)
{
  const char *member = fields_table[field].member;
  FieldKind kind = fields_table[field].kind;
  double min = fields_table[field].min, max = fields_table[field].max;
  const char *text;
  double number;

  if (JSON_NODE_HOLDS_NULL (node) &&
      (kind == FIELD_NULLABLE_STRING || kind == FIELD_NULLABLE_NUMBER)) {
    sqlite3_bind_null (stmt, index);
    return TRUE;
  }

  switch (kind) {
  case FIELD_STRING:
  case FIELD_NULLABLE_STRING:
  case FIELD_ENUM:
    if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
      goto invalid;
    text = json_node_get_string (node);
    if (kind == FIELD_ENUM) {
      if (!g_strv_contains (fields_table[field].choices, text))
        goto invalid;
    } else if (g_utf8_strlen (text, -1) < min || g_utf8_strlen (text, -1) > max ||
               (kind == FIELD_STRING && is_blank (text))) {
      goto invalid;
    }
    if (kind == FIELD_NULLABLE_STRING && *text == '\0')
      sqlite3_bind_null (stmt, index);
    else
      sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
    return TRUE;

  case FIELD_NUMBER:
  case FIELD_NULLABLE_NUMBER:
  case FIELD_INTEGER:
    if (!node_number (node, &number) || number < min || number > max ||
        (kind == FIELD_INTEGER && number != floor (number)))
      goto invalid;
    if (kind == FIELD_INTEGER)
      sqlite3_bind_int64 (stmt, index, (gint64) number);
    else
      sqlite3_bind_double (stmt, index, number);
    return TRUE;

  default:
    g_assert_not_reached ();
  }

invalid:
  if (kind == FIELD_ENUM) {
    g_autofree char *choices = g_strjoinv (", ", (char **) fields_table[field].choices);

    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("%s must be one of: %s"), member, choices);
  } else if (kind == FIELD_STRING || kind == FIELD_NULLABLE_STRING)
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("%s must be %s of at most %g characters"), member,
                 kind == FIELD_STRING ? _("a non-empty text") : _("a text or null"), max);
  else
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("%s must be %s from %g to %g"), member,
                 kind == FIELD_INTEGER ? _("a whole number") : _("a number"), min, max);
  return FALSE;
}

/* Writes the known members of @fields to row @id. Unknown members are ignored, as
 * AnythingLLM does; a known member with a bad value fails the whole update. */
static gboolean
apply_fields (RtxWorkspaces  *self,
              gint64          id,
              JsonObject     *fields,
              guint          *out_n_changed,
              GError        **error)
{
  g_autoptr(GString) sql = g_string_new ("UPDATE workspaces SET updated_at = ?1");
  g_autoptr(RtxStmt) stmt = NULL;
  guint present[G_N_ELEMENTS (fields_table)];
  guint n = 0;

  for (guint i = 0; fields != NULL && i < G_N_ELEMENTS (fields_table); i++) {
    if (!json_object_has_member (fields, fields_table[i].member))
      continue;
    present[n++] = i;
    g_string_append_printf (sql, ", %s = ?%u", fields_table[i].column, n + 1);
  }
  g_string_append_printf (sql, " WHERE id = ?%u", n + 2);

  if (out_n_changed != NULL)
    *out_n_changed = n;
  if (n == 0)
    return TRUE;

  stmt = rtx_db_prepare (self->db, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  for (guint k = 0; k < n; k++) {
    JsonNode *node = json_object_get_member (fields, fields_table[present[k]].member);

    if (!bind_field (stmt, (int) k + 2, present[k], node, error))
      return FALSE;
  }
  sqlite3_bind_int64 (stmt, (int) n + 2, id);

  return rtx_db_step_done (self->db, stmt, error);
}

static gboolean
slug_taken (RtxWorkspaces  *self,
            const char     *slug,
            gboolean       *taken,
            GError        **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "SELECT 1 FROM workspaces WHERE slug = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
  return rtx_db_step_row (self->db, stmt, taken, error);
}

static gint64
insert_row (RtxWorkspaces  *self,
            const char     *name,
            GError        **error)
{
  g_autofree char *base = rtx_slugify (name);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint attempt = 0; attempt < MAX_SLUG_ATTEMPTS; attempt++) {
    g_autoptr(RtxStmt) stmt = NULL;
    g_autofree char *slug = NULL;
    gboolean taken = FALSE;

    /* AnythingLLM's rule: on a collision, an 8-digit random suffix. */
    slug = attempt == 0 ? g_strdup (base)
                        : g_strdup_printf ("%s-%08u", base, g_random_int_range (0, 100000000));
    if (!slug_taken (self, slug, &taken, error))
      return 0;
    if (taken)
      continue;

    stmt = rtx_db_prepare (self->db,
                           "INSERT INTO workspaces (name, slug, created_at, updated_at) "
                           "VALUES (?1, ?2, ?3, ?3)", error);
    if (stmt == NULL)
      return 0;
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, slug, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 3, now);
    if (!rtx_db_step_done (self->db, stmt, error))
      return 0;

    return rtx_db_last_insert_rowid (self->db);
  }

  g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT,
               _("Could not find a free slug for “%s”"), name);
  return 0;
}

/**
 * rtx_workspaces_create:
 * @self: the workspaces
 * @name: the name; the slug is made from it and kept unique
 * @fields: (nullable): more writable fields by their AnythingLLM names (see the update)
 * @error: an %RTX_ERROR_INVALID_ARGUMENT names the field at fault
 *
 * Creates the workspace and its settings in one transaction: a bad field creates nothing.
 *
 * Returns: (transfer full): the new workspace, or %NULL
 */
RtxWorkspace *
rtx_workspaces_create (RtxWorkspaces  *self,
                       const char     *name,
                       JsonObject     *fields,
                       GError        **error)
{
  g_autofree char *clean = NULL;
  gint64 id;

  g_return_val_if_fail (RTX_IS_WORKSPACES (self), NULL);

  clean = g_strstrip (g_strdup (name != NULL ? name : ""));
  if (*clean == '\0' || g_utf8_strlen (clean, -1) > 255 || !g_utf8_validate (clean, -1, NULL)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("name cannot be null and must be at most 255 characters"));
    return NULL;
  }

  if (!rtx_db_begin (self->db, error))
    return NULL;

  id = insert_row (self, clean, error);
  if (id == 0 || !apply_fields (self, id, fields, NULL, error) ||
      !rtx_db_commit (self->db, error)) {
    rtx_db_rollback (self->db);
    return NULL;
  }

  return rtx_workspaces_get_by_id (self, id, error);
}

static RtxWorkspace *
get_where (RtxWorkspaces  *self,
           const char     *where,
           const char     *text,
           gint64          id,
           GError        **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " COLUMNS " FROM workspaces WHERE %s", where);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, sql, error);
  gboolean have_row = FALSE;

  if (stmt == NULL)
    return NULL;

  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;
  if (!have_row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No workspace “%s”"),
                 text != NULL ? text : "?");
    return NULL;
  }

  return workspace_from_row (stmt);
}

/**
 * rtx_workspaces_get_by_slug:
 *
 * Returns: (transfer full): the workspace, or %NULL with %RTX_ERROR_NOT_FOUND
 */
RtxWorkspace *
rtx_workspaces_get_by_slug (RtxWorkspaces  *self,
                            const char     *slug,
                            GError        **error)
{
  g_return_val_if_fail (RTX_IS_WORKSPACES (self), NULL);
  g_return_val_if_fail (slug != NULL, NULL);

  return get_where (self, "slug = ?1", slug, 0, error);
}

RtxWorkspace *
rtx_workspaces_get_by_id (RtxWorkspaces  *self,
                          gint64          id,
                          GError        **error)
{
  g_return_val_if_fail (RTX_IS_WORKSPACES (self), NULL);

  return get_where (self, "id = ?1", NULL, id, error);
}

/**
 * rtx_workspaces_list:
 *
 * Returns: (transfer full) (element-type RtxWorkspace): every workspace, oldest first
 */
GPtrArray *
rtx_workspaces_list (RtxWorkspaces  *self,
                     GError        **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_workspace_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_WORKSPACES (self), NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " COLUMNS " FROM workspaces ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  if (!rtx_db_collect (self->db, stmt, list, (RtxRowFunc) workspace_from_row, error))
    return NULL;

  return g_steal_pointer (&list);
}

/**
 * rtx_workspaces_update:
 * @self: the workspaces
 * @slug: which workspace
 * @fields: members by AnythingLLM name; unknown members are ignored
 * @out_n_changed: (out) (optional): how many known members were written
 * @error: %RTX_ERROR_NOT_FOUND or %RTX_ERROR_INVALID_ARGUMENT
 *
 * The slug stays the same when the name changes, so that clients keep their URLs.
 *
 * Returns: (transfer full): the workspace as it is now, or %NULL
 */
RtxWorkspace *
rtx_workspaces_update (RtxWorkspaces  *self,
                       const char     *slug,
                       JsonObject     *fields,
                       guint          *out_n_changed,
                       GError        **error)
{
  g_autoptr(RtxWorkspace) ws = NULL;

  g_return_val_if_fail (RTX_IS_WORKSPACES (self), NULL);

  ws = rtx_workspaces_get_by_slug (self, slug, error);
  if (ws == NULL)
    return NULL;

  if (fields != NULL && json_object_has_member (fields, "name")) {
    JsonNode *name = json_object_get_member (fields, "name");

    if (JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING) {
      g_autofree char *clean = g_strstrip (g_strdup (json_node_get_string (name)));

      if (*clean == '\0') {
        g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("name cannot be empty"));
        return NULL;
      }
    }
  }

  if (!apply_fields (self, ws->id, fields, out_n_changed, error))
    return NULL;

  return rtx_workspaces_get_by_id (self, ws->id, error);
}

/**
 * rtx_workspaces_delete:
 *
 * Deletes the workspace with its threads and chats.
 *
 * Returns: %FALSE with %RTX_ERROR_NOT_FOUND for an unknown slug
 */
gboolean
rtx_workspaces_delete (RtxWorkspaces  *self,
                       const char     *slug,
                       GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_WORKSPACES (self), FALSE);

  stmt = rtx_db_prepare (self->db, "DELETE FROM workspaces WHERE slug = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error))
    return FALSE;

  if (sqlite3_changes (sqlite3_db_handle (stmt)) == 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No workspace “%s”"), slug);
    return FALSE;
  }

  return TRUE;
}
