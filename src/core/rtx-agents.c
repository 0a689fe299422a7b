/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-agents.h"
#include "rtx-api-key.h"
#include "rtx-error.h"
#include "rtx-workspace.h"

#define COLUMNS "id, slug, name, description, system_prompt, workspace_slug, created_at, updated_at"

/**
 * RtxAgents:
 *
 * The agents that the SDK's platform API lists (`/agents`) and that `trigger-agent` webhooks
 * run: a slug, a name, a description, a system prompt and a default workspace, managed through
 * `/api/v1/agents`.
 */
struct _RtxAgents {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxAgents, rtx_agents, G_TYPE_OBJECT)

void
rtx_agent_free (RtxAgent *agent)
{
  if (agent == NULL)
    return;

  g_free (agent->slug);
  g_free (agent->name);
  g_free (agent->description);
  g_free (agent->system_prompt);
  g_free (agent->workspace_slug);
  g_free (agent);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* Both spellings: the SDK's `Agent` reads slug/name/description, the standard surface's
 * clients the camelCase fields. */
JsonNode *
rtx_agent_to_json (const RtxAgent *agent)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *created = rtx_format_timestamp (agent->created_at);
  g_autofree char *updated = rtx_format_timestamp (agent->updated_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, agent->id);
  add_string (builder, "slug", agent->slug);
  add_string (builder, "name", agent->name);
  add_string (builder, "display_name", agent->name);
  add_string (builder, "description", agent->description);
  add_string (builder, "systemPrompt", agent->system_prompt);
  add_string (builder, "workspaceSlug", agent->workspace_slug);
  add_string (builder, "createdAt", created);
  add_string (builder, "lastUpdatedAt", updated);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
rtx_agents_dispose (GObject *object)
{
  RtxAgents *self = (RtxAgents *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_agents_parent_class)->dispose (object);
}

static void
rtx_agents_class_init (RtxAgentsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_agents_dispose;
}

static void
rtx_agents_init (RtxAgents *self)
{
}

RtxAgents *
rtx_agents_new (RtxDb *db)
{
  RtxAgents *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_AGENTS, NULL);
  self->db = g_object_ref (db);
  return self;
}

static RtxAgent *
agent_from_row (RtxStmt *stmt)
{
  RtxAgent *agent = g_new0 (RtxAgent, 1);

  agent->id = sqlite3_column_int64 (stmt, 0);
  agent->slug = rtx_stmt_dup_text (stmt, 1);
  agent->name = rtx_stmt_dup_text (stmt, 2);
  agent->description = rtx_stmt_dup_text (stmt, 3);
  agent->system_prompt = rtx_stmt_dup_text (stmt, 4);
  agent->workspace_slug = rtx_stmt_dup_text (stmt, 5);
  agent->created_at = sqlite3_column_int64 (stmt, 6);
  agent->updated_at = sqlite3_column_int64 (stmt, 7);
  return agent;
}

GPtrArray *
rtx_agents_list (RtxAgents  *self,
                 GError    **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(GPtrArray) agents = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_agent_free);

  g_return_val_if_fail (RTX_IS_AGENTS (self), NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " COLUMNS " FROM agents ORDER BY name, id", error);
  if (stmt == NULL)
    return NULL;

  if (!rtx_db_collect (self->db, stmt, agents, (RtxRowFunc) agent_from_row, error))
    return NULL;

  return g_steal_pointer (&agents);
}

/**
 * rtx_agents_get:
 *
 * Returns: (transfer full): the agent, or %NULL with %RTX_ERROR_NOT_FOUND
 */
RtxAgent *
rtx_agents_get (RtxAgents   *self,
                const char  *slug,
                GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_AGENTS (self), NULL);
  g_return_val_if_fail (slug != NULL, NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " COLUMNS " FROM agents WHERE slug = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);

  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;
  if (!have_row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No agent “%s”"), slug);
    return NULL;
  }

  return agent_from_row (stmt);
}

/* ---- Fields ------------------------------------------------------------------------------ */

typedef struct {
  const char *member;
  gsize       max_length;
} Field;

/* The members a body may set, in the order of the UPDATE below. */
static const Field fields_allowed[] = {
  { "name", 255 },
  { "description", 2000 },
  { "systemPrompt", 64 * 1024 },
  { "workspaceSlug", 255 },
};

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  while (g_ascii_isspace (*text))
    text++;
  return *text == '\0';
}

static gboolean
read_fields (JsonObject   *fields,
             gboolean      creating,
             const char  **values,
             gboolean     *present,
             GError      **error)
{
  g_autoptr(GList) members = json_object_get_members (fields);

  for (GList *l = members; l != NULL; l = l->next) {
    const char *member = l->data;
    gboolean known = g_str_equal (member, "slug") && creating;

    for (guint i = 0; i < G_N_ELEMENTS (fields_allowed); i++)
      known = known || g_str_equal (member, fields_allowed[i].member);
    if (!known) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("Unknown field “%s”"), member);
      return FALSE;
    }
  }

  for (guint i = 0; i < G_N_ELEMENTS (fields_allowed); i++) {
    JsonNode *node = json_object_get_member (fields, fields_allowed[i].member);

    present[i] = node != NULL;
    values[i] = NULL;
    if (node == NULL || (JSON_NODE_HOLDS_NULL (node) && i > 0))
      continue;
    if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
        strlen (json_node_get_string (node)) > fields_allowed[i].max_length) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("%s must be a text of at most %" G_GSIZE_FORMAT " bytes"),
                   fields_allowed[i].member, fields_allowed[i].max_length);
      return FALSE;
    }
    values[i] = json_node_get_string (node);
  }

  if ((creating || present[0]) && is_blank (values[0])) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("name is required"));
    return FALSE;
  }

  return TRUE;
}

static char *
choose_slug (JsonObject  *fields,
             const char  *name,
             GError     **error)
{
  JsonNode *node = json_object_get_member (fields, "slug");
  const char *given;
  g_autofree char *slug = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return rtx_slugify (name);

  given = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          ? json_node_get_string (node) : NULL;
  slug = given != NULL ? rtx_slugify (given) : NULL;
  if (slug == NULL || !g_str_equal (slug, given)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("slug must be lower-case letters, digits and single dashes"));
    return NULL;
  }

  return g_steal_pointer (&slug);
}

/**
 * rtx_agents_create:
 * @fields: `name` (required), `slug` (made from the name when absent), `description`,
 *   `systemPrompt`, `workspaceSlug`
 *
 * Returns: (transfer full): the new agent, or %NULL with %RTX_ERROR_INVALID_ARGUMENT or
 *   %RTX_ERROR_CONFLICT (the slug is taken)
 */
RtxAgent *
rtx_agents_create (RtxAgents   *self,
                   JsonObject  *fields,
                   GError     **error)
{
  const char *values[G_N_ELEMENTS (fields_allowed)];
  gboolean present[G_N_ELEMENTS (fields_allowed)];
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(RtxAgent) existing = NULL;
  g_autofree char *slug = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (RTX_IS_AGENTS (self), NULL);

  if (!read_fields (fields, TRUE, values, present, error))
    return NULL;
  slug = choose_slug (fields, values[0], error);
  if (slug == NULL)
    return NULL;

  existing = rtx_agents_get (self, slug, NULL);
  if (existing != NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT, _("An agent “%s” exists already"), slug);
    return NULL;
  }

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO agents (slug, name, description, system_prompt, "
                         "workspace_slug, created_at, updated_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, values[0], -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, values[1] != NULL ? values[1] : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, values[2] != NULL ? values[2] : "", -1, SQLITE_TRANSIENT);
  if (values[3] != NULL && *values[3] != '\0')
    sqlite3_bind_text (stmt, 5, values[3], -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, now);
  if (!rtx_db_step_done (self->db, stmt, error))
    return NULL;

  return rtx_agents_get (self, slug, error);
}

/**
 * rtx_agents_update:
 * @fields: the members to change (as for rtx_agents_create(), without `slug`)
 *
 * Returns: (transfer full): the changed agent, or %NULL with %RTX_ERROR_NOT_FOUND or
 *   %RTX_ERROR_INVALID_ARGUMENT
 */
RtxAgent *
rtx_agents_update (RtxAgents   *self,
                   const char  *slug,
                   JsonObject  *fields,
                   GError     **error)
{
  const char *values[G_N_ELEMENTS (fields_allowed)];
  gboolean present[G_N_ELEMENTS (fields_allowed)];
  g_autoptr(RtxAgent) agent = NULL;
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_AGENTS (self), NULL);

  agent = rtx_agents_get (self, slug, error);
  if (agent == NULL || !read_fields (fields, FALSE, values, present, error))
    return NULL;

  stmt = rtx_db_prepare (self->db,
                         "UPDATE agents SET "
                         "name = CASE WHEN ?2 THEN ?3 ELSE name END, "
                         "description = CASE WHEN ?4 THEN coalesce (?5, '') ELSE description END, "
                         "system_prompt = CASE WHEN ?6 THEN coalesce (?7, '') ELSE system_prompt END, "
                         "workspace_slug = CASE WHEN ?8 THEN nullif (?9, '') ELSE workspace_slug END, "
                         "updated_at = ?10 WHERE slug = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < G_N_ELEMENTS (fields_allowed); i++) {
    sqlite3_bind_int (stmt, 2 + 2 * i, present[i]);
    if (values[i] != NULL)
      sqlite3_bind_text (stmt, 3 + 2 * i, values[i], -1, SQLITE_TRANSIENT);
  }
  sqlite3_bind_int64 (stmt, 10, g_get_real_time () / G_USEC_PER_SEC);
  if (!rtx_db_step_done (self->db, stmt, error))
    return NULL;

  return rtx_agents_get (self, slug, error);
}

/**
 * rtx_agents_delete:
 *
 * Returns: %TRUE, or %FALSE with %RTX_ERROR_NOT_FOUND
 */
gboolean
rtx_agents_delete (RtxAgents   *self,
                   const char  *slug,
                   GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_return_val_if_fail (RTX_IS_AGENTS (self), FALSE);

  stmt = rtx_db_prepare (self->db, "DELETE FROM agents WHERE slug = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, slug, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error))
    return FALSE;

  if (sqlite3_changes (sqlite3_db_handle (stmt)) == 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No agent “%s”"), slug);
    return FALSE;
  }

  return TRUE;
}
