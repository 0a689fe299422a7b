/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>

#include "rtx-api-keys.h"
#include "rtx-audit.h"
#include "rtx-error.h"
#include "rtx-key-cache.h"
#include "rtx-user.h"

#define MAX_NAME_CHARS 200

/**
 * RtxApiKeys:
 *
 * Generates, verifies, lists, copies, rotates and deactivates API keys. The database holds
 * each key's SHA-256 digest and a display form; the plaintext goes only to the keyring.
 * A key found active is remembered only until the credential generation moves, which every
 * commit that changes a key, a user or the mode does, in whichever process (see
 * RtxKeyCache): so a deactivation made by any process refuses the very next request, and a
 * key in steady use costs no database read.
 */
struct _RtxApiKeys {
  GObject      parent_instance;

  RtxDb       *db;
  RtxSecrets  *secrets;

  /* last-used writes go to one worker thread with its own connection, so a request never
   * waits for the write lock that the CLI or another process may hold. */
  GThreadPool *writer;
  GMutex       scheduled_lock;
  GHashTable  *scheduled;      /* key id → time of the last scheduled write */

  RtxKeyCache *verified;

  gint         lookups;          /* atomic */
  gint         last_used_writes; /* atomic */
};

typedef struct {
  gint64  id;
  gint64  at;
  char   *surface;
} LastUsed;

G_DEFINE_FINAL_TYPE (RtxApiKeys, rtx_api_keys, G_TYPE_OBJECT)

/* A key is always read with its owner and the mode, in one statement, so that the owner's
 * suspension, demotion or deletion counts from the very next request. */
#define KEY_SELECT "SELECT k.id, k.name, k.display, k.is_admin, k.created_by, k.created_via," \
                   " k.created_at, k.replaces_key_id, k.in_keyring, us.last_used_at," \
                   " us.last_used_surface, k.deactivated_at, k.deactivated_by, k.owner_id," \
                   " u.username, u.role, u.suspended," \
                   " (SELECT value = '1' FROM meta WHERE key = 'multi_user_mode'), k.digest" \
                   " FROM api_keys k LEFT JOIN users u ON u.id = k.owner_id" \
                   " LEFT JOIN api_key_usage us ON us.key_id = k.id"
#define DIGEST_COLUMN 18

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static RtxApiKey *
key_from_row (RtxStmt *stmt)
{
  RtxApiKey *key = rtx_api_key_new ();

  key->id = sqlite3_column_int64 (stmt, 0);
  key->name = rtx_stmt_dup_text (stmt, 1);
  key->display = rtx_stmt_dup_text (stmt, 2);
  key->admin = sqlite3_column_int (stmt, 3) != 0;
  key->created_by = rtx_stmt_dup_text (stmt, 4);
  key->created_via = rtx_stmt_dup_text (stmt, 5);
  key->created_at = sqlite3_column_int64 (stmt, 6);
  key->replaces_key_id = sqlite3_column_int64 (stmt, 7);
  key->in_keyring = sqlite3_column_int (stmt, 8) != 0;
  key->last_used_at = sqlite3_column_int64 (stmt, 9);
  key->last_used_surface = rtx_stmt_dup_text (stmt, 10);
  key->deactivated_at = sqlite3_column_int64 (stmt, 11);
  key->deactivated_by = rtx_stmt_dup_text (stmt, 12);
  key->owner_id = sqlite3_column_int64 (stmt, 13);
  key->owner_username = rtx_stmt_dup_text (stmt, 14);
  key->owner_role = rtx_stmt_dup_text (stmt, 15);
  key->owner_suspended = sqlite3_column_int (stmt, 16) != 0;
  key->multi_user = sqlite3_column_int (stmt, 17) != 0;

  return key;
}

static void
last_used_free (LastUsed *job)
{
  g_free (job->surface);
  g_free (job);
}

static void
write_last_used (gpointer data,
                 gpointer user_data)
{
  LastUsed *job = data;
  RtxApiKeys *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = NULL;

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO api_key_usage (key_id, last_used_at, last_used_surface)"
                         " VALUES (?3, ?1, ?2) ON CONFLICT (key_id) DO UPDATE"
                         " SET last_used_at = excluded.last_used_at,"
                         " last_used_surface = excluded.last_used_surface"
                         " WHERE api_key_usage.last_used_at < excluded.last_used_at",
                         &error);
  if (stmt != NULL) {
    sqlite3_bind_int64 (stmt, 1, job->at);
    sqlite3_bind_text (stmt, 2, job->surface, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 3, job->id);
    rtx_db_step_done (self->db, stmt, &error);
  }

  if (error != NULL)
    g_debug ("Could not record the last use of key %" G_GINT64_FORMAT ": %s",
             job->id, error->message);
  else
    g_atomic_int_inc (&self->last_used_writes);

  last_used_free (job);
}

/* At most one write per key per interval, judged from the time already in the database (which
 * another process may have written) and from writes this process has already queued. */
static void
maybe_schedule_last_used (RtxApiKeys      *self,
                          const RtxApiKey *key,
                          const char      *surface)
{
  gint64 now = now_seconds ();
  gint64 latest = key->last_used_at;
  gpointer scheduled;
  LastUsed *job;

  g_mutex_lock (&self->scheduled_lock);
  scheduled = g_hash_table_lookup (self->scheduled, &key->id);
  if (scheduled != NULL)
    latest = MAX (latest, *(gint64 *) scheduled);

  if (now - latest < RTX_API_KEYS_LAST_USED_INTERVAL_SEC) {
    g_mutex_unlock (&self->scheduled_lock);
    return;
  }

  g_hash_table_replace (self->scheduled, g_memdup2 (&key->id, sizeof (gint64)),
                        g_memdup2 (&now, sizeof now));
  g_mutex_unlock (&self->scheduled_lock);

  job = g_new0 (LastUsed, 1);
  job->id = key->id;
  job->at = now;
  job->surface = g_strdup (surface);
  g_thread_pool_push (self->writer, job, NULL);
}

static void
rtx_api_keys_dispose (GObject *object)
{
  RtxApiKeys *self = (RtxApiKeys *)object;

  /* Let queued last-used writes finish before the database goes away. */
  if (self->writer != NULL) {
    g_thread_pool_free (self->writer, FALSE, TRUE);
    self->writer = NULL;
  }

  g_clear_object (&self->secrets);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_api_keys_parent_class)->dispose (object);
}

static void
rtx_api_keys_finalize (GObject *object)
{
  RtxApiKeys *self = (RtxApiKeys *)object;

  g_clear_pointer (&self->scheduled, g_hash_table_unref);
  g_clear_pointer (&self->verified, rtx_key_cache_free);
  g_mutex_clear (&self->scheduled_lock);

  G_OBJECT_CLASS (rtx_api_keys_parent_class)->finalize (object);
}

static void
rtx_api_keys_class_init (RtxApiKeysClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_api_keys_dispose;
  object_class->finalize = rtx_api_keys_finalize;
}

static void
rtx_api_keys_init (RtxApiKeys *self)
{
  g_mutex_init (&self->scheduled_lock);
  self->scheduled = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->verified = rtx_key_cache_new ();
}

RtxApiKeys *
rtx_api_keys_new (RtxDb      *db,
                  RtxSecrets *secrets)
{
  RtxApiKeys *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);
  g_return_val_if_fail (RTX_IS_SECRETS (secrets), NULL);

  self = g_object_new (RTX_TYPE_API_KEYS, NULL);
  self->db = g_object_ref (db);
  self->secrets = g_object_ref (secrets);
  self->writer = g_thread_pool_new (write_last_used, self, 1, TRUE, NULL);

  return self;
}

static char *
validate_name (const char  *name,
               GError     **error)
{
  g_autofree char *trimmed = NULL;

  if (name == NULL || !g_utf8_validate (name, -1, NULL)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("A key needs a name in UTF-8"));
    return NULL;
  }

  trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0' || g_utf8_strlen (trimmed, -1) > MAX_NAME_CHARS) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("A key name must have 1 to %d characters"), MAX_NAME_CHARS);
    return NULL;
  }

  /* Names show up in lists, logs and terminals: no control characters (log injection). */
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p)) {
    if (g_unichar_iscntrl (g_utf8_get_char (p))) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                           _("A key name cannot contain control characters"));
      return NULL;
    }
  }

  return g_steal_pointer (&trimmed);
}

RtxApiKey *
rtx_api_keys_get (RtxApiKeys  *self,
                  gint64       id,
                  GError     **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_API_KEYS (self), NULL);

  stmt = rtx_db_prepare (self->db, KEY_SELECT " WHERE k.id = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;

  if (!have_row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
                 _("There is no API key with id %" G_GINT64_FORMAT), id);
    return NULL;
  }

  return key_from_row (stmt);
}

/**
 * rtx_api_keys_list:
 *
 * Returns: (transfer full) (element-type RtxApiKey): every key, deactivated ones included,
 *   oldest first
 */
GPtrArray *
rtx_api_keys_list (RtxApiKeys  *self,
                   GError     **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_api_key_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_API_KEYS (self), NULL);

  stmt = rtx_db_prepare (self->db, KEY_SELECT " ORDER BY k.id", error);
  if (stmt == NULL)
    return NULL;

  if (!rtx_db_collect (self->db, stmt, keys, (RtxRowFunc) key_from_row, error))
    return NULL;

  return g_steal_pointer (&keys);
}

static gboolean
lookup_int (RtxDb       *db,
            const char  *sql,
            gint64       arg,
            gint64      *out_value,
            gboolean    *out_found,
            GError     **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;

  /* Statements without a parameter ignore this. */
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  if (!rtx_db_step_row (db, stmt, out_found, error))
    return FALSE;

  *out_value = *out_found ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

/* Who owns a new key in multi-user mode, unless the caller names an owner: the owner of the
 * key that asks (an admin key creating keys through the API), else the desktop operator's
 * user (the command line, Settings). */
static gboolean
default_owner (RtxApiKeys      *self,
               const RtxActor  *actor,
               gint64          *out_owner,
               GError         **error)
{
  gboolean found = FALSE;
  guint64 key_id;

  if (g_str_has_prefix (actor->name, "key:") &&
      g_ascii_string_to_unsigned (actor->name + 4, 10, 1, G_MAXINT64, &key_id, NULL))
    return lookup_int (self->db, "SELECT owner_id FROM api_keys WHERE id = ?1", (gint64) key_id,
                       out_owner, &found, error);

  return lookup_int (self->db,
                     "SELECT CAST (value AS INTEGER) FROM meta WHERE key = 'operator_user_id'",
                     0, out_owner, &found, error);
}

/* Every key has an owner in multi-user mode, and only an admin owns an admin key. Runs inside
 * the transaction that inserts the key. */
static gboolean
resolve_owner (RtxApiKeys      *self,
               gint64           requested,
               gboolean         admin,
               const RtxActor  *actor,
               gint64          *out_owner,
               GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gint64 multi_user = 0;
  gint64 owner = requested;
  gboolean found = FALSE;

  *out_owner = 0;
  if (!lookup_int (self->db,
                   "SELECT value = '1' FROM meta WHERE key = 'multi_user_mode'",
                   0, &multi_user, &found, error))
    return FALSE;

  if (owner <= 0 && !multi_user)
    return TRUE;

  if (owner <= 0 && !default_owner (self, actor, &owner, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db, "SELECT role, suspended FROM users WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, owner);
  if (!rtx_db_step_row (self->db, stmt, &found, error))
    return FALSE;

  if (!found) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         _("In multi-user mode every key needs an owner, and this one has none "
                           "(name an existing user as its owner)"));
    return FALSE;
  }
  if (sqlite3_column_int (stmt, 1) != 0) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_CONFLICT,
                         _("A suspended user cannot own a new key"));
    return FALSE;
  }
  if (admin && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), RTX_ROLE_ADMIN) != 0) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                         _("Only an administrator can own an administrator key"));
    return FALSE;
  }

  *out_owner = owner;
  return TRUE;
}

static gboolean
insert_key (RtxApiKeys     *self,
            const char     *name,
            gboolean        admin,
            const RtxActor *actor,
            const char     *secret,
            gint64          replaces,
            gint64          requested_owner,
            gint64         *out_id,
            GError        **error)
{
  gint64 owner = 0;
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *display = rtx_key_format_display (secret);
  g_autofree char *subject = NULL;
  guint8 digest[RTX_KEY_DIGEST_LEN];

  rtx_key_format_digest (secret, digest);

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  if (!resolve_owner (self, requested_owner, admin, actor, &owner, error))
    goto fail;

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO api_keys (name, digest, display, is_admin, created_by,"
                         " created_via, created_at, replaces_key_id, owner_id)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 2, digest, sizeof digest, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, display, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, admin ? 1 : 0);
  sqlite3_bind_text (stmt, 5, actor->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, actor->surface, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now_seconds ());
  if (replaces > 0)
    sqlite3_bind_int64 (stmt, 8, replaces);
  else
    sqlite3_bind_null (stmt, 8);
  if (owner > 0)
    sqlite3_bind_int64 (stmt, 9, owner);
  else
    sqlite3_bind_null (stmt, 9);

  if (!rtx_db_step_done (self->db, stmt, error))
    goto fail;

  *out_id = rtx_db_last_insert_rowid (self->db);
  subject = g_strdup_printf ("%" G_GINT64_FORMAT, *out_id);

  if (!rtx_audit_record (self->db, actor, replaces > 0 ? "api_key.rotate" : "api_key.create",
                         "api_key", subject, admin ? "admin" : NULL, error))
    goto fail;

  return rtx_db_commit (self->db, error);

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

static void
mark_in_keyring (RtxApiKeys *self,
                 gint64      id,
                 gboolean    in_keyring)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "UPDATE api_keys SET in_keyring = ?1 WHERE id = ?2",
                                            &error);

  if (stmt != NULL) {
    sqlite3_bind_int (stmt, 1, in_keyring ? 1 : 0);
    sqlite3_bind_int64 (stmt, 2, id);
    rtx_db_step_done (self->db, stmt, &error);
  }

  if (error != NULL)
    g_warning ("Could not record the keyring state of key %" G_GINT64_FORMAT ": %s",
               id, error->message);
}

static RtxApiKey *
create_key (RtxApiKeys      *self,
            const char      *name,
            gboolean         admin,
            const RtxActor  *actor,
            gint64           replaces,
            gint64           owner,
            RtxSecret      **out_secret,
            GError         **error)
{
  g_autoptr(RtxSecret) secret = rtx_key_format_generate (error);
  g_autofree char *label = NULL;
  g_autoptr(GError) keyring_error = NULL;
  gint64 id = 0;

  if (secret == NULL)
    return NULL;

  if (!insert_key (self, name, admin, actor, secret, replaces, owner, &id, error))
    return NULL;

  /* The keyring copy is what lets Settings and `keys copy` show the key again. Without a
   * keyring the key still works; the caller tells the person it is shown only once. */
  label = g_strdup_printf (_("RealTimeX Runtime API key “%s” (id %" G_GINT64_FORMAT ")"),
                           name, id);
  if (rtx_secrets_store_api_key (self->secrets, id, label, secret, &keyring_error))
    mark_in_keyring (self, id, TRUE);
  else
    g_debug ("Key %" G_GINT64_FORMAT " is not in the keyring: %s", id, keyring_error->message);

  if (out_secret != NULL)
    *out_secret = g_steal_pointer (&secret);

  return rtx_api_keys_get (self, id, error);
}

/**
 * rtx_api_keys_create_for_owner:
 * @owner_id: the owning user, or 0 for the default owner
 * @out_secret: (out) (optional): the plaintext key, to show once; free with rtx_secret_free()
 *
 * In multi-user mode every key has an owner: @owner_id, else the owner of the key that acts
 * (`key:<id>`), else the desktop operator's user. Only an admin owns an admin key, and a
 * suspended user owns no new key. In single-user mode keys have no owner until multi-user
 * mode is turned on.
 *
 * Returns: (transfer full): the new key; `in_keyring` says whether it can be copied later
 */
RtxApiKey *
rtx_api_keys_create_for_owner (RtxApiKeys      *self,
                               const char      *name,
                               gboolean         admin,
                               gint64           owner_id,
                               const RtxActor  *actor,
                               RtxSecret      **out_secret,
                               GError         **error)
{
  g_autofree char *clean_name = NULL;

  g_return_val_if_fail (RTX_IS_API_KEYS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  clean_name = validate_name (name, error);
  if (clean_name == NULL)
    return NULL;

  return create_key (self, clean_name, admin, actor, 0, owner_id, out_secret, error);
}

/**
 * rtx_api_keys_create:
 *
 * rtx_api_keys_create_for_owner() with the default owner.
 *
 * Returns: (transfer full): the new key
 */
RtxApiKey *
rtx_api_keys_create (RtxApiKeys      *self,
                     const char      *name,
                     gboolean         admin,
                     const RtxActor  *actor,
                     RtxSecret      **out_secret,
                     GError         **error)
{
  return rtx_api_keys_create_for_owner (self, name, admin, 0, actor, out_secret, error);
}

/**
 * rtx_api_keys_rotate:
 *
 * Makes a successor with the same name and role. The old key stays active until it is
 * deactivated, so the client can be switched over first.
 *
 * Returns: (transfer full): the replacement
 */
RtxApiKey *
rtx_api_keys_rotate (RtxApiKeys      *self,
                     gint64           id,
                     const RtxActor  *actor,
                     RtxSecret      **out_secret,
                     GError         **error)
{
  g_autoptr(RtxApiKey) old = NULL;

  g_return_val_if_fail (RTX_IS_API_KEYS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  old = rtx_api_keys_get (self, id, error);
  if (old == NULL)
    return NULL;

  if (!rtx_api_key_is_active (old)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_ALREADY_DEACTIVATED,
                 _("API key %" G_GINT64_FORMAT " is deactivated; a deactivated key cannot be "
                   "rotated"), id);
    return NULL;
  }

  return create_key (self, old->name, old->admin, actor, old->id, old->owner_id, out_secret,
                     error);
}

static gboolean
tombstone (RtxApiKeys      *self,
           gint64           id,
           const RtxActor  *actor,
           GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db,
                         "UPDATE api_keys SET deactivated_at = ?1, deactivated_by = ?2"
                         " WHERE id = ?3 AND deactivated_at IS NULL",
                         error);
  if (stmt == NULL)
    goto fail;

  sqlite3_bind_int64 (stmt, 1, now_seconds ());
  sqlite3_bind_text (stmt, 2, actor->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, id);
  if (!rtx_db_step_done (self->db, stmt, error))
    goto fail;

  if (sqlite3_changes (sqlite3_db_handle (stmt)) != 1) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_ALREADY_DEACTIVATED,
                 _("API key %" G_GINT64_FORMAT " is already deactivated"), id);
    goto fail;
  }

  if (!rtx_audit_record (self->db, actor, "api_key.deactivate", "api_key", subject, NULL, error))
    goto fail;

  return rtx_db_commit (self->db, error);

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/**
 * rtx_api_keys_deactivate:
 *
 * Permanent: the row stays for audit, the keyring item is cleared, and the next request with
 * the key is refused in every process.
 */
gboolean
rtx_api_keys_deactivate (RtxApiKeys      *self,
                         gint64           id,
                         const RtxActor  *actor,
                         GError         **error)
{
  g_autoptr(RtxApiKey) key = NULL;
  g_autoptr(GError) keyring_error = NULL;

  g_return_val_if_fail (RTX_IS_API_KEYS (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  key = rtx_api_keys_get (self, id, error);
  if (key == NULL)
    return FALSE;

  if (!tombstone (self, id, actor, error))
    return FALSE;

  /* If the keyring is away now, the item is cleared on a later start (see
   * rtx_api_keys_clear_stale_keyring_items()); the key is refused either way. */
  if (key->in_keyring) {
    if (rtx_secrets_clear_api_key (self->secrets, id, &keyring_error))
      mark_in_keyring (self, id, FALSE);
    else
      g_debug ("Keyring item of key %" G_GINT64_FORMAT " not cleared yet: %s",
               id, keyring_error->message);
  }

  return TRUE;
}

/**
 * rtx_api_keys_copy_secret:
 *
 * Returns: (transfer full): the plaintext of an active key, read from the keyring; free it
 *   with rtx_secret_free()
 */
RtxSecret *
rtx_api_keys_copy_secret (RtxApiKeys      *self,
                          gint64           id,
                          const RtxActor  *actor,
                          GError         **error)
{
  g_autoptr(RtxApiKey) key = NULL;
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  RtxSecret *secret;

  g_return_val_if_fail (RTX_IS_API_KEYS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  key = rtx_api_keys_get (self, id, error);
  if (key == NULL)
    return NULL;

  if (!rtx_api_key_is_active (key)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_ALREADY_DEACTIVATED,
                 _("API key %" G_GINT64_FORMAT " is deactivated; its secret is gone"), id);
    return NULL;
  }

  if (!key->in_keyring) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_KEYRING_UNAVAILABLE,
                 _("API key %" G_GINT64_FORMAT " was created while no keyring was available, "
                   "so it was shown only once and cannot be copied; rotate it to get a new one"),
                 id);
    return NULL;
  }

  secret = rtx_secrets_lookup_api_key (self->secrets, id, error);
  if (secret == NULL) {
    if (error != NULL && *error == NULL)
      g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
                   _("The keyring no longer holds API key %" G_GINT64_FORMAT), id);
    return NULL;
  }

  /* Reading a secret back is an action worth a trace; a failed audit only warns, because the
   * person already holds the key through the keyring itself. */
  {
    g_autoptr(GError) audit_error = NULL;

    if (!rtx_audit_record (self->db, actor, "api_key.copy", "api_key", subject, NULL,
                           &audit_error))
      g_warning ("Could not audit the copy of key %s: %s", subject, audit_error->message);
  }

  return secret;
}

/* A key is worth no more than its owner (CVE-2026-32717: a second auth path that skipped the
 * owner let suspended users in). In multi-user mode a key needs an owner that exists and is
 * not suspended, and an admin key needs an owner who is still an admin. */
static gboolean
owner_permits (const RtxApiKey *key)
{
  if (key->owner_id == 0 || key->owner_username == NULL)
    return !key->multi_user;

  if (key->owner_suspended)
    return FALSE;

  return !key->admin || g_strcmp0 (key->owner_role, RTX_ROLE_ADMIN) == 0;
}

/* The database's verdict: the active key whose secret is @token, or %NULL (@error unset) when
 * there is none. When @generation is given, the key is also remembered under it. */
static RtxApiKey *
read_active_key (RtxApiKeys    *self,
                 const char    *token,
                 const guint64 *generation,
                 GError       **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  guint8 digest[RTX_KEY_DIGEST_LEN];
  gboolean have_row;

  rtx_key_format_digest (token, digest);
  g_atomic_int_inc (&self->lookups);
  stmt = rtx_db_prepare (self->db, KEY_SELECT " WHERE k.digest = ?1", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_blob (stmt, 1, digest, RTX_KEY_DIGEST_LEN, SQLITE_STATIC);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error) || !have_row)
    return NULL;

  if (sqlite3_column_bytes (stmt, DIGEST_COLUMN) != RTX_KEY_DIGEST_LEN ||
      !rtx_const_time_equal (sqlite3_column_blob (stmt, DIGEST_COLUMN), digest,
                             RTX_KEY_DIGEST_LEN))
    return NULL;

  key = key_from_row (stmt);
  if (!rtx_api_key_is_active (key) || !owner_permits (key))
    return NULL;

  if (generation != NULL)
    rtx_key_cache_store (self->verified, token, key, *generation);
  return g_steal_pointer (&key);
}

/**
 * rtx_api_keys_authenticate:
 * @token: what the client sent, untrusted
 * @surface: the surface it came through, recorded as last-used
 *
 * The one path every credential goes through. A malformed token (wrong length, prefix,
 * alphabet or checksum) is refused before any lookup. A well-formed one is answered from
 * the keys verified under the current credential generation, or else by one indexed SELECT
 * by digest that also reads the key's owner and the mode; so a deactivated key, and in
 * multi-user mode a key whose owner is deleted, suspended or (for an admin key) demoted, is
 * refused from the very next request, whichever process made the change.
 *
 * Returns: (transfer full): the active key, or %NULL with %RTX_ERROR_UNAUTHENTICATED
 */
RtxApiKey *
rtx_api_keys_authenticate (RtxApiKeys  *self,
                           const char  *token,
                           const char  *surface,
                           GError     **error)
{
  g_autoptr(RtxApiKey) key = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 generation;
  gboolean cacheable;

  g_return_val_if_fail (RTX_IS_API_KEYS (self), NULL);

  if (token == NULL || strnlen (token, RTX_KEY_LEN + 1) != RTX_KEY_LEN)
    goto refuse;

  /* The generation is read before the row, so that a change committed in between moves it
   * past what the remembered verdict carries. Only verified keys are remembered, so a token
   * found there is well formed; the shape and checksum are checked before the database. */
  cacheable = rtx_db_get_credential_generation (self->db, &generation);
  if (cacheable)
    key = rtx_key_cache_lookup (self->verified, token, generation);
  if (key == NULL && !rtx_key_format_is_valid (token))
    goto refuse;
  if (key == NULL)
    key = read_active_key (self, token, cacheable ? &generation : NULL, &local_error);
  if (local_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }
  if (key == NULL)
    goto refuse;

  maybe_schedule_last_used (self, key, surface != NULL ? surface : "unknown");
  return g_steal_pointer (&key);

refuse:
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED, "No valid api key found.");
  return NULL;
}

guint64
rtx_api_keys_get_last_used_write_count (RtxApiKeys *self)
{
  g_return_val_if_fail (RTX_IS_API_KEYS (self), 0);

  return (guint64) g_atomic_int_get (&self->last_used_writes);
}

/**
 * rtx_api_keys_get_lookup_count:
 *
 * Returns: how many tokens reached the database; malformed ones never do, nor keys answered
 *   from those verified under the current credential generation
 */
guint64
rtx_api_keys_get_lookup_count (RtxApiKeys *self)
{
  g_return_val_if_fail (RTX_IS_API_KEYS (self), 0);

  return (guint64) g_atomic_int_get (&self->lookups);
}

/**
 * rtx_api_keys_clear_stale_keyring_items:
 *
 * Clears the keyring items of keys that were deactivated while the keyring was away.
 * Blocks on D-Bus; called at start-up and by the command line.
 */
void
rtx_api_keys_clear_stale_keyring_items (RtxApiKeys *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_if_fail (RTX_IS_API_KEYS (self));

  stmt = rtx_db_prepare (self->db,
                         "SELECT id FROM api_keys WHERE deactivated_at IS NOT NULL AND in_keyring = 1",
                         &error);
  if (stmt == NULL)
    return;

  while (rtx_db_step_row (self->db, stmt, &have_row, &error) && have_row) {
    gint64 id = sqlite3_column_int64 (stmt, 0);

    g_array_append_val (ids, id);
  }
  g_clear_pointer (&stmt, rtx_stmt_release);

  for (guint i = 0; i < ids->len; i++) {
    gint64 id = g_array_index (ids, gint64, i);

    if (!rtx_secrets_clear_api_key (self->secrets, id, NULL))
      return;
    mark_in_keyring (self, id, FALSE);
  }
}
