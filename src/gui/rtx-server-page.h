/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TYPE_SERVER_PAGE (rtx_server_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxServerPage, rtx_server_page, RTX, SERVER_PAGE, AdwPreferencesPage)

GtkWidget *rtx_server_page_new (RtxServer *server,
                                GSettings *settings) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
