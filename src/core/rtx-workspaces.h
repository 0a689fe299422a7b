/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-db.h"
#include "rtx-workspace.h"

G_BEGIN_DECLS

#define RTX_TYPE_WORKSPACES (rtx_workspaces_get_type ())
G_DECLARE_FINAL_TYPE (RtxWorkspaces, rtx_workspaces, RTX, WORKSPACES, GObject)

RtxWorkspaces *rtx_workspaces_new          (RtxDb          *db) G_GNUC_WARN_UNUSED_RESULT;
RtxWorkspace  *rtx_workspaces_create       (RtxWorkspaces  *self,
                                            const char     *name,
                                            JsonObject     *fields,
                                            GError        **error);
RtxWorkspace  *rtx_workspaces_get_by_slug  (RtxWorkspaces  *self,
                                            const char     *slug,
                                            GError        **error);
RtxWorkspace  *rtx_workspaces_get_by_id    (RtxWorkspaces  *self,
                                            gint64          id,
                                            GError        **error);
GPtrArray     *rtx_workspaces_list         (RtxWorkspaces  *self,
                                            GError        **error);
RtxWorkspace  *rtx_workspaces_update       (RtxWorkspaces  *self,
                                            const char     *slug,
                                            JsonObject     *fields,
                                            guint          *out_n_changed,
                                            GError        **error);
gboolean       rtx_workspaces_delete       (RtxWorkspaces  *self,
                                            const char     *slug,
                                            GError        **error);

G_END_DECLS
