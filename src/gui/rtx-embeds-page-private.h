/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-embed-row.h"
#include "rtx-embeds-page.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
RtxEmbedRow *_rtx_embeds_page_get_row           (RtxEmbedsPage *self,
                                                 guint          index);
AdwComboRow *_rtx_embeds_page_get_workspace_row (RtxEmbedsPage *self);
GtkEditable *_rtx_embeds_page_get_domains_row   (RtxEmbedsPage *self);
GtkWidget   *_rtx_embeds_page_get_create_button (RtxEmbedsPage *self);

G_END_DECLS
