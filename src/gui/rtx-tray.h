/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TRAY_ITEM_PATH "/StatusNotifierItem"

#define RTX_TYPE_TRAY (rtx_tray_get_type ())
G_DECLARE_FINAL_TYPE (RtxTray, rtx_tray, RTX, TRAY, GObject)

RtxTray    *rtx_tray_new           (GApplication *application,
                                    RtxServer    *server) G_GNUC_WARN_UNUSED_RESULT;
gboolean    rtx_tray_is_registered (RtxTray      *self);
const char *rtx_tray_get_bus_name  (RtxTray      *self);

G_END_DECLS
