/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "rtx-test-utils.h"

/*
 * D-Bus activation, as the desktop uses it: on a private bus (GTestDBus) whose service directory
 * holds a com.realtimex.Runtime.service like the installed one, the desktop file's own action
 * command lines (Exec= of [Desktop Action stop-server] and start-server) start the app as a
 * service and reach it; org.freedesktop.Application.ActivateAction("quit") ends it.
 */

#define APP_PATH "/com/realtimex/Runtime"

static GKeyFile *desktop;

typedef struct {
  gboolean  done;
  gboolean  connected;
} Probe;

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, NULL);
  probe->connected = connection != NULL;
  probe->done = TRUE;
}

static gboolean
port_answers (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Probe probe = { 0 };

  g_socket_client_connect_to_host_async (client, "127.0.0.1", port, NULL, on_connected_cb, &probe);
  rtx_test_wait_for (&probe.done, 10000);
  return probe.connected;
}

static void
wait_port (guint16  port,
           gboolean answering)
{
  for (guint i = 0; i < 150 && port_answers (port) != answering; i++)
    g_usleep (100 * 1000);
  g_assert_cmpint (port_answers (port), ==, answering);
}

static guint16
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/* Runs the desktop file's command line for an action, as a launcher would. */
static void
run_desktop_action (const char *action)
{
  g_autofree char *group = g_strdup_printf ("Desktop Action %s", action);
  g_autofree char *exec = g_key_file_get_string (desktop, group, "Exec", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  int status;

  g_assert_nonnull (exec);
  g_assert_true (g_shell_parse_argv (exec, NULL, &argv, &error));
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

static gboolean
app_on_bus (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
test_actions (gconstpointer data)
{
  guint16 port = GPOINTER_TO_UINT (data);
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (app_on_bus (bus));

  /* "Stop Server" from the launcher: activates the app (which starts serving on launch), then
   * stops the server. */
  run_desktop_action ("stop-server");
  g_assert_true (app_on_bus (bus));
  wait_port (port, FALSE);

  run_desktop_action ("start-server");
  wait_port (port, TRUE);

  /* "Settings" opens the window in the running instance: it stays the one instance. */
  run_desktop_action ("settings");
  g_assert_true (app_on_bus (bus));
  g_assert_true (port_answers (port));

  reply = g_dbus_connection_call_sync (bus, APP_ID, APP_PATH, "org.freedesktop.Application",
                                       "ActivateAction",
                                       g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 150 && app_on_bus (bus); i++)
    g_usleep (100 * 1000);
  g_assert_false (app_on_bus (bus));
  g_assert_false (port_answers (port));
}

static char *
write_service (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = rtx_test_data_dir_new ("gui-activation");
  g_autofree char *dir = g_build_filename (data_dir, "services", NULL);
  g_autofree char *path = g_build_filename (dir, APP_ID ".service", NULL);
  g_autofree char *contents = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* The installed file's Exec, with the test's display, settings and data dir; its stdout
   * (the "Listening on" line) kept off this test's TAP. */
  contents = g_strdup_printf ("[D-BUS Service]\n"
                              "Name=" APP_ID "\n"
                              "Exec=/bin/sh -c \"exec /usr/bin/env -u RTX_NON_UNIQUE DISPLAY=%s "
                              "GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=%s GTK_A11Y=none "
                              "%s --gapplication-service --port %u --data-dir %s >/dev/null\"\n",
                              g_getenv ("DISPLAY"), g_getenv ("GSETTINGS_SCHEMA_DIR"),
                              g_getenv ("RTX_BINARY"), port, data_dir);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  return g_steal_pointer (&dir);
}

int
main (int    argc,
      char **argv)
{
  GTestDBus *bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  g_autofree char *desktop_path = NULL;
  g_autofree char *services = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (display == NULL || *display == '\0') {
    g_test_skip ("No display");
    return 77;
  }

  desktop = g_key_file_new ();
  desktop_path = g_build_filename (g_getenv ("RTX_SOURCE_ROOT"), APP_ID ".desktop", NULL);
  g_assert_true (g_key_file_load_from_file (desktop, desktop_path, G_KEY_FILE_NONE, &error));
  g_assert_true (g_key_file_get_boolean (desktop, "Desktop Entry", "DBusActivatable", NULL));

  port = free_port ();
  services = write_service (port);
  g_test_dbus_add_service_dir (bus, services);
  g_test_dbus_up (bus);
  g_setenv ("DISPLAY", display, TRUE);

  g_test_add_data_func ("/rtx/gui/activation/desktop-actions", GUINT_TO_POINTER (port),
                        test_actions);
  status = g_test_run ();

  g_test_dbus_down (bus);
  g_object_unref (bus);
  g_key_file_free (desktop);
  return status;
}
