/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-agents-page.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
AdwActionRow *_rtx_agents_page_find_row       (RtxAgentsPage *self,
                                               const char    *slug);
GtkWidget    *_rtx_agents_page_get_dialog     (RtxAgentsPage *self);
GtkWidget    *_rtx_agents_page_get_add_button (RtxAgentsPage *self);

G_END_DECLS
