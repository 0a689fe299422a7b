/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-request.h"
#include "rtx-threads.h"
#include "rtx-workspace.h"

G_BEGIN_DECLS

/*
 * What the key of a request may see and change, in multi-user mode (DESIGN.md §1): a key acts
 * with its owner's role; admins and managers see and manage every workspace, a default user
 * sees only the workspaces they are a member of and manages none. In single-user mode, and for
 * callers without a key (local apps by app id), everything is visible. Every handler that finds
 * a workspace goes through here, so the rule lives in one place.
 */
gboolean      rtx_access_sees_workspace      (RtxRequest          *req,
                                              const RtxWorkspace  *workspace,
                                              GError             **error);
RtxWorkspace *rtx_access_get_workspace       (RtxRequest          *req,
                                              const char          *slug,
                                              GError             **error);
GPtrArray    *rtx_access_list_workspaces     (RtxRequest          *req,
                                              GError             **error);
gboolean      rtx_access_manages_workspaces  (RtxRequest          *req,
                                              GError             **error);

/* A thread belongs to the user whose key made it: in multi-user mode others (but admins and
 * managers) neither see nor change it, and it is "not found" to them. */
gboolean      rtx_access_sees_thread         (RtxRequest          *req,
                                              const RtxThread     *thread);
RtxThread    *rtx_access_get_thread          (RtxRequest          *req,
                                              gint64               workspace_id,
                                              const char          *slug,
                                              GError             **error);

gboolean      rtx_access_require_multi_user  (RtxRequest          *req);

gint64        rtx_access_chat_user           (RtxRequest          *req);
gboolean      rtx_access_may_chat            (RtxRequest          *req,
                                              GError             **error);

G_END_DECLS
