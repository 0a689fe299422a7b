/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TRAY_MENU_PATH "/MenuBar"

#define RTX_TYPE_TRAY_MENU (rtx_tray_menu_get_type ())
G_DECLARE_FINAL_TYPE (RtxTrayMenu, rtx_tray_menu, RTX, TRAY_MENU, GObject)

RtxTrayMenu *rtx_tray_menu_new      (GActionGroup     *actions,
                                     RtxServer        *server) G_GNUC_WARN_UNUSED_RESULT;
gboolean     rtx_tray_menu_export   (RtxTrayMenu      *self,
                                     GDBusConnection  *connection,
                                     GError          **error);
void         rtx_tray_menu_unexport (RtxTrayMenu      *self);
char        *rtx_tray_menu_status_text (RtxServer     *server) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
