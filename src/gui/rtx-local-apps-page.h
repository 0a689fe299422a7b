/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

#define RTX_TYPE_LOCAL_APPS_PAGE (rtx_local_apps_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxLocalAppsPage, rtx_local_apps_page, RTX, LOCAL_APPS_PAGE, AdwPreferencesPage)

GtkWidget *rtx_local_apps_page_new (RtxRuntime *runtime);

G_END_DECLS
