/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

#define RTX_TYPE_AGENTS_PAGE (rtx_agents_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxAgentsPage, rtx_agents_page, RTX, AGENTS_PAGE, AdwPreferencesPage)

GtkWidget *rtx_agents_page_new    (RtxRuntime    *runtime) G_GNUC_WARN_UNUSED_RESULT;
void       rtx_agents_page_reload (RtxAgentsPage *self);

G_END_DECLS
