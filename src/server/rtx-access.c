/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-error.h"

/**
 * rtx_access_sees_workspace:
 *
 * Returns: %TRUE when the request's key may see @workspace; else %FALSE with
 *   %RTX_ERROR_PERMISSION_DENIED (403), or another error when the database failed
 */
gboolean
rtx_access_sees_workspace (RtxRequest          *req,
                           const RtxWorkspace  *workspace,
                           GError             **error)
{
  RtxMemberships *memberships = rtx_runtime_get_memberships (rtx_request_get_runtime (req));
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (workspace != NULL, FALSE);

  if (rtx_memberships_key_sees (memberships, rtx_request_get_key (req), workspace->id,
                                &local_error))
    return TRUE;

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                 _("The owner of this key is not a member of workspace “%s”."), workspace->slug);
  return FALSE;
}

/**
 * rtx_access_get_workspace:
 *
 * Returns: (transfer full): the workspace with @slug, when it exists
 *   (%RTX_ERROR_NOT_FOUND) and the key may see it (%RTX_ERROR_PERMISSION_DENIED)
 */
RtxWorkspace *
rtx_access_get_workspace (RtxRequest  *req,
                          const char  *slug,
                          GError     **error)
{
  RtxWorkspaces *workspaces = rtx_runtime_get_workspaces (rtx_request_get_runtime (req));
  g_autoptr(RtxWorkspace) workspace = NULL;

  g_return_val_if_fail (req != NULL, NULL);

  workspace = rtx_workspaces_get_by_slug (workspaces, slug, error);
  if (workspace == NULL || !rtx_access_sees_workspace (req, workspace, error))
    return NULL;

  return g_steal_pointer (&workspace);
}

/**
 * rtx_access_list_workspaces:
 *
 * Returns: (transfer full) (element-type RtxWorkspace): the workspaces the key may see
 */
GPtrArray *
rtx_access_list_workspaces (RtxRequest  *req,
                            GError     **error)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(GPtrArray) all = NULL;

  g_return_val_if_fail (req != NULL, NULL);

  all = rtx_workspaces_list (rtx_runtime_get_workspaces (runtime), error);
  if (all == NULL)
    return NULL;

  for (guint i = all->len; i > 0; i--) {
    g_autoptr(GError) local_error = NULL;

    if (rtx_access_sees_workspace (req, g_ptr_array_index (all, i - 1), &local_error))
      continue;
    if (!g_error_matches (local_error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED)) {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
    g_ptr_array_remove_index (all, i - 1);
  }

  return g_steal_pointer (&all);
}

/**
 * rtx_access_manages_workspaces:
 *
 * Creating, changing and deleting workspaces: any key in single-user mode; in multi-user mode
 * the keys of admins and managers.
 *
 * Returns: %TRUE when allowed; else %FALSE with %RTX_ERROR_PERMISSION_DENIED
 */
gboolean
rtx_access_manages_workspaces (RtxRequest  *req,
                               GError     **error)
{
  const RtxApiKey *key = rtx_request_get_key (req);

  g_return_val_if_fail (req != NULL, FALSE);

  if (key == NULL || rtx_api_key_sees_all_workspaces (key))
    return TRUE;

  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                       _("Only the keys of administrators and managers manage workspaces."));
  return FALSE;
}

/**
 * rtx_access_require_multi_user:
 *
 * For the routes that exist only in multi-user mode: answers 401, as AnythingLLM does, while
 * the mode is off.
 *
 * Returns: %TRUE when the mode is on; %FALSE after replying
 */
gboolean
rtx_access_require_multi_user (RtxRequest *req)
{
  RtxUsers *users = rtx_runtime_get_users (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;

  if (rtx_users_is_multi_user (users, &error))
    return TRUE;

  if (error != NULL)
    rtx_request_reply_gerror (req, error);
  else
    rtx_request_reply_error (req, SOUP_STATUS_UNAUTHORIZED,
                             "Multi-user mode is not enabled. Turn it on with "
                             "POST /api/v1/admin/enable-multi-user.");
  return FALSE;
}

/**
 * rtx_access_sees_thread:
 *
 * Threads made before multi-user mode (no owner) stay shared by the workspace's members, and
 * callers without a key (local apps) see every thread of the workspaces they reach.
 *
 * Returns: whether the request's key may see and use @thread
 */
gboolean
rtx_access_sees_thread (RtxRequest      *req,
                        const RtxThread *thread)
{
  const RtxApiKey *key = rtx_request_get_key (req);

  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (thread != NULL, FALSE);

  if (key == NULL || thread->user_id == 0 || rtx_api_key_sees_all_workspaces (key))
    return TRUE;

  return thread->user_id == key->owner_id;
}

/**
 * rtx_access_get_thread:
 *
 * Safe to call from a worker: it reads the request's key and the database only.
 *
 * Returns: (transfer full): the thread with @slug in the workspace, when it exists and the
 *   key may see it; else %NULL with %RTX_ERROR_NOT_FOUND either way, so that nobody learns
 *   which slugs other users' threads have
 */
RtxThread *
rtx_access_get_thread (RtxRequest  *req,
                       gint64       workspace_id,
                       const char  *slug,
                       GError     **error)
{
  RtxThreads *threads = rtx_runtime_get_threads (rtx_request_get_runtime (req));
  g_autoptr(RtxThread) thread = rtx_threads_get (threads, workspace_id, slug, error);

  if (thread == NULL)
    return NULL;

  if (!rtx_access_sees_thread (req, thread)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No thread “%s” in this workspace"),
                 slug);
    return NULL;
  }

  return g_steal_pointer (&thread);
}

/**
 * rtx_access_chat_user:
 *
 * Returns: the user a chat of this request is recorded for: the owner of its key, or 0 (no
 *   key, or a key without an owner in single-user mode)
 */
gint64
rtx_access_chat_user (RtxRequest *req)
{
  const RtxApiKey *key = rtx_request_get_key (req);

  g_return_val_if_fail (req != NULL, 0);

  return key != NULL ? key->owner_id : 0;
}

/**
 * rtx_access_may_chat:
 *
 * The owner's `dailyMessageLimit` in multi-user mode: at most that many exchanges in the last
 * 24 hours, counted over every workspace, as AnythingLLM counts them. Administrators have no
 * limit (AnythingLLM's rule too), and neither has anyone in single-user mode.
 *
 * Returns: %TRUE when the request may chat; else %FALSE with %RTX_ERROR_RATE_LIMITED (429)
 */
gboolean
rtx_access_may_chat (RtxRequest  *req,
                     GError     **error)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  const RtxApiKey *key = rtx_request_get_key (req);
  g_autoptr(RtxUser) owner = NULL;
  gint64 since = g_get_real_time () / G_USEC_PER_SEC - 24 * 60 * 60;
  gint64 count = 0;

  g_return_val_if_fail (req != NULL, FALSE);

  if (key == NULL || !key->multi_user || key->owner_id <= 0 ||
      g_strcmp0 (key->owner_role, RTX_ROLE_ADMIN) == 0)
    return TRUE;

  owner = rtx_users_get (rtx_runtime_get_users (runtime), key->owner_id, error);
  if (owner == NULL)
    return FALSE;
  if (owner->daily_message_limit <= 0)
    return TRUE;

  if (!rtx_chats_count_by_user (rtx_runtime_get_chats (runtime), owner->id, since, &count, error))
    return FALSE;
  if (count < owner->daily_message_limit)
    return TRUE;

  g_set_error (error, RTX_ERROR, RTX_ERROR_RATE_LIMITED,
               g_dngettext (GETTEXT_PACKAGE,
                            "User “%s” has used their daily message limit (%lld chat in 24 "
                            "hours). Try again later.",
                            "User “%s” has used their daily message limit (%lld chats in 24 "
                            "hours). Try again later.",
                            (gulong) owner->daily_message_limit),
               owner->username, (long long) owner->daily_message_limit);
  return FALSE;
}
