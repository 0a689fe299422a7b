/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-local-apps-page.h"

G_BEGIN_DECLS

/* For tests: the widgets a person uses, found by what they show. */
AdwExpanderRow *_rtx_local_apps_page_find_row        (RtxLocalAppsPage *self,
                                                      const char       *app_id);
GtkWidget      *_rtx_local_apps_page_get_run_button  (RtxLocalAppsPage *self,
                                                      const char       *app_id);
GtkSwitch      *_rtx_local_apps_page_get_permission  (RtxLocalAppsPage *self,
                                                      const char       *app_id,
                                                      const char       *permission);
GtkWidget      *_rtx_local_apps_page_get_output_view (RtxLocalAppsPage *self);
GtkWidget      *_rtx_local_apps_page_get_output_button (RtxLocalAppsPage *self,
                                                        const char       *app_id);
void            _rtx_local_apps_page_rebuild_now     (RtxLocalAppsPage *self);
GtkWidget      *_rtx_local_apps_page_get_add_button  (RtxLocalAppsPage *self);
GtkSwitch      *_rtx_local_apps_page_get_credential  (RtxLocalAppsPage *self,
                                                      const char       *app_id,
                                                      const char       *credential);
GtkWidget      *_rtx_local_apps_page_get_edit_dialog (RtxLocalAppsPage *self);

G_END_DECLS
