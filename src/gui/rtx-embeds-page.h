/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TYPE_EMBEDS_PAGE (rtx_embeds_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxEmbedsPage, rtx_embeds_page, RTX, EMBEDS_PAGE, AdwPreferencesPage)

GtkWidget *rtx_embeds_page_new    (RtxServer     *server) G_GNUC_WARN_UNUSED_RESULT;
void       rtx_embeds_page_reload (RtxEmbedsPage *self);

G_END_DECLS
