/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-api-key.h"
#include "rtx-audit.h"
#include "rtx-credentials.h"
#include "rtx-error.h"
#include "rtx-json.h"

#define MAX_VALUE_BYTES 8192

/**
 * RtxCredentials:
 *
 * The vault of outbound secrets. SQLite holds each credential's name, type and metadata; the
 * payload (the secret fields, as JSON) lives only in the keyring. With no keyring a credential
 * cannot be stored at all: the vault refuses rather than fall back to a file. Every change and
 * every read of a payload is audited, never the values.
 *
 * Calls block on D-Bus: run them in a worker thread.
 */
struct _RtxCredentials {
  GObject     parent_instance;

  RtxDb      *db;
  RtxSecrets *secrets;
};

G_DEFINE_FINAL_TYPE (RtxCredentials, rtx_credentials, G_TYPE_OBJECT)

typedef struct {
  const char *type;
  const char *required[3];
  const char *optional[3];
} TypeSpec;

static const TypeSpec type_specs[] = {
  { "http_header", { "name", "value", NULL }, { NULL } },
  { "query_auth", { "name", "value", NULL }, { NULL } },
  { "basic_auth", { "username", "password", NULL }, { NULL } },
  { "bearer", { "token", NULL }, { NULL } },
  { "env_var", { "name", "value", NULL }, { NULL } },
  { "oauth_token", { "access_token", NULL }, { "refresh_token", "expires_at", NULL } },
};

#define CREDENTIAL_COLUMNS "id, name, type, metadata, created_at, created_by, updated_at, updated_by"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static const TypeSpec *
find_spec (const char *type)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (type_specs); i++) {
    if (g_str_equal (type_specs[i].type, type))
      return &type_specs[i];
  }

  return NULL;
}

static gboolean
spec_has (const char * const *fields,
          const char         *member)
{
  for (guint i = 0; fields[i] != NULL; i++) {
    if (g_str_equal (fields[i], member))
      return TRUE;
  }

  return FALSE;
}

void
rtx_credential_free (RtxCredential *credential)
{
  if (credential == NULL)
    return;

  g_free (credential->name);
  g_free (credential->type);
  g_free (credential->metadata);
  g_free (credential->created_by);
  g_free (credential->updated_by);
  g_free (credential);
}

gboolean
rtx_credential_type_is_valid (const char *type)
{
  return find_spec (type) != NULL;
}

/* Header names and environment variable names end up in HTTP headers and child environments:
 * only the characters those allow. */
static gboolean
is_token (const char *text,
          gboolean    env_name)
{
  if (*text == '\0' || (env_name && g_ascii_isdigit (*text)))
    return FALSE;

  for (const char *p = text; *p != '\0'; p++) {
    gboolean ok = env_name ? (g_ascii_isalnum (*p) || *p == '_')
                           : (g_ascii_isalnum (*p) || strchr ("!#$%&'*+-.^_`|~", *p) != NULL);

    if (!ok)
      return FALSE;
  }

  return TRUE;
}

static gboolean
validate_value (const char  *type,
                const char  *member,
                JsonNode    *node,
                GError     **error)
{
  const char *value;

  if (g_str_equal (member, "expires_at") && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("payload.%s must be a string"), member);
    return FALSE;
  }

  value = json_node_get_string (node);
  if (*value == '\0' || strlen (value) > MAX_VALUE_BYTES) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("payload.%s must have 1 to %d bytes"), member, MAX_VALUE_BYTES);
    return FALSE;
  }

  if (strpbrk (value, "\r\n") != NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("payload.%s cannot contain line breaks"), member);
    return FALSE;
  }

  /* RFC 7617: the user-id of Basic authentication cannot contain a colon. */
  if (g_str_equal (member, "username") && strchr (value, ':') != NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("payload.username cannot contain “:”"));
    return FALSE;
  }

  if (g_str_equal (member, "name") && !is_token (value, g_str_equal (type, "env_var"))) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 g_str_equal (type, "env_var")
                   ? _("payload.name must be an environment variable name (letters, digits, _)")
                   : _("payload.name must be a valid header or parameter name"));
    return FALSE;
  }

  return TRUE;
}

/**
 * rtx_credential_validate_payload:
 *
 * Checks that @payload has exactly the fields of @type: every required one, optional ones
 * only where the type has them, nothing else.
 */
gboolean
rtx_credential_validate_payload (const char  *type,
                                 JsonObject  *payload,
                                 GError     **error)
{
  const TypeSpec *spec = find_spec (type);
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  if (spec == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("Unknown credential type “%s”"), type != NULL ? type : "");
    return FALSE;
  }

  for (guint i = 0; spec->required[i] != NULL; i++) {
    if (!json_object_has_member (payload, spec->required[i])) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("A %s credential needs payload.%s"), type, spec->required[i]);
      return FALSE;
    }
  }

  json_object_iter_init (&iter, payload);
  while (json_object_iter_next (&iter, &member, &node)) {
    if (!spec_has (spec->required, member) && !spec_has (spec->optional, member)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("A %s credential has no field “%s”"), type, member);
      return FALSE;
    }
    if (!validate_value (type, member, node, error))
      return FALSE;
  }

  return TRUE;
}

static gboolean
validate_name (const char  *name,
               GError     **error)
{
  gsize len = name != NULL ? strlen (name) : 0;

  if (len == 0 || len > 100 || !g_ascii_isalnum (name[0]))
    goto bad;

  for (gsize i = 0; i < len; i++) {
    if (!g_ascii_isalnum (name[i]) && strchr ("._-", name[i]) == NULL)
      goto bad;
  }

  return TRUE;

bad:
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                       _("A credential name has 1 to 100 characters: letters, digits, “.”, “_” "
                         "and “-”, starting with a letter or digit"));
  return FALSE;
}

static RtxCredential *
credential_from_row (RtxStmt *stmt)
{
  RtxCredential *credential = g_new0 (RtxCredential, 1);

  credential->id = sqlite3_column_int64 (stmt, 0);
  credential->name = rtx_stmt_dup_text (stmt, 1);
  credential->type = rtx_stmt_dup_text (stmt, 2);
  credential->metadata = rtx_stmt_dup_text (stmt, 3);
  credential->created_at = sqlite3_column_int64 (stmt, 4);
  credential->created_by = rtx_stmt_dup_text (stmt, 5);
  credential->updated_at = sqlite3_column_int64 (stmt, 6);
  credential->updated_by = rtx_stmt_dup_text (stmt, 7);

  return credential;
}

static char *
object_to_text (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return rtx_json_to_string (node, FALSE);
}

static void
rtx_credentials_dispose (GObject *object)
{
  RtxCredentials *self = (RtxCredentials *)object;

  g_clear_object (&self->secrets);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_credentials_parent_class)->dispose (object);
}

static void
rtx_credentials_class_init (RtxCredentialsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_credentials_dispose;
}

static void
rtx_credentials_init (RtxCredentials *self)
{
}

RtxCredentials *
rtx_credentials_new (RtxDb      *db,
                     RtxSecrets *secrets)
{
  RtxCredentials *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);
  g_return_val_if_fail (RTX_IS_SECRETS (secrets), NULL);

  self = g_object_new (RTX_TYPE_CREDENTIALS, NULL);
  self->db = g_object_ref (db);
  self->secrets = g_object_ref (secrets);

  return self;
}

RtxCredential *
rtx_credentials_get (RtxCredentials  *self,
                     const char      *name,
                     GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (self), NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " CREDENTIAL_COLUMNS " FROM credentials WHERE name = ?1",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;

  if (!have_row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("There is no credential named “%s”"),
                 name != NULL ? name : "");
    return NULL;
  }

  return credential_from_row (stmt);
}

/**
 * rtx_credentials_list:
 *
 * Returns: (transfer full) (element-type RtxCredential): every credential, by name
 */
GPtrArray *
rtx_credentials_list (RtxCredentials  *self,
                      GError         **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_credential_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (self), NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " CREDENTIAL_COLUMNS " FROM credentials ORDER BY name",
                         error);
  if (stmt == NULL)
    return NULL;

  if (!rtx_db_collect (self->db, stmt, list, (RtxRowFunc) credential_from_row, error))
    return NULL;

  return g_steal_pointer (&list);
}

static char *
keyring_label (const char *name)
{
  return g_strdup_printf (_("RealTimeX Runtime credential “%s”"), name);
}

static gboolean
audit (RtxCredentials  *self,
       const RtxActor  *actor,
       const char      *action,
       gint64           id,
       const char      *name,
       GError         **error)
{
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return rtx_audit_record (self->db, actor, action, "credential", subject, name, error);
}

static gboolean
insert_row (RtxCredentials  *self,
            const char      *name,
            const char      *type,
            const char      *metadata,
            const RtxActor  *actor,
            gint64          *out_id,
            GError         **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "INSERT INTO credentials (name, type, metadata,"
                                            " created_at, created_by, updated_at, updated_by)"
                                            " VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?5)",
                                            error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, metadata, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  sqlite3_bind_text (stmt, 5, actor->name, -1, SQLITE_TRANSIENT);

  if (!rtx_db_step_done (self->db, stmt, error)) {
    if (error != NULL && g_error_matches (*error, RTX_ERROR, RTX_ERROR_CONFLICT)) {
      g_clear_error (error);
      g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT,
                   _("A credential named “%s” already exists"), name);
    }
    return FALSE;
  }

  *out_id = rtx_db_last_insert_rowid (self->db);
  return TRUE;
}

/**
 * rtx_credentials_create:
 *
 * Stores the payload in the keyring and the rest in SQLite, both or neither.
 *
 * Returns: (transfer full): the new credential
 */
RtxCredential *
rtx_credentials_create (RtxCredentials  *self,
                        const char      *name,
                        const char      *type,
                        JsonObject      *payload,
                        JsonObject      *metadata,
                        const RtxActor  *actor,
                        GError         **error)
{
  g_autofree char *metadata_text = NULL;
  g_autofree char *label = NULL;
  g_autoptr(RtxSecret) payload_text = NULL;
  gint64 id = 0;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!validate_name (name, error))
    return NULL;
  if (payload == NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("A credential needs a payload"));
    return NULL;
  }
  if (!rtx_credential_validate_payload (type, payload, error))
    return NULL;

  metadata_text = metadata != NULL ? object_to_text (metadata) : NULL;
  payload_text = object_to_text (payload);
  label = keyring_label (name);

  if (!rtx_db_begin (self->db, error))
    return NULL;

  if (!insert_row (self, name, type, metadata_text, actor, &id, error) ||
      !audit (self, actor, "credential.create", id, name, error) ||
      !rtx_secrets_store_credential (self->secrets, id, label, payload_text, error)) {
    rtx_db_rollback (self->db);
    return NULL;
  }

  if (!rtx_db_commit (self->db, error)) {
    rtx_secrets_clear_credential (self->secrets, id, NULL);
    return NULL;
  }

  return rtx_credentials_get (self, name, error);
}

static JsonObject *
parse_payload (const char  *text,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_FAILED,
                         _("The keyring item of this credential is damaged"));
    return NULL;
  }

  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
lookup_payload (RtxCredentials       *self,
                const RtxCredential  *credential,
                GError              **error)
{
  g_autoptr(RtxSecret) text = rtx_secrets_lookup_credential (self->secrets, credential->id, error);

  if (text == NULL) {
    if (error != NULL && *error == NULL)
      g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
                   _("The keyring no longer holds the payload of “%s”"), credential->name);
    return NULL;
  }

  return parse_payload (text, error);
}

/* Fields left out of an update keep their stored values, so an editor never has to echo a
 * secret back to change something else. A new type needs a whole new payload. */
static JsonObject *
merged_payload (RtxCredentials       *self,
                const RtxCredential  *credential,
                const char           *type,
                JsonObject           *changes,
                GError              **error)
{
  g_autoptr(JsonObject) merged = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  if (!g_str_equal (type, credential->type))
    return json_object_ref (changes);

  merged = lookup_payload (self, credential, error);
  if (merged == NULL)
    return NULL;

  json_object_iter_init (&iter, changes);
  while (json_object_iter_next (&iter, &member, &node))
    json_object_set_member (merged, member, json_node_copy (node));

  return g_steal_pointer (&merged);
}

static gboolean
update_row (RtxCredentials       *self,
            const RtxCredential  *credential,
            const char           *type,
            JsonObject           *metadata,
            const RtxActor       *actor,
            GError              **error)
{
  g_autofree char *metadata_text = metadata != NULL ? object_to_text (metadata) : NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "UPDATE credentials SET type = ?1,"
                                            " metadata = coalesce (?2, metadata), updated_at = ?3,"
                                            " updated_by = ?4 WHERE id = ?5",
                                            error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, metadata_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_seconds ());
  sqlite3_bind_text (stmt, 4, actor->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, credential->id);

  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_credentials_update:
 * @type: (nullable): a new type, or %NULL to keep it
 * @payload: (nullable): fields to change; with a new type, the whole new payload
 * @metadata: (nullable): new metadata, or %NULL to keep it
 *
 * Returns: (transfer full): the credential as updated
 */
RtxCredential *
rtx_credentials_update (RtxCredentials  *self,
                        const char      *name,
                        const char      *type,
                        JsonObject      *payload,
                        JsonObject      *metadata,
                        const RtxActor  *actor,
                        GError         **error)
{
  g_autoptr(RtxCredential) credential = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(RtxSecret) payload_text = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  credential = rtx_credentials_get (self, name, error);
  if (credential == NULL)
    return NULL;

  if (type == NULL)
    type = credential->type;
  if (!g_str_equal (type, credential->type) && payload == NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("Changing a credential's type needs a whole new payload"));
    return NULL;
  }

  if (payload != NULL) {
    merged = merged_payload (self, credential, type, payload, error);
    if (merged == NULL || !rtx_credential_validate_payload (type, merged, error))
      return NULL;
    payload_text = object_to_text (merged);
  }

  label = keyring_label (name);
  if (!rtx_db_begin (self->db, error))
    return NULL;

  if (!update_row (self, credential, type, metadata, actor, error) ||
      !audit (self, actor, "credential.update", credential->id, name, error) ||
      (payload_text != NULL &&
       !rtx_secrets_store_credential (self->secrets, credential->id, label, payload_text, error))) {
    rtx_db_rollback (self->db);
    return NULL;
  }

  if (!rtx_db_commit (self->db, error))
    return NULL;

  return rtx_credentials_get (self, name, error);
}

/**
 * rtx_credentials_delete:
 *
 * Removes the row and the keyring item. When the keyring cannot be reached the credential is
 * kept, rather than leave a secret behind that nothing lists any more.
 */
gboolean
rtx_credentials_delete (RtxCredentials  *self,
                        const char      *name,
                        const RtxActor  *actor,
                        GError         **error)
{
  g_autoptr(RtxCredential) credential = NULL;
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  credential = rtx_credentials_get (self, name, error);
  if (credential == NULL)
    return FALSE;

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db, "DELETE FROM credentials WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, credential->id);

  if (!rtx_db_step_done (self->db, stmt, error) ||
      !audit (self, actor, "credential.delete", credential->id, name, error) ||
      !rtx_secrets_clear_credential (self->secrets, credential->id, error))
    goto fail;

  return rtx_db_commit (self->db, error);

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/**
 * rtx_credentials_read_payload:
 *
 * Reads a payload back from the keyring, for the runtime's own outbound calls and for a local
 * app granted this very credential. Each read is audited; a read that cannot be audited fails.
 *
 * Returns: (transfer full): the payload object
 */
JsonObject *
rtx_credentials_read_payload (RtxCredentials  *self,
                              const char      *name,
                              const RtxActor  *actor,
                              GError         **error)
{
  g_autoptr(RtxCredential) credential = NULL;
  g_autoptr(JsonObject) payload = NULL;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  credential = rtx_credentials_get (self, name, error);
  if (credential == NULL)
    return NULL;

  payload = lookup_payload (self, credential, error);
  if (payload == NULL)
    return NULL;

  if (!audit (self, actor, "credential.read", credential->id, name, error))
    return NULL;

  return g_steal_pointer (&payload);
}

/**
 * rtx_credential_to_json:
 *
 * The one JSON shape of a credential: name, type, metadata and times, never the payload.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
rtx_credential_to_json (const RtxCredential *credential)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) metadata = NULL;
  g_autofree char *created = NULL;
  g_autofree char *updated = NULL;

  g_return_val_if_fail (credential != NULL, NULL);

  if (credential->metadata != NULL)
    metadata = json_from_string (credential->metadata, NULL);
  created = rtx_format_timestamp (credential->created_at);
  updated = rtx_format_timestamp (credential->updated_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, credential->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, credential->type);
  json_builder_set_member_name (builder, "metadata");
  if (metadata != NULL)
    json_builder_add_value (builder, g_steal_pointer (&metadata));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_string_value (builder, updated);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
