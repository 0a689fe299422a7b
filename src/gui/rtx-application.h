/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-permission-prompter.h"
#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TYPE_APPLICATION (rtx_application_get_type ())
G_DECLARE_FINAL_TYPE (RtxApplication, rtx_application, RTX, APPLICATION, AdwApplication)

RtxApplication *rtx_application_new                 (const char        *data_dir,
                                                     int                port,
                                                     GApplicationFlags  flags) G_GNUC_WARN_UNUSED_RESULT;
RtxServer      *rtx_application_get_server          (RtxApplication    *self);
GSettings      *rtx_application_get_settings        (RtxApplication    *self);
GtkWidget      *rtx_application_get_settings_window (RtxApplication    *self);
guint16         rtx_application_get_start_port      (RtxApplication    *self);
int             rtx_application_get_exit_status     (RtxApplication    *self);
void            rtx_application_set_announce        (RtxApplication    *self,
                                                     gboolean           announce);

RtxPermissionPrompter *rtx_application_get_permission_prompter (RtxApplication *self);

G_END_DECLS
