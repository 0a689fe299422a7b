/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"
#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TYPE_API_KEYS_PAGE (rtx_api_keys_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxApiKeysPage, rtx_api_keys_page, RTX, API_KEYS_PAGE, AdwPreferencesPage)

GtkWidget *rtx_api_keys_page_new    (RtxServer      *server,
                                     GSettings      *settings) G_GNUC_WARN_UNUSED_RESULT;
void       rtx_api_keys_page_reload (RtxApiKeysPage *self);

G_END_DECLS
