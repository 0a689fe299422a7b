/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TYPE_SETTINGS_WINDOW (rtx_settings_window_get_type ())
G_DECLARE_FINAL_TYPE (RtxSettingsWindow, rtx_settings_window, RTX, SETTINGS_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *rtx_settings_window_new           (GtkApplication    *application,
                                              RtxServer         *server,
                                              GSettings         *settings) G_GNUC_WARN_UNUSED_RESULT;
GtkWidget *rtx_settings_window_get_keys_page (RtxSettingsWindow *self);
GtkWidget *rtx_settings_window_get_server_page (RtxSettingsWindow *self);
GtkWidget *rtx_settings_window_get_credentials_page (RtxSettingsWindow *self);

GtkWidget *rtx_settings_window_get_local_apps_page (RtxSettingsWindow *self);
GtkWidget *rtx_settings_window_get_model_provider_page (RtxSettingsWindow *self);
GtkWidget *rtx_settings_window_get_agents_page (RtxSettingsWindow *self);
GtkWidget *rtx_settings_window_get_users_page (RtxSettingsWindow *self);
GtkWidget *rtx_settings_window_get_embeds_page (RtxSettingsWindow *self);

G_END_DECLS
