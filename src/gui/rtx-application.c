/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "rtx-application.h"
#include "rtx-gui-util.h"
#include "rtx-permission-prompter.h"
#include "rtx-runtime.h"
#include "rtx-settings-window.h"
#include "rtx-tray.h"

/**
 * RtxApplication:
 *
 * The desktop app: one instance per session (a second launch presents the first one's window),
 * D-Bus activatable, owning one #RtxRuntime and one #RtxServer for its whole life. It holds
 * itself, so closing the window keeps serving; Quit (menu, tray, Ctrl+Q) stops the server and
 * exits.
 */
struct _RtxApplication {
  AdwApplication  parent_instance;

  char           *data_dir;
  int             port;             /* from --port, or -1 for the "port" setting */
  int             exit_status;
  gboolean        activated;
  gboolean        announce;
  guint           tray_wait_id;

  GSettings      *settings;
  RtxRuntime     *runtime;
  RtxServer      *server;
  RtxTray        *tray;
  GtkWidget      *window;
  RtxPermissionPrompter *prompter;
};

G_DEFINE_FINAL_TYPE (RtxApplication, rtx_application, ADW_TYPE_APPLICATION)

guint16
rtx_application_get_start_port (RtxApplication *self)
{
  g_return_val_if_fail (RTX_IS_APPLICATION (self), 0);

  if (self->port >= 0)
    return (guint16) self->port;
  return (guint16) g_settings_get_uint (self->settings, "port");
}

static void
start_server (RtxApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (rtx_server_get_running (self->server))
    return;

  /* A failure is the server's state, with its reason, which the window and the tray show. */
  if (!rtx_server_start (self->server, rtx_application_get_start_port (self), &error)) {
    g_printerr ("realtimex-runtime: %s\n", error->message);
    return;
  }

  /* Local apps started from now on are told where to find the runtime. */
  {
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u",
                                            rtx_server_get_port (self->server));

    rtx_app_launcher_set_server_url (rtx_runtime_get_app_launcher (self->runtime), url);
  }

  /* As the headless runtime does, for scripts that started the app with --port 0. */
  if (self->announce) {
    g_print ("Listening on http://127.0.0.1:%u\n", rtx_server_get_port (self->server));
    fflush (stdout);
  }
}

static gboolean
on_close_request_cb (RtxApplication *self)
{
  g_autoptr(GNotification) notification = NULL;

  if (g_settings_get_boolean (self->settings, "close-notified"))
    return FALSE;

  notification = g_notification_new (_("RealTimeX Runtime is still serving"));
  g_notification_set_body (notification,
    _("Your programs can still use the API. To stop the runtime, choose Quit in the tray menu, "
      "or open the window again and press Ctrl+Q."));
  g_notification_add_button (notification, _("Quit"), "app.quit");
  g_application_send_notification (G_APPLICATION (self), "still-serving", notification);
  g_settings_set_boolean (self->settings, "close-notified", TRUE);

  return FALSE;
}

static GtkWidget *
ensure_window (RtxApplication *self)
{
  if (self->window == NULL) {
    self->window = rtx_settings_window_new (GTK_APPLICATION (self), self->server, self->settings);
    g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
    g_signal_connect_object (self->window, "close-request", G_CALLBACK (on_close_request_cb),
                             self, G_CONNECT_SWAPPED);
  }
  return self->window;
}

static void
settings_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  RtxApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (ensure_window (self)));
}

static void
start_server_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  start_server (RTX_APPLICATION (user_data));
}

static void
stop_server_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  RtxApplication *self = user_data;

  rtx_server_stop (self->server);
}

static void
open_docs_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  RtxApplication *self = user_data;
  g_autofree char *uri = NULL;
  guint16 port = rtx_server_get_port (self->server);

  uri = rtx_gui_docs_uri (port != 0 ? port : rtx_application_get_start_port (self));
  rtx_gui_open_uri (self->window, uri);
}

/* "Start in the tray" waits this long for a tray host to take the icon before it opens the
 * window after all: without a tray there would be no way back to it but the launcher. */
#define TRAY_WAIT_MS 3000

static void
stop_waiting_for_tray (RtxApplication *self)
{
  g_clear_handle_id (&self->tray_wait_id, g_source_remove);
  if (self->tray != NULL)
    g_signal_handlers_disconnect_by_data (self->tray, self);
}

static void
on_tray_registered_cb (RtxApplication *self)
{
  if (rtx_tray_is_registered (self->tray))
    stop_waiting_for_tray (self);
}

static gboolean
on_tray_wait_timeout_cb (gpointer user_data)
{
  RtxApplication *self = user_data;

  self->tray_wait_id = 0;
  stop_waiting_for_tray (self);
  gtk_window_present (GTK_WINDOW (ensure_window (self)));
  return G_SOURCE_REMOVE;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  RtxApplication *self = user_data;

  GList *windows;

  /* Quit stops every local app the runtime started. */
  rtx_app_launcher_stop_all (rtx_runtime_get_app_launcher (self->runtime));
  g_clear_object (&self->prompter);
  rtx_server_stop (self->server);
  /* The icon goes at once, not when the process ends. */
  stop_waiting_for_tray (self);
  g_clear_object (&self->tray);
  /* Every window, dialogs included: each holds the application. */
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "settings", settings_action },
  { "start-server", start_server_action },
  { "stop-server", stop_server_action },
  { "open-docs", open_docs_action },
  { "quit", quit_action },
};

/* Start and Stop are enabled only when they apply, for the window and the desktop actions. */
static void
on_server_state_cb (RtxApplication *self)
{
  gboolean running = rtx_server_get_running (self->server);
  GAction *start = g_action_map_lookup_action (G_ACTION_MAP (self), "start-server");
  GAction *stop = g_action_map_lookup_action (G_ACTION_MAP (self), "stop-server");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (start), !running);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (stop), running);
}

static void
rtx_application_startup (GApplication *app)
{
  RtxApplication *self = RTX_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (rtx_application_parent_class)->startup (app);

  rtx_gui_ensure_resources ();
  self->settings = g_settings_new (APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  self->runtime = rtx_runtime_new (self->data_dir, &error);
  if (self->runtime == NULL) {
    g_printerr ("realtimex-runtime: %s\n", error->message);
    self->exit_status = 1;
    g_application_quit (app);
    return;
  }

  self->server = rtx_server_new (self->runtime);
  g_signal_connect_object (self->server, "notify::state", G_CALLBACK (on_server_state_cb), self,
                           G_CONNECT_SWAPPED);
  on_server_state_cb (self);

  /* Serving outlives the window. */
  g_application_hold (app);

  if (self->port >= 0 || g_settings_get_boolean (self->settings, "start-server-on-launch"))
    start_server (self);

  self->tray = rtx_tray_new (G_APPLICATION (self), self->server);

  /* Local apps' questions become dialogs, in the window or on their own. */
  self->prompter = rtx_permission_prompter_new (GTK_APPLICATION (self),
                                                rtx_runtime_get_permission_broker (self->runtime));
}

static void
rtx_application_activate (GApplication *app)
{
  RtxApplication *self = RTX_APPLICATION (app);
  gboolean first = !self->activated;

  if (self->runtime == NULL)
    return;

  self->activated = TRUE;
  if (first && g_settings_get_boolean (self->settings, "start-in-tray") && self->tray != NULL) {
    if (!rtx_tray_is_registered (self->tray)) {
      g_signal_connect_swapped (self->tray, "notify::registered",
                                G_CALLBACK (on_tray_registered_cb), self);
      self->tray_wait_id = g_timeout_add (TRAY_WAIT_MS, on_tray_wait_timeout_cb, self);
    }
    return;
  }

  stop_waiting_for_tray (self);
  gtk_window_present (GTK_WINDOW (ensure_window (self)));
}

static void
rtx_application_shutdown (GApplication *app)
{
  RtxApplication *self = RTX_APPLICATION (app);

  if (self->runtime != NULL)
    rtx_app_launcher_stop_all (rtx_runtime_get_app_launcher (self->runtime));
  g_clear_object (&self->prompter);
  if (self->server != NULL)
    rtx_server_stop (self->server);
  stop_waiting_for_tray (self);
  g_clear_object (&self->tray);

  G_APPLICATION_CLASS (rtx_application_parent_class)->shutdown (app);
}

static void
rtx_application_finalize (GObject *object)
{
  RtxApplication *self = (RtxApplication *)object;

  g_clear_object (&self->tray);
  g_clear_object (&self->prompter);
  g_clear_object (&self->server);
  g_clear_object (&self->runtime);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (rtx_application_parent_class)->finalize (object);
}

static void
rtx_application_class_init (RtxApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = rtx_application_finalize;
  app_class->startup = rtx_application_startup;
  app_class->activate = rtx_application_activate;
  app_class->shutdown = rtx_application_shutdown;
}

static void
rtx_application_init (RtxApplication *self)
{
  self->port = -1;
}

/**
 * rtx_application_new:
 * @data_dir: the data directory
 * @port: the port from --port, or -1 to use the "port" setting
 * @flags: extra flags, such as %G_APPLICATION_NON_UNIQUE for tests
 */
RtxApplication *
rtx_application_new (const char        *data_dir,
                     int                port,
                     GApplicationFlags  flags)
{
  RtxApplication *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (RTX_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", flags,
                       NULL);
  self->data_dir = g_strdup (data_dir);
  self->port = port;
  return self;
}

RtxServer *
rtx_application_get_server (RtxApplication *self)
{
  g_return_val_if_fail (RTX_IS_APPLICATION (self), NULL);
  return self->server;
}

GSettings *
rtx_application_get_settings (RtxApplication *self)
{
  g_return_val_if_fail (RTX_IS_APPLICATION (self), NULL);
  return self->settings;
}

GtkWidget *
rtx_application_get_settings_window (RtxApplication *self)
{
  g_return_val_if_fail (RTX_IS_APPLICATION (self), NULL);
  return self->window;
}

/**
 * rtx_application_set_announce:
 *
 * Makes each start of the server print "Listening on http://127.0.0.1:PORT" on stdout, as the
 * headless runtime does; for the command line, not for tests that speak TAP on stdout.
 */
void
rtx_application_set_announce (RtxApplication *self,
                              gboolean        announce)
{
  g_return_if_fail (RTX_IS_APPLICATION (self));
  self->announce = announce;
}

int
rtx_application_get_exit_status (RtxApplication *self)
{
  g_return_val_if_fail (RTX_IS_APPLICATION (self), 1);
  return self->exit_status;
}

/**
 * rtx_application_get_permission_prompter:
 * @self: the application
 *
 * Returns: (transfer none) (nullable): what shows local apps' permission prompts
 */
RtxPermissionPrompter *
rtx_application_get_permission_prompter (RtxApplication *self)
{
  g_return_val_if_fail (RTX_IS_APPLICATION (self), NULL);

  return self->prompter;
}
