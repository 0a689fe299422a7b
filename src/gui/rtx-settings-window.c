/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-agents-page.h"
#include "rtx-api-keys-page.h"
#include "rtx-credentials-page.h"
#include "rtx-embeds-page.h"
#include "rtx-local-apps-page.h"
#include "rtx-model-provider-page.h"
#include "rtx-server-page.h"
#include "rtx-settings-window.h"
#include "rtx-users-page.h"

/**
 * RtxSettingsWindow:
 *
 * The app's one window: Settings, with a page per area. Closing hides it; the runtime keeps
 * serving (the application decides what to tell the person).
 */
struct _RtxSettingsWindow {
  AdwPreferencesWindow  parent_instance;

  GtkWidget            *server_page;
  GtkWidget            *keys_page;
  GtkWidget            *local_apps_page;
  GtkWidget            *credentials_page;
  GtkWidget            *model_provider_page;
  GtkWidget            *agents_page;
  GtkWidget            *users_page;
  GtkWidget            *embeds_page;
};

G_DEFINE_FINAL_TYPE (RtxSettingsWindow, rtx_settings_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
rtx_settings_window_class_init (RtxSettingsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-settings-window.ui");
}

static void
rtx_settings_window_init (RtxSettingsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
rtx_settings_window_new (GtkApplication *application,
                         RtxServer      *server,
                         GSettings      *settings)
{
  RtxSettingsWindow *self;

  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);

  self = g_object_new (RTX_TYPE_SETTINGS_WINDOW, "application", application, NULL);
  self->server_page = rtx_server_page_new (server, settings);
  self->keys_page = rtx_api_keys_page_new (server, settings);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->server_page));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->keys_page));
  self->local_apps_page = rtx_local_apps_page_new (rtx_server_get_runtime (server));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->local_apps_page));
  self->credentials_page = rtx_credentials_page_new (rtx_server_get_runtime (server));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->credentials_page));
  self->model_provider_page = rtx_model_provider_page_new (rtx_server_get_runtime (server));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->model_provider_page));
  self->agents_page = rtx_agents_page_new (rtx_server_get_runtime (server));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->agents_page));
  self->users_page = rtx_users_page_new (rtx_server_get_runtime (server));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->users_page));
  self->embeds_page = rtx_embeds_page_new (server);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (self->embeds_page));
  /* The keys are what people come for. */
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (self),
                                           ADW_PREFERENCES_PAGE (self->keys_page));
  return GTK_WIDGET (self);
}

GtkWidget *
rtx_settings_window_get_keys_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->keys_page;
}

GtkWidget *
rtx_settings_window_get_server_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->server_page;
}

GtkWidget *
rtx_settings_window_get_local_apps_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->local_apps_page;
}

GtkWidget *
rtx_settings_window_get_credentials_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->credentials_page;
}

GtkWidget *
rtx_settings_window_get_model_provider_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->model_provider_page;
}

GtkWidget *
rtx_settings_window_get_agents_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->agents_page;
}

GtkWidget *
rtx_settings_window_get_users_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->users_page;
}

GtkWidget *
rtx_settings_window_get_embeds_page (RtxSettingsWindow *self)
{
  g_return_val_if_fail (RTX_IS_SETTINGS_WINDOW (self), NULL);
  return self->embeds_page;
}
