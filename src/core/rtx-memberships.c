/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-audit.h"
#include "rtx-error.h"
#include "rtx-memberships.h"
#include "rtx-user.h"

/**
 * RtxMemberships:
 *
 * Which users are members of which workspaces, and the one visibility rule built on it: in
 * multi-user mode a key acts with its owner's role, and an owner with the default role sees
 * only the workspaces they are a member of. Read on every call, never cached.
 */
struct _RtxMemberships {
  GObject  parent_instance;

  RtxDb   *db;
};

G_DEFINE_FINAL_TYPE (RtxMemberships, rtx_memberships, G_TYPE_OBJECT)

static void
rtx_memberships_dispose (GObject *object)
{
  RtxMemberships *self = (RtxMemberships *) object;

  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_memberships_parent_class)->dispose (object);
}

static void
rtx_memberships_class_init (RtxMembershipsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_memberships_dispose;
}

static void
rtx_memberships_init (RtxMemberships *self)
{
}

RtxMemberships *
rtx_memberships_new (RtxDb *db)
{
  RtxMemberships *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_MEMBERSHIPS, NULL);
  self->db = g_object_ref (db);

  return self;
}

/**
 * rtx_memberships_key_sees:
 * @key: (nullable): the key that acts, or %NULL for a caller that is no key (the operator, a
 *   local app identified by its app id)
 *
 * Returns: whether @key may see the workspace; %FALSE with @error set when the database failed
 */
gboolean
rtx_memberships_key_sees (RtxMemberships   *self,
                          const RtxApiKey  *key,
                          gint64            workspace_id,
                          GError          **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean member = FALSE;

  g_return_val_if_fail (RTX_IS_MEMBERSHIPS (self), FALSE);

  if (key == NULL || rtx_api_key_sees_all_workspaces (key))
    return TRUE;

  stmt = rtx_db_prepare (self->db,
                         "SELECT 1 FROM workspace_users WHERE user_id = ?1 AND workspace_id = ?2",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, key->owner_id);
  sqlite3_bind_int64 (stmt, 2, workspace_id);
  if (!rtx_db_step_row (self->db, stmt, &member, error))
    return FALSE;

  return member;
}

/**
 * rtx_memberships_workspace_ids:
 *
 * Returns: (transfer full) (element-type gint64): the workspaces @user_id is a member of
 */
GArray *
rtx_memberships_workspace_ids (RtxMemberships  *self,
                               gint64           user_id,
                               GError         **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_MEMBERSHIPS (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT workspace_id FROM workspace_users WHERE user_id = ?1"
                         " ORDER BY workspace_id",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  for (;;) {
    gint64 id;

    if (!rtx_db_step_row (self->db, stmt, &have_row, error))
      return NULL;
    if (!have_row)
      break;
    id = sqlite3_column_int64 (stmt, 0);
    g_array_append_val (ids, id);
  }

  return g_steal_pointer (&ids);
}

/**
 * rtx_memberships_list_members:
 *
 * Returns: (transfer full) (element-type RtxUser): the members, oldest membership first; each
 *   user's `updated_at` is the time of the membership (AnythingLLM's `lastUpdatedAt`)
 */
GPtrArray *
rtx_memberships_list_members (RtxMemberships  *self,
                              gint64           workspace_id,
                              GError         **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_user_free);
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_MEMBERSHIPS (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT u.id, u.username, u.role, u.suspended, wu.updated_at"
                         " FROM workspace_users wu JOIN users u ON u.id = wu.user_id"
                         " WHERE wu.workspace_id = ?1 ORDER BY wu.id",
                         error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, workspace_id);
  for (;;) {
    RtxUser *user;

    if (!rtx_db_step_row (self->db, stmt, &have_row, error))
      return NULL;
    if (!have_row)
      break;

    user = g_new0 (RtxUser, 1);
    user->id = sqlite3_column_int64 (stmt, 0);
    user->username = rtx_stmt_dup_text (stmt, 1);
    user->role = rtx_stmt_dup_text (stmt, 2);
    user->suspended = sqlite3_column_int (stmt, 3) != 0;
    user->updated_at = sqlite3_column_int64 (stmt, 4);
    g_ptr_array_add (users, user);
  }

  return g_steal_pointer (&users);
}

static gboolean
user_exists (RtxMemberships  *self,
             gint64           user_id,
             GError         **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, "SELECT 1 FROM users WHERE id = ?1", error);
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, user_id);
  if (!rtx_db_step_row (self->db, stmt, &found, error))
    return FALSE;

  if (!found)
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
                 _("There is no user with id %" G_GINT64_FORMAT), user_id);
  return found;
}

static gboolean
exec_bound (RtxMemberships  *self,
            const char      *sql,
            gint64           a,
            gint64           b,
            GError         **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_memberships_set_members:
 * @user_ids: (element-type gint64): users to add
 * @reset: remove every other member first
 *
 * All or nothing: an unknown user id changes nothing (%RTX_ERROR_NOT_FOUND).
 */
gboolean
rtx_memberships_set_members (RtxMemberships  *self,
                             gint64           workspace_id,
                             GArray          *user_ids,
                             gboolean         reset,
                             const RtxActor  *actor,
                             GError         **error)
{
  g_autoptr(GString) detail = g_string_new (reset ? "reset;" : "add;");
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, workspace_id);

  g_return_val_if_fail (RTX_IS_MEMBERSHIPS (self), FALSE);
  g_return_val_if_fail (user_ids != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  if (reset && !exec_bound (self, "DELETE FROM workspace_users WHERE workspace_id = ?1",
                            workspace_id, 0, error))
    goto fail;

  for (guint i = 0; i < user_ids->len; i++) {
    gint64 user_id = g_array_index (user_ids, gint64, i);

    if (!user_exists (self, user_id, error) ||
        !exec_bound (self,
                     "INSERT INTO workspace_users (user_id, workspace_id, created_at, updated_at)"
                     " VALUES (?1, ?2, ?3, ?3)"
                     " ON CONFLICT (user_id, workspace_id) DO UPDATE SET updated_at = ?3",
                     user_id, workspace_id, error))
      goto fail;
    g_string_append_printf (detail, " %" G_GINT64_FORMAT, user_id);
  }

  if (!rtx_audit_record (self->db, actor, "workspace.members", "workspace", subject, detail->str,
                         error))
    goto fail;

  return rtx_db_commit (self->db, error);

fail:
  rtx_db_rollback (self->db);
  return FALSE;
}

/**
 * rtx_memberships_set_member:
 * @member: %TRUE to add @user_id to the workspace, %FALSE to remove them
 *
 * One user's membership of one workspace (Settings > Users), audited like the list form.
 */
gboolean
rtx_memberships_set_member (RtxMemberships  *self,
                            gint64           workspace_id,
                            gint64           user_id,
                            gboolean         member,
                            const RtxActor  *actor,
                            GError         **error)
{
  g_autofree char *subject = g_strdup_printf ("%" G_GINT64_FORMAT, workspace_id);
  g_autofree char *detail = g_strdup_printf ("%s; %" G_GINT64_FORMAT, member ? "add" : "remove",
                                             user_id);

  g_return_val_if_fail (RTX_IS_MEMBERSHIPS (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!rtx_db_begin (self->db, error))
    return FALSE;

  if (!user_exists (self, user_id, error) ||
      !exec_bound (self, member
                   ? "INSERT INTO workspace_users (user_id, workspace_id, created_at, updated_at)"
                     " VALUES (?1, ?2, ?3, ?3)"
                     " ON CONFLICT (user_id, workspace_id) DO UPDATE SET updated_at = ?3"
                   : "DELETE FROM workspace_users WHERE user_id = ?1 AND workspace_id = ?2",
                   user_id, workspace_id, error) ||
      !rtx_audit_record (self->db, actor, "workspace.members", "workspace", subject, detail,
                         error)) {
    rtx_db_rollback (self->db);
    return FALSE;
  }

  return rtx_db_commit (self->db, error);
}
