/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

#define RTX_TYPE_USER_ROW (rtx_user_row_get_type ())
G_DECLARE_FINAL_TYPE (RtxUserRow, rtx_user_row, RTX, USER_ROW, AdwExpanderRow)

GtkWidget *rtx_user_row_new         (RtxRuntime    *runtime,
                                     const RtxUser *user,
                                     GPtrArray     *workspaces) G_GNUC_WARN_UNUSED_RESULT;
gint64     rtx_user_row_get_user_id (RtxUserRow    *self);

/* For the GUI tests, which drive the real widgets. */
AdwComboRow   *_rtx_user_row_get_role_row      (RtxUserRow *self);
GtkSwitch     *_rtx_user_row_get_suspended     (RtxUserRow *self);
GtkSpinButton *_rtx_user_row_get_limit         (RtxUserRow *self);
GtkSwitch     *_rtx_user_row_get_membership    (RtxUserRow *self,
                                                const char *workspace_slug);
GtkWidget     *_rtx_user_row_get_delete_button (RtxUserRow *self);

G_END_DECLS
