/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-api-key.h"
#include "rtx-audit.h"
#include "rtx-embeds.h"
#include "rtx-error.h"
#include "rtx-json.h"

#define MAX_ALLOWLIST 50
#define DAY_SECONDS (24 * 60 * 60)

/**
 * RtxEmbeds:
 *
 * The embeddable chat widgets and their exchanges. Unlike AnythingLLM, every field is checked
 * and a bad one refuses the whole write: `allowlist_domains` is read as an array or a
 * comma-separated string alike and is never dropped to "allow all" (issue #6357); an empty
 * allowlist allows no origin.
 */
struct _RtxEmbeds {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxEmbeds, rtx_embeds, G_TYPE_OBJECT)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- RtxEmbed ---------------------------------------------------------------------------- */

void
rtx_embed_free (RtxEmbed *embed)
{
  if (embed == NULL)
    return;

  g_free (embed->uuid);
  g_free (embed->chat_mode);
  g_strfreev (embed->allowlist);
  g_free (embed->workspace_name);
  g_free (embed->workspace_slug);
  g_free (embed->created_by);
  g_free (embed);
}

static void
add_count (JsonBuilder *builder,
           const char  *member,
           gint64       value)
{
  json_builder_set_member_name (builder, member);
  if (value > 0)
    json_builder_add_int_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

/**
 * rtx_embed_to_json:
 *
 * AnythingLLM's embed row (snake_case config fields, `createdAt`, `workspace {id, name}`,
 * `chat_count`), with `allowlist_domains` as an array.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
rtx_embed_to_json (const RtxEmbed *embed)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *created = rtx_format_timestamp (embed->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, embed->id);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, embed->uuid);
  add_bool (builder, "enabled", embed->enabled);
  json_builder_set_member_name (builder, "chat_mode");
  json_builder_add_string_value (builder, embed->chat_mode);
  json_builder_set_member_name (builder, "allowlist_domains");
  json_builder_begin_array (builder);
  for (guint i = 0; embed->allowlist[i] != NULL; i++)
    json_builder_add_string_value (builder, embed->allowlist[i]);
  json_builder_end_array (builder);
  add_bool (builder, "allow_model_override", embed->allow_model_override);
  add_bool (builder, "allow_temperature_override", embed->allow_temperature_override);
  add_bool (builder, "allow_prompt_override", embed->allow_prompt_override);
  add_count (builder, "max_chats_per_day", embed->max_chats_per_day);
  add_count (builder, "max_chats_per_session", embed->max_chats_per_session);
  add_count (builder, "message_limit", embed->message_limit);
  json_builder_set_member_name (builder, "workspace_id");
  json_builder_add_int_value (builder, embed->workspace_id);
  json_builder_set_member_name (builder, "createdAt");
  json_builder_add_string_value (builder, created != NULL ? created : "");
  json_builder_set_member_name (builder, "workspace");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, embed->workspace_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, embed->workspace_name);
  json_builder_set_member_name (builder, "slug");
  json_builder_add_string_value (builder, embed->workspace_slug);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "chat_count");
  json_builder_add_int_value (builder, embed->chat_count);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* A DNS name or an IP literal: no wildcard, no stray punctuation. */
static gboolean
host_is_valid (const char *host)
{
  if (strchr (host, ':') != NULL)
    return g_hostname_is_ip_address (host);

  if (*host == '.' || *host == '-' || g_str_has_suffix (host, ".") || g_str_has_suffix (host, "-"))
    return FALSE;

  for (const char *p = host; *p; p++) {
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  }

  return TRUE;
}

/**
 * rtx_origin_normalize:
 * @text: an origin such as `https://Example.com:443`, or with @default_https a bare host
 * @default_https: add `https://` when @text has no scheme (AnythingLLM's rule for allowlists)
 *
 * An origin is a scheme (http or https), a host and a port: no user, path, query or fragment.
 * The host is lower-cased and a default port dropped, so that the comparison with a browser's
 * `Origin` header is exact.
 *
 * Returns: (transfer full) (nullable): the normalised origin, or %NULL when @text is none
 */
char *
rtx_origin_normalize (const char *text,
                      gboolean    default_https)
{
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host = NULL;
  const char *scheme, *path;
  int port;

  if (text == NULL || *text == '\0' || strlen (text) > 300)
    return NULL;

  for (const char *p = text; *p; p++) {
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return NULL;
  }

  if (default_https && strstr (text, "://") == NULL)
    text = with_scheme = g_strconcat ("https://", text, NULL);

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  path = g_uri_get_path (uri);
  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || (*path != '\0' && g_strcmp0 (path, "/") != 0))
    return NULL;

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  if (!host_is_valid (host))
    return NULL;
  port = g_uri_get_port (uri);
  if ((port == 443 && g_str_equal (scheme, "https")) || (port == 80 && g_str_equal (scheme, "http")))
    port = -1;

  /* GUri gives IPv6 literals without brackets. */
  return g_strdup_printf ("%s://%s%s%s%s%s", scheme,
                          strchr (host, ':') != NULL ? "[" : "", host,
                          strchr (host, ':') != NULL ? "]" : "",
                          port > 0 ? ":" : "",
                          port > 0 ? g_ascii_dtostr ((char[G_ASCII_DTOSTR_BUF_SIZE]) { 0 },
                                                     G_ASCII_DTOSTR_BUF_SIZE, port) : "");
}

/**
 * rtx_embed_allows_origin:
 * @origin: (nullable): a browser's `Origin` header
 *
 * Browsers send an origin serialised (lower-case host, no default port, no path), the form the
 * allowlist is stored in, so the comparison is exact: nothing is normalised on the way in.
 *
 * Returns: whether @origin is one of the allowlist's; never for an empty allowlist, a missing
 *   origin or the opaque origin "null"
 */
gboolean
rtx_embed_allows_origin (const RtxEmbed *embed,
                         const char     *origin)
{
  g_return_val_if_fail (embed != NULL, FALSE);

  return origin != NULL && g_strv_contains ((const char * const *) embed->allowlist, origin);
}

/* A UUID in its canonical text form (8-4-4-4-12 hex), as a string: CVE-2024-8251 passed an
 * object where a session id belonged. */
gboolean
rtx_uuid_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 36)
    return FALSE;

  for (guint i = 0; i < 36; i++) {
    gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;

    if (dash ? text[i] != '-' : !g_ascii_isxdigit (text[i]))
      return FALSE;
  }

  return TRUE;
}

/* ---- Exchanges --------------------------------------------------------------------------- */

void
rtx_embed_exchange_free (RtxEmbedExchange *exchange)
{
  if (exchange == NULL)
    return;

  g_free (exchange->session_id);
  g_free (exchange->prompt);
  g_free (exchange->text);
  g_free (exchange->response);
  g_free (exchange->connection_information);
  g_free (exchange);
}

/* AnythingLLM's raw `embed_chats` row: `response` and `connection_information` stay JSON text. */
JsonNode *
rtx_embed_exchange_to_json (const RtxEmbedExchange *exchange)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *created = rtx_format_timestamp (exchange->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, exchange->id);
  json_builder_set_member_name (builder, "session_id");
  json_builder_add_string_value (builder, exchange->session_id);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, exchange->prompt);
  json_builder_set_member_name (builder, "response");
  json_builder_add_string_value (builder, exchange->response);
  add_bool (builder, "include", exchange->include);
  json_builder_set_member_name (builder, "connection_information");
  json_builder_add_string_value (builder, exchange->connection_information);
  json_builder_set_member_name (builder, "createdAt");
  json_builder_add_string_value (builder, created != NULL ? created : "");
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
rtx_embeds_dispose (GObject *object)
{
  RtxEmbeds *self = (RtxEmbeds *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_embeds_parent_class)->dispose (object);
}

static void
rtx_embeds_class_init (RtxEmbedsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_embeds_dispose;
}

static void
rtx_embeds_init (RtxEmbeds *self)
{
}

RtxEmbeds *
rtx_embeds_new (RtxDb *db)
{
  RtxEmbeds *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_EMBEDS, NULL);
  self->db = g_object_ref (db);

  return self;
}

/* ---- Reading ----------------------------------------------------------------------------- */

#define SELECT_EMBEDS \
  "SELECT e.id, e.uuid, e.enabled, e.chat_mode, e.allowlist_domains, e.allow_model_override," \
  " e.allow_temperature_override, e.allow_prompt_override, e.max_chats_per_day," \
  " e.max_chats_per_session, e.message_limit, e.workspace_id, w.name, w.slug, e.created_by," \
  " e.created_at, (SELECT count(*) FROM embed_chats c WHERE c.embed_id = e.id)" \
  " FROM embed_configs e JOIN workspaces w ON w.id = e.workspace_id"

static GStrv
allowlist_from_json (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++) {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  }

  return g_strv_builder_end (builder);
}

static RtxEmbed *
embed_from_row (RtxStmt *stmt)
{
  RtxEmbed *embed = g_new0 (RtxEmbed, 1);

  embed->id = sqlite3_column_int64 (stmt, 0);
  embed->uuid = rtx_stmt_dup_text (stmt, 1);
  embed->enabled = sqlite3_column_int (stmt, 2) != 0;
  embed->chat_mode = rtx_stmt_dup_text (stmt, 3);
  embed->allowlist = allowlist_from_json ((const char *) sqlite3_column_text (stmt, 4));
  embed->allow_model_override = sqlite3_column_int (stmt, 5) != 0;
  embed->allow_temperature_override = sqlite3_column_int (stmt, 6) != 0;
  embed->allow_prompt_override = sqlite3_column_int (stmt, 7) != 0;
  embed->max_chats_per_day = sqlite3_column_int64 (stmt, 8);
  embed->max_chats_per_session = sqlite3_column_int64 (stmt, 9);
  embed->message_limit = sqlite3_column_int64 (stmt, 10);
  embed->workspace_id = sqlite3_column_int64 (stmt, 11);
  embed->workspace_name = rtx_stmt_dup_text (stmt, 12);
  embed->workspace_slug = rtx_stmt_dup_text (stmt, 13);
  embed->created_by = rtx_stmt_dup_text (stmt, 14);
  embed->created_at = sqlite3_column_int64 (stmt, 15);
  embed->chat_count = sqlite3_column_int64 (stmt, 16);

  return embed;
}

RtxEmbed *
rtx_embeds_get (RtxEmbeds   *self,
                const char  *uuid,
                GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), NULL);

  if (!rtx_uuid_is_valid (uuid)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("An embed id is a UUID."));
    return NULL;
  }

  stmt = rtx_db_prepare (self->db, SELECT_EMBEDS " WHERE e.uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;

  if (!have_row) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No embed with this id."));
    return NULL;
  }

  return embed_from_row (stmt);
}

/**
 * rtx_embeds_list:
 *
 * Returns: (transfer full) (element-type RtxEmbed): every embed, oldest first
 */
GPtrArray *
rtx_embeds_list (RtxEmbeds  *self,
                 GError    **error)
{
  g_autoptr(GPtrArray) embeds = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_embed_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), NULL);

  stmt = rtx_db_prepare (self->db, SELECT_EMBEDS " ORDER BY e.id", error);
  if (stmt == NULL)
    return NULL;

  if (!rtx_db_collect (self->db, stmt, embeds, (RtxRowFunc) embed_from_row, error))
    return NULL;

  return g_steal_pointer (&embeds);
}

/* ---- Writing ----------------------------------------------------------------------------- */

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *what)
{
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "“%s” %s", field, what);
  return FALSE;
}

/* An array of origins, or AnythingLLM's comma-separated string; bare hosts get https://. */
static gboolean
read_allowlist (JsonNode  *node,
                char     **out_json,
                GError   **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (json_node_get_value_type (node) == G_TYPE_STRING) {
    g_auto(GStrv) parts = g_strsplit (json_node_get_string (node), ",", -1);

    for (guint i = 0; parts[i] != NULL; i++) {
      g_strstrip (parts[i]);
      if (*parts[i] != '\0')
        g_ptr_array_add (entries, g_strdup (parts[i]));
    }
  } else if (JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *array = json_node_get_array (node);

    for (guint i = 0; i < json_array_get_length (array); i++) {
      JsonNode *element = json_array_get_element (array, i);

      if (json_node_get_value_type (element) != G_TYPE_STRING)
        return invalid (error, "allowlist_domains", _("lists origins as strings"));
      g_ptr_array_add (entries, g_strstrip (g_strdup (json_node_get_string (element))));
    }
  } else {
    return invalid (error, "allowlist_domains",
                    _("is a list of origins or a comma-separated string ([] allows none)"));
  }

  if (entries->len > MAX_ALLOWLIST)
    return invalid (error, "allowlist_domains", _("has at most 50 origins"));

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++) {
    g_autofree char *origin = rtx_origin_normalize (g_ptr_array_index (entries, i), TRUE);

    if (origin == NULL) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an origin such as https://example.com"),
                   (const char *) g_ptr_array_index (entries, i));
      return FALSE;
    }
    json_builder_add_string_value (builder, origin);
  }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  *out_json = rtx_json_to_string (root, FALSE);
  return TRUE;
}

/* The columns a write may set, each read from @fields with its own check. */
typedef struct {
  gboolean  has_enabled;
  gboolean  enabled;
  char     *chat_mode;
  char     *allowlist_json;
  int       overrides[3];        /* -1: unchanged */
  gboolean  has_limit[3];
  gint64    limit[3];            /* per day, per session, message limit */
  gint64    workspace_id;        /* 0: unchanged */
} Changes;

static const char * const override_fields[] = {
  "allow_model_override", "allow_temperature_override", "allow_prompt_override",
};
static const char * const limit_fields[] = {
  "max_chats_per_day", "max_chats_per_session", "message_limit",
};

static void
changes_clear (Changes *changes)
{
  g_free (changes->chat_mode);
  g_free (changes->allowlist_json);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Changes, changes_clear)

static gboolean
read_boolean (JsonObject  *fields,
              const char  *name,
              int         *out_value,
              GError     **error)
{
  JsonNode *node = json_object_get_member (fields, name);

  if (node == NULL)
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (error, name, _("is true or false"));

  *out_value = json_node_get_boolean (node) ? 1 : 0;
  return TRUE;
}

static gboolean
read_changes (JsonObject  *fields,
              gboolean     for_update,
              Changes     *changes,
              GError     **error)
{
  static const char * const known[] = {
    "workspace_slug", "workspace_id", "enabled", "chat_mode", "allowlist_domains",
    "allow_model_override", "allow_temperature_override", "allow_prompt_override",
    "max_chats_per_day", "max_chats_per_session", "message_limit", NULL,
  };
  g_autoptr(GList) members = json_object_get_members (fields);
  JsonNode *node;
  int enabled = -1;

  for (GList *l = members; l != NULL; l = l->next) {
    if (!g_strv_contains (known, l->data) ||
        (for_update && g_str_equal (l->data, "workspace_slug")) ||
        (!for_update && g_str_equal (l->data, "workspace_id"))) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("Unknown field “%s”."),
                   (const char *) l->data);
      return FALSE;
    }
  }

  if (!read_boolean (fields, "enabled", &enabled, error))
    return FALSE;
  changes->has_enabled = enabled >= 0;
  changes->enabled = enabled == 1;

  node = json_object_get_member (fields, "chat_mode");
  if (node != NULL) {
    const char *mode = json_node_get_value_type (node) == G_TYPE_STRING
                       ? json_node_get_string (node) : NULL;

    if (g_strcmp0 (mode, "chat") != 0 && g_strcmp0 (mode, "query") != 0)
      return invalid (error, "chat_mode", _("is “chat” or “query”"));
    changes->chat_mode = g_strdup (mode);
  }

  node = json_object_get_member (fields, "allowlist_domains");
  if (node != NULL && !read_allowlist (node, &changes->allowlist_json, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (override_fields); i++) {
    changes->overrides[i] = -1;
    if (!read_boolean (fields, override_fields[i], &changes->overrides[i], error))
      return FALSE;
  }

  for (guint i = 0; i < G_N_ELEMENTS (limit_fields); i++) {
    gboolean nullable = i < 2;

    node = json_object_get_member (fields, limit_fields[i]);
    if (node == NULL)
      continue;
    changes->has_limit[i] = TRUE;
    if (nullable && JSON_NODE_HOLDS_NULL (node))
      continue;
    if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 1 ||
        json_node_get_int (node) > (i == 2 ? 200 : G_MAXINT32))
      return invalid (error, limit_fields[i], nullable ? _("is a positive whole number, or null")
                                                       : _("is a whole number from 1 to 200"));
    changes->limit[i] = json_node_get_int (node);
  }

  node = json_object_get_member (fields, "workspace_id");
  if (node != NULL) {
    if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 1)
      return invalid (error, "workspace_id", _("is a workspace's id"));
    changes->workspace_id = json_node_get_int (node);
  }

  return TRUE;
}

static gboolean
exec_text (RtxEmbeds   *self,
           const char  *sql,
           gint64       id,
           const char  *text,
           GError     **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (text != NULL)
    sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  return rtx_db_step_done (self->db, stmt, error);
}

static gboolean
exec_int (RtxEmbeds   *self,
          const char  *sql,
          gint64       id,
          gint64       value,
          gboolean     null_when_zero,
          GError     **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (value == 0 && null_when_zero)
    sqlite3_bind_null (stmt, 2);
  else
    sqlite3_bind_int64 (stmt, 2, value);
  return rtx_db_step_done (self->db, stmt, error);
}

/* Column names come from the fixed tables above, never from the request. */
static gboolean
apply_changes (RtxEmbeds      *self,
               gint64          id,
               const Changes  *changes,
               GError        **error)
{
  if (changes->has_enabled &&
      !exec_int (self, "UPDATE embed_configs SET enabled = ?2 WHERE id = ?1", id,
                 changes->enabled, FALSE, error))
    return FALSE;
  if (changes->chat_mode != NULL &&
      !exec_text (self, "UPDATE embed_configs SET chat_mode = ?2 WHERE id = ?1", id,
                  changes->chat_mode, error))
    return FALSE;
  if (changes->allowlist_json != NULL &&
      !exec_text (self, "UPDATE embed_configs SET allowlist_domains = ?2 WHERE id = ?1", id,
                  changes->allowlist_json, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (override_fields); i++) {
    g_autofree char *sql = g_strdup_printf ("UPDATE embed_configs SET %s = ?2 WHERE id = ?1",
                                            override_fields[i]);

    if (changes->overrides[i] >= 0 &&
        !exec_int (self, sql, id, changes->overrides[i], FALSE, error))
      return FALSE;
  }

  for (guint i = 0; i < G_N_ELEMENTS (limit_fields); i++) {
    g_autofree char *sql = g_strdup_printf ("UPDATE embed_configs SET %s = ?2 WHERE id = ?1",
                                            limit_fields[i]);
    gint64 value = changes->limit[i] == 0 && i == 2 ? 20 : changes->limit[i];

    if (changes->has_limit[i] && !exec_int (self, sql, id, value, TRUE, error))
      return FALSE;
  }

  if (changes->workspace_id > 0 &&
      !exec_int (self, "UPDATE embed_configs SET workspace_id = ?2 WHERE id = ?1", id,
                 changes->workspace_id, FALSE, error))
    return FALSE;

  return TRUE;
}

static gboolean
workspace_exists (RtxEmbeds  *self,
                  gint64      workspace_id,
                  GError    **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, "SELECT 1 FROM workspaces WHERE id = ?1",
                                            error);
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  if (!rtx_db_step_row (self->db, stmt, &found, error))
    return FALSE;
  if (!found)
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No such workspace."));
  return found;
}

/**
 * rtx_embeds_create:
 * @workspace_id: the workspace that answers
 * @fields: the config fields of §7 (the caller removes `workspace_slug`)
 *
 * Returns: (transfer full): the new embed, enabled, in query mode unless said
 */
RtxEmbed *
rtx_embeds_create (RtxEmbeds       *self,
                   gint64           workspace_id,
                   JsonObject      *fields,
                   const RtxActor  *actor,
                   GError         **error)
{
  g_auto(Changes) changes = { 0 };
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(RtxStmt) stmt = NULL;
  gint64 id;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!read_changes (fields, FALSE, &changes, error))
    return NULL;

  if (!rtx_db_begin (self->db, error))
    return NULL;

  if (!workspace_exists (self, workspace_id, error))
    goto fail;

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO embed_configs (uuid, workspace_id, created_by, created_at)"
                         " VALUES (?1, ?2, ?3, ?4)",
                         error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, workspace_id);
  sqlite3_bind_text (stmt, 3, actor->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  if (!rtx_db_step_done (self->db, stmt, error))
    goto fail;
  id = rtx_db_last_insert_rowid (self->db);

  if (!apply_changes (self, id, &changes, error) ||
      !rtx_audit_record (self->db, actor, "embed.create", "embed", uuid, NULL, error))
    goto fail;

  if (!rtx_db_commit (self->db, error))
    return NULL;

  return rtx_embeds_get (self, uuid, error);

fail:
  rtx_db_rollback (self->db);
  return NULL;
}

/**
 * rtx_embeds_update:
 *
 * Changes only the fields present; an allowlist changes only when sent, and only to what
 * was sent.
 *
 * Returns: (transfer full): the embed as changed
 */
RtxEmbed *
rtx_embeds_update (RtxEmbeds       *self,
                   const char      *uuid,
                   JsonObject      *fields,
                   const RtxActor  *actor,
                   GError         **error)
{
  g_auto(Changes) changes = { 0 };
  g_autoptr(RtxEmbed) embed = NULL;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  embed = rtx_embeds_get (self, uuid, error);
  if (embed == NULL || !read_changes (fields, TRUE, &changes, error))
    return NULL;

  if (!rtx_db_begin (self->db, error))
    return NULL;

  if ((changes.workspace_id > 0 && !workspace_exists (self, changes.workspace_id, error)) ||
      !apply_changes (self, embed->id, &changes, error) ||
      !rtx_audit_record (self->db, actor, "embed.update", "embed", uuid, NULL, error)) {
    rtx_db_rollback (self->db);
    return NULL;
  }

  if (!rtx_db_commit (self->db, error))
    return NULL;

  return rtx_embeds_get (self, uuid, error);
}

/* Deletes the embed and, by the foreign key, its exchanges. */
gboolean
rtx_embeds_delete (RtxEmbeds       *self,
                   const char      *uuid,
                   const RtxActor  *actor,
                   GError         **error)
{
  g_autoptr(RtxEmbed) embed = NULL;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), FALSE);

  embed = rtx_embeds_get (self, uuid, error);
  if (embed == NULL || !rtx_db_begin (self->db, error))
    return FALSE;

  if (!exec_text (self, "DELETE FROM embed_configs WHERE id = ?1", embed->id, NULL, error) ||
      !rtx_audit_record (self->db, actor, "embed.delete", "embed", uuid, NULL, error)) {
    rtx_db_rollback (self->db);
    return FALSE;
  }

  return rtx_db_commit (self->db, error);
}

/* ---- The widget's exchanges -------------------------------------------------------------- */

static gboolean
count_since (RtxEmbeds   *self,
             gint64       embed_id,
             const char  *session_id,
             gint64      *out_count,
             GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  stmt = rtx_db_prepare (self->db, session_id != NULL
                         ? "SELECT count(*) FROM embed_chats WHERE embed_id = ?1"
                           " AND created_at > ?2 AND session_id = ?3"
                         : "SELECT count(*) FROM embed_chats WHERE embed_id = ?1"
                           " AND created_at > ?2",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, embed_id);
  sqlite3_bind_int64 (stmt, 2, now_seconds () - DAY_SECONDS);
  if (session_id != NULL)
    sqlite3_bind_text (stmt, 3, session_id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return FALSE;

  *out_count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/**
 * rtx_embeds_check_limits:
 *
 * The daily and per-session limits over a rolling 24 hours (§7).
 *
 * Returns: %FALSE with %RTX_ERROR_RATE_LIMITED when a limit is reached
 */
gboolean
rtx_embeds_check_limits (RtxEmbeds       *self,
                         const RtxEmbed  *embed,
                         const char      *session_id,
                         GError         **error)
{
  gint64 count = 0;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), FALSE);

  if (embed->max_chats_per_day > 0) {
    if (!count_since (self, embed->id, NULL, &count, error))
      return FALSE;
    if (count >= embed->max_chats_per_day) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_RATE_LIMITED,
                           _("This chat has answered all the questions it takes today. "
                             "Try again tomorrow."));
      return FALSE;
    }
  }

  if (embed->max_chats_per_session > 0) {
    if (!count_since (self, embed->id, session_id, &count, error))
      return FALSE;
    if (count >= embed->max_chats_per_session) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_RATE_LIMITED,
                           _("This conversation has reached its limit of messages for today."));
      return FALSE;
    }
  }

  return TRUE;
}

static char *
object_text (const char *first_member,
             ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *name = first_member;
  va_list args;

  va_start (args, first_member);
  json_builder_begin_object (builder);
  while (name != NULL) {
    const char *value = va_arg (args, const char *);

    json_builder_set_member_name (builder, name);
    if (value != NULL)
      json_builder_add_string_value (builder, value);
    else
      json_builder_add_null_value (builder);
    name = va_arg (args, const char *);
  }
  json_builder_end_object (builder);
  va_end (args);

  root = json_builder_get_root (builder);
  return rtx_json_to_string (root, FALSE);
}

/**
 * rtx_embeds_add_exchange:
 * @host: the page's origin
 * @username: (nullable): what the page said its visitor is called
 *
 * Stores an answered exchange. The answer's sources are not stored with it: the widget never
 * gets them, and the admin views show what the visitor saw.
 *
 * Returns: the row id, or 0 with @error set
 */
gint64
rtx_embeds_add_exchange (RtxEmbeds       *self,
                         const RtxEmbed  *embed,
                         const char      *session_id,
                         const char      *prompt,
                         const char      *text,
                         const char      *host,
                         const char      *username,
                         GError         **error)
{
  g_autofree char *response = object_text ("text", text, "type", embed->chat_mode, NULL);
  g_autofree char *connection = object_text ("host", host, "ip", "127.0.0.1",
                                             "username", username, NULL);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), 0);

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO embed_chats (embed_id, session_id, prompt, response,"
                         " connection_information, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, embed->id);
  sqlite3_bind_text (stmt, 2, session_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, prompt, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, response, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, connection, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, now_seconds ());
  if (!rtx_db_step_done (self->db, stmt, error))
    return 0;

  return rtx_db_last_insert_rowid (self->db);
}

static char *
response_text (const char *response)
{
  g_autoptr(JsonNode) node = json_from_string (response, NULL);
  JsonNode *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup ("");
  text = json_object_get_member (json_node_get_object (node), "text");
  return g_strdup (text != NULL && json_node_get_value_type (text) == G_TYPE_STRING
                   ? json_node_get_string (text) : "");
}

/**
 * rtx_embeds_list_exchanges:
 * @session_id: (nullable): one session, or %NULL for all
 * @included_only: leave out exchanges of reset sessions
 * @limit: the newest this many, or 0 for all
 *
 * Returns: (transfer full) (element-type RtxEmbedExchange): oldest first
 */
GPtrArray *
rtx_embeds_list_exchanges (RtxEmbeds       *self,
                           const RtxEmbed  *embed,
                           const char      *session_id,
                           gboolean         included_only,
                           guint            limit,
                           GError         **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_embed_exchange_free);
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT * FROM (SELECT id, session_id, prompt, response,"
                         " connection_information, include, created_at FROM embed_chats"
                         " WHERE embed_id = ?1 AND (?2 IS NULL OR session_id = ?2)"
                         " AND (?3 = 0 OR include = 1) ORDER BY id DESC LIMIT ?4) ORDER BY id",
                         error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, embed->id);
  if (session_id != NULL)
    sqlite3_bind_text (stmt, 2, session_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int (stmt, 3, included_only ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, limit > 0 ? (gint64) limit : -1);

  for (;;) {
    RtxEmbedExchange *exchange;

    if (!rtx_db_step_row (self->db, stmt, &have_row, error))
      return NULL;
    if (!have_row)
      break;

    exchange = g_new0 (RtxEmbedExchange, 1);
    exchange->id = sqlite3_column_int64 (stmt, 0);
    exchange->session_id = rtx_stmt_dup_text (stmt, 1);
    exchange->prompt = rtx_stmt_dup_text (stmt, 2);
    exchange->response = rtx_stmt_dup_text (stmt, 3);
    exchange->text = response_text (exchange->response);
    exchange->connection_information = rtx_stmt_dup_text (stmt, 4);
    exchange->include = sqlite3_column_int (stmt, 5) != 0;
    exchange->created_at = sqlite3_column_int64 (stmt, 6);
    g_ptr_array_add (list, exchange);
  }

  return g_steal_pointer (&list);
}

/* Hides a session's exchanges from its history (`include = 0`), as AnythingLLM's reset does. */
gboolean
rtx_embeds_reset_session (RtxEmbeds       *self,
                          const RtxEmbed  *embed,
                          const char      *session_id,
                          GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_EMBEDS (self), FALSE);

  stmt = rtx_db_prepare (self->db,
                         "UPDATE embed_chats SET include = 0 WHERE embed_id = ?1 AND session_id = ?2",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, embed->id);
  sqlite3_bind_text (stmt, 2, session_id, -1, SQLITE_TRANSIENT);
  return rtx_db_step_done (self->db, stmt, error);
}
