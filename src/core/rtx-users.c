/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-audit.h"
#include "rtx-error.h"
#include "rtx-users.h"

#define MAX_BIO_CHARS 1000

/**
 * RtxUsers:
 *
 * The users of multi-user mode and the mode itself. Off by default (a single-user desktop);
 * turning it on names the first admin, who owns every key made before, and cannot be undone.
 * Everything is read from the database on each call, so a change made by the command line or
 * another process holds at once.
 */
struct _RtxUsers {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxUsers, rtx_users, G_TYPE_OBJECT)

#define USER_COLUMNS "id, username, role, suspended, daily_message_limit, bio, created_at," \
                     " created_by, updated_at"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static RtxUser *
user_from_row (RtxStmt *stmt)
{
  RtxUser *user = g_new0 (RtxUser, 1);

  user->id = sqlite3_column_int64 (stmt, 0);
  user->username = rtx_stmt_dup_text (stmt, 1);
  user->role = rtx_stmt_dup_text (stmt, 2);
  user->suspended = sqlite3_column_int (stmt, 3) != 0;
  user->daily_message_limit = sqlite3_column_int64 (stmt, 4);
  user->bio = rtx_stmt_dup_text (stmt, 5);
  user->created_at = sqlite3_column_int64 (stmt, 6);
  user->created_by = rtx_stmt_dup_text (stmt, 7);
  user->updated_at = sqlite3_column_int64 (stmt, 8);

  return user;
}

static void
rtx_users_dispose (GObject *object)
{
  RtxUsers *self = (RtxUsers *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_users_parent_class)->dispose (object);
}

static void
rtx_users_class_init (RtxUsersClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_users_dispose;
}

static void
rtx_users_init (RtxUsers *self)
{
}

RtxUsers *
rtx_users_new (RtxDb *db)
{
  RtxUsers *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_USERS, NULL);
  self->db = g_object_ref (db);

  return self;
}

/* ---- Reading ----------------------------------------------------------------------------- */

static RtxUser *
get_user_where (RtxUsers    *self,
                const char  *where,
                gint64       id,
                const char  *username,
                GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " USER_COLUMNS " FROM users WHERE %s", where);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, sql, error);
  gboolean have_row;

  if (stmt == NULL)
    return NULL;

  if (username != NULL)
    sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return NULL;

  if (!have_row) {
    if (username != NULL)
      g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("There is no user “%s”"), username);
    else
      g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
                   _("There is no user with id %" G_GINT64_FORMAT), id);
    return NULL;
  }

  return user_from_row (stmt);
}

RtxUser *
rtx_users_get (RtxUsers  *self,
               gint64     id,
               GError   **error)
{
  g_return_val_if_fail (RTX_IS_USERS (self), NULL);

  return get_user_where (self, "id = ?1", id, NULL, error);
}

RtxUser *
rtx_users_find (RtxUsers    *self,
                const char  *username,
                GError     **error)
{
  g_return_val_if_fail (RTX_IS_USERS (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);

  return get_user_where (self, "username = ?1", 0, username, error);
}

/**
 * rtx_users_list:
 *
 * Returns: (transfer full) (element-type RtxUser): every user, oldest first
 */
GPtrArray *
rtx_users_list (RtxUsers  *self,
                GError   **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_user_free);
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_USERS (self), NULL);

  stmt = rtx_db_prepare (self->db, "SELECT " USER_COLUMNS " FROM users ORDER BY id", error);
  if (stmt == NULL)
    return NULL;

  if (!rtx_db_collect (self->db, stmt, users, (RtxRowFunc) user_from_row, error))
    return NULL;

  return g_steal_pointer (&users);
}

static gboolean
meta_flag (RtxUsers    *self,
           const char  *key,
           gboolean    *out_value,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = rtx_db_get_meta (self->db, key, &local_error);

  if (value == NULL && !g_error_matches (local_error, RTX_ERROR, RTX_ERROR_NOT_FOUND)) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }

  *out_value = g_strcmp0 (value, "1") == 0;
  return TRUE;
}

/**
 * rtx_users_is_multi_user:
 *
 * Returns: whether multi-user mode is on; %FALSE with @error set when the database failed
 */
gboolean
rtx_users_is_multi_user (RtxUsers  *self,
                         GError   **error)
{
  gboolean on = FALSE;

  g_return_val_if_fail (RTX_IS_USERS (self), FALSE);

  return meta_flag (self, "multi_user_mode", &on, error) && on;
}

/**
 * rtx_users_get_operator:
 *
 * The user the desktop operator acts as: the first admin, named when multi-user mode was
 * turned on. Keys made on this machine (command line, Settings) belong to it.
 *
 * Returns: (transfer full): the user, or %NULL (%RTX_ERROR_NOT_FOUND when multi-user mode is
 *   off or the user was deleted)
 */
RtxUser *
rtx_users_get_operator (RtxUsers  *self,
                        GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = NULL;
  gint64 id;

  g_return_val_if_fail (RTX_IS_USERS (self), NULL);

  value = rtx_db_get_meta (self->db, "operator_user_id", &local_error);
  if (value == NULL) {
    if (g_error_matches (local_error, RTX_ERROR, RTX_ERROR_NOT_FOUND))
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
                           _("Multi-user mode is off, so there is no operator user"));
    else
      g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }

  id = g_ascii_strtoll (value, NULL, 10);
  return rtx_users_get (self, id, error);
}

/* ---- Validation -------------------------------------------------------------------------- */

static gboolean
validate_bio (const char  *bio,
              GError     **error)
{
  if (bio == NULL)
    return TRUE;

  if (!g_utf8_validate (bio, -1, NULL) || g_utf8_strlen (bio, -1) > MAX_BIO_CHARS) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("A bio is UTF-8 text of at most %d characters"), MAX_BIO_CHARS);
    return FALSE;
  }

  return TRUE;
}

static gboolean
validate_role (const char  *role,
               GError     **error)
{
  if (rtx_role_is_valid (role))
    return TRUE;

  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                       _("A role is “admin”, “manager” or “default”"));
  return FALSE;
}

static gboolean
validate_limit (gint64   limit,
                GError **error)
{
  if (limit >= 0)
    return TRUE;

  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                       _("dailyMessageLimit is a positive number, or null for no limit"));
  return FALSE;
}

static gboolean
ensure_username_free (RtxUsers    *self,
                      const char  *username,
                      gint64       except_id,
                      GError     **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "SELECT 1 FROM users WHERE username = ?1 AND id != ?2",
                                            error);
  gboolean taken;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, except_id);
  if (!rtx_db_step_row (self->db, stmt, &taken, error))
    return FALSE;

  if (taken) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT, _("The username “%s” is taken"), username);
    return FALSE;
  }

  return TRUE;
}

/* ---- Writing ----------------------------------------------------------------------------- */

static gboolean
audit_user (RtxUsers       *self,
            const RtxActor *actor,
            const char     *action,
            gint64          id,
            const char     *detail,
            GError        **error)
{
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return rtx_audit_record (self->db, actor, action, "user", subject, detail, error);
}

static gboolean
insert_user (RtxUsers        *self,
             const char      *username,
             const char      *role,
             gint64           daily_message_limit,
             const char      *bio,
             const RtxActor  *actor,
             gint64          *out_id,
             GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gint64 now = now_seconds ();

  if (!ensure_username_free (self, username, 0, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO users (username, role, daily_message_limit, bio,"
                         " created_at, created_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, role, -1, SQLITE_TRANSIENT);
  if (daily_message_limit > 0)
    sqlite3_bind_int64 (stmt, 3, daily_message_limit);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, bio != NULL ? bio : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  sqlite3_bind_text (stmt, 6, actor->name, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error))
    return FALSE;

  *out_id = rtx_db_last_insert_rowid (self->db);
  return audit_user (self, actor, "user.create", *out_id, role, error);
}

static gboolean
set_meta (RtxUsers    *self,
          const char  *key,
          const char  *value,
          GError     **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                                            error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return rtx_db_step_done (self->db, stmt, error);
}

static gboolean
adopt_ownerless_keys (RtxUsers  *self,
                      gint64     owner_id,
                      GError   **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "UPDATE api_keys SET owner_id = ?1 WHERE owner_id IS NULL",
                                            error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, owner_id);
  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_users_enable_multi_user:
 * @username: the first admin, as whom the desktop operator acts
 *
 * Turns multi-user mode on for good, in one transaction: the user, the mode, and the ownership
 * of every existing key by that user. Nothing changes when any step fails (unlike
 * CVE-2024-3029, where a bad request wiped the users).
 *
 * Returns: (transfer full): the first admin
 */
RtxUser *
rtx_users_enable_multi_user (RtxUsers        *self,
                             const char      *username,
                             const RtxActor  *actor,
                             GError         **error)
{
  g_autofree char *id_text = NULL;
  gint64 id = 0;
  gboolean on = FALSE;

  g_return_val_if_fail (RTX_IS_USERS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!rtx_username_validate (username, error))
    return NULL;

  if (!rtx_db_begin (self->db, error))
    return NULL;

  if (!meta_flag (self, "multi_user_mode", &on, error))
    goto fail;
  if (on) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_CONFLICT,
                         _("Multi-user mode is already on"));
    goto fail;
  }

  if (!insert_user (self, username, RTX_ROLE_ADMIN, 0, NULL, actor, &id, error))
    goto fail;

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  if (!set_meta (self, "multi_user_mode", "1", error) ||
      !set_meta (self, "operator_user_id", id_text, error) ||
      !adopt_ownerless_keys (self, id, error) ||
      !rtx_audit_record (self->db, actor, "multi_user.enable", "user", id_text, NULL, error))
    goto fail;

  if (!rtx_db_commit (self->db, error))
    return NULL;

  return rtx_users_get (self, id, error);

fail:
  rtx_db_rollback (self->db);
  return NULL;
}

static gboolean
require_multi_user (RtxUsers  *self,
                    GError   **error)
{
  gboolean on = FALSE;

  if (!meta_flag (self, "multi_user_mode", &on, error))
    return FALSE;

  if (!on) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_CONFLICT,
                         _("Multi-user mode is off; turn it on first"));
    return FALSE;
  }

  return TRUE;
}

/**
 * rtx_users_create:
 * @daily_message_limit: messages per day, or 0 for no limit
 * @bio: (nullable): free text
 *
 * Returns: (transfer full): the new user
 */
RtxUser *
rtx_users_create (RtxUsers        *self,
                  const char      *username,
                  const char      *role,
                  gint64           daily_message_limit,
                  const char      *bio,
                  const RtxActor  *actor,
                  GError         **error)
{
  gint64 id = 0;

  g_return_val_if_fail (RTX_IS_USERS (self), NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (role == NULL)
    role = RTX_ROLE_DEFAULT;

  if (!rtx_username_validate (username, error) || !validate_role (role, error) ||
      !validate_limit (daily_message_limit, error) || !validate_bio (bio, error))
    return NULL;

  if (!rtx_db_begin (self->db, error))
    return NULL;

  if (!require_multi_user (self, error) ||
      !insert_user (self, username, role, daily_message_limit, bio, actor, &id, error)) {
    rtx_db_rollback (self->db);
    return NULL;
  }

  if (!rtx_db_commit (self->db, error))
    return NULL;

  return rtx_users_get (self, id, error);
}

/* Whether @user is an admin that no other unsuspended admin could replace. */
static gboolean
is_last_admin (RtxUsers       *self,
               const RtxUser  *user,
               gboolean       *out_last,
               GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  *out_last = FALSE;
  if (!rtx_user_is_admin (user) || user->suspended)
    return TRUE;

  stmt = rtx_db_prepare (self->db,
                         "SELECT count(*) FROM users"
                         " WHERE role = 'admin' AND suspended = 0 AND id != ?1",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user->id);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return FALSE;

  *out_last = have_row && sqlite3_column_int64 (stmt, 0) == 0;
  return TRUE;
}

static gboolean
refuse_if_last_admin (RtxUsers       *self,
                      const RtxUser  *user,
                      const char     *what,
                      GError        **error)
{
  gboolean last;

  if (!is_last_admin (self, user, &last, error))
    return FALSE;

  if (last) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT,
                 _("“%s” is the last administrator and cannot be %s; make another user an "
                   "administrator first"), user->username, what);
    return FALSE;
  }

  return TRUE;
}

static gboolean
validate_changes (const RtxUserChanges  *changes,
                  GError               **error)
{
  if (changes->username != NULL && !rtx_username_validate (changes->username, error))
    return FALSE;
  if (changes->role != NULL && !validate_role (changes->role, error))
    return FALSE;
  if (changes->set_daily_message_limit && !validate_limit (changes->daily_message_limit, error))
    return FALSE;

  return validate_bio (changes->bio, error);
}

static gboolean
write_changes (RtxUsers              *self,
               const RtxUser         *user,
               const RtxUserChanges  *changes,
               GError               **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gint64 limit = changes->set_daily_message_limit
                 ? changes->daily_message_limit : user->daily_message_limit;

  stmt = rtx_db_prepare (self->db,
                         "UPDATE users SET username = ?1, role = ?2, suspended = ?3,"
                         " daily_message_limit = ?4, bio = ?5, updated_at = ?6 WHERE id = ?7",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, changes->username != NULL ? changes->username : user->username,
                     -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, changes->role != NULL ? changes->role : user->role,
                     -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, (changes->set_suspended ? changes->suspended : user->suspended)
                             ? 1 : 0);
  if (limit > 0)
    sqlite3_bind_int64 (stmt, 4, limit);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_text (stmt, 5, changes->bio != NULL ? changes->bio : user->bio,
                     -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, now_seconds ());
  sqlite3_bind_int64 (stmt, 7, user->id);

  return rtx_db_step_done (self->db, stmt, error);
}

static char *
describe_changes (const RtxUser         *user,
                  const RtxUserChanges  *changes)
{
  GString *detail = g_string_new (NULL);

  if (changes->username != NULL && g_strcmp0 (changes->username, user->username) != 0)
    g_string_append_printf (detail, "username %s→%s; ", user->username, changes->username);
  if (changes->role != NULL && g_strcmp0 (changes->role, user->role) != 0)
    g_string_append_printf (detail, "role %s→%s; ", user->role, changes->role);
  if (changes->set_suspended && changes->suspended != user->suspended)
    g_string_append (detail, changes->suspended ? "suspended; " : "unsuspended; ");
  if (changes->set_daily_message_limit)
    g_string_append_printf (detail, "dailyMessageLimit %" G_GINT64_FORMAT "; ",
                            changes->daily_message_limit);
  if (changes->bio != NULL)
    g_string_append (detail, "bio; ");

  return g_string_free (detail, FALSE);
}

/**
 * rtx_users_update:
 *
 * Changes a user. The last unsuspended admin can be neither demoted nor suspended
 * (%RTX_ERROR_CONFLICT). A suspension or demotion refuses that user's keys from the very next
 * request (rtx_api_keys_authenticate() reads the owner with the key).
 *
 * Returns: (transfer full): the user as changed
 */
RtxUser *
rtx_users_update (RtxUsers              *self,
                  gint64                 id,
                  const RtxUserChanges  *changes,
                  const RtxActor        *actor,
                  GError               **error)
{
  g_autoptr(RtxUser) user = NULL;
  g_autofree char *detail = NULL;
  gboolean demote, suspend;

  g_return_val_if_fail (RTX_IS_USERS (self), NULL);
  g_return_val_if_fail (changes != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!validate_changes (changes, error))
    return NULL;

  if (!rtx_db_begin (self->db, error))
    return NULL;

  user = rtx_users_get (self, id, error);
  if (user == NULL)
    goto fail;

  demote = changes->role != NULL && !g_str_equal (changes->role, RTX_ROLE_ADMIN);
  suspend = changes->set_suspended && changes->suspended;
  if ((demote && !refuse_if_last_admin (self, user, _("demoted"), error)) ||
      (suspend && !refuse_if_last_admin (self, user, _("suspended"), error)))
    goto fail;

  if (changes->username != NULL && !ensure_username_free (self, changes->username, id, error))
    goto fail;

  detail = describe_changes (user, changes);
  if (!write_changes (self, user, changes, error) ||
      !audit_user (self, actor, "user.update", id, detail, error))
    goto fail;

  if (!rtx_db_commit (self->db, error))
    return NULL;

  return rtx_users_get (self, id, error);

fail:
  rtx_db_rollback (self->db);
  return NULL;
}

static gboolean
deactivate_owned_keys (RtxUsers       *self,
                       gint64          owner_id,
                       const RtxActor *actor,
                       GError        **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(RtxStmt) select = NULL;
  g_autoptr(RtxStmt) update = NULL;
  gboolean have_row = FALSE;

  select = rtx_db_prepare (self->db,
                           "SELECT id FROM api_keys WHERE owner_id = ?1 AND deactivated_at IS NULL",
                           error);
  if (select == NULL)
    return FALSE;

  sqlite3_bind_int64 (select, 1, owner_id);
  for (;;) {
    gint64 key_id;

    if (!rtx_db_step_row (self->db, select, &have_row, error))
      return FALSE;
    if (!have_row)
      break;
    key_id = sqlite3_column_int64 (select, 0);
    g_array_append_val (ids, key_id);
  }

  update = rtx_db_prepare (self->db,
                           "UPDATE api_keys SET deactivated_at = ?1, deactivated_by = ?2"
                           " WHERE id = ?3",
                           error);
  if (update == NULL)
    return FALSE;

  for (guint i = 0; i < ids->len; i++) {
    gint64 key_id = g_array_index (ids, gint64, i);
    g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, key_id);

    sqlite3_reset (update);
    sqlite3_bind_int64 (update, 1, now_seconds ());
    sqlite3_bind_text (update, 2, actor->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (update, 3, key_id);
    if (!rtx_db_step_done (self->db, update, error) ||
        !rtx_audit_record (self->db, actor, "api_key.deactivate", "api_key", subject,
                           "owner deleted", error))
      return FALSE;
  }

  return TRUE;
}

/**
 * rtx_users_delete:
 *
 * Deletes a user and deactivates their keys in the same transaction (the keyring items are
 * cleared by rtx_api_keys_clear_stale_keyring_items()). The last unsuspended admin cannot be
 * deleted (%RTX_ERROR_CONFLICT).
 */
gboolean
rtx_users_delete (RtxUsers        *self,
                  gint64           id,
                  const RtxActor  *actor,
                  GError         **error)
{
  g_autoptr(RtxUser) user = NULL;
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_USERS (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  user = rtx_users_get (self, id, error);
  if (user == NULL || !refuse_if_last_admin (self, user, _("deleted"), error))
    goto fail;

  if (!deactivate_owned_keys (self, id, actor, error))
    goto fail;

  stmt = rtx_db_prepare (self->db, "DELETE FROM users WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!rtx_db_step_done (self->db, stmt, error) ||
      !audit_user (self, actor, "user.delete", id, user->username, error))
    goto fail;

  return rtx_db_commit (self->db, error);

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}
