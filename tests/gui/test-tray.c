/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "rtx-test-utils.h"

/*
 * The tray icon of the real program (RTX_BINARY, started with a display, so as the desktop
 * app), on a private bus (GTestDBus) where this test plays the StatusNotifierWatcher, as a tray
 * host does. The watcher appears only after the app is up, as when a tray host starts later.
 * Every call to the app is asynchronous, since this thread also serves the watcher.
 */

#define WATCHER_XML \
  "<node><interface name='org.kde.StatusNotifierWatcher'>" \
  "  <method name='RegisterStatusNotifierItem'><arg type='s' direction='in'/></method>" \
  "</interface></node>"

typedef struct {
  GSubprocess     *process;
  GDBusConnection *bus;
  char            *item_name;
  char            *registered_service;
  char            *registered_sender;
  guint16          port;
} Tray;

static void
on_watcher_call_cb (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  Tray *tray = user_data;

  g_variant_get (parameters, "(s)", &tray->registered_service);
  tray->registered_sender = g_strdup (sender);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable watcher_vtable = { on_watcher_call_cb, NULL, NULL, { 0 } };

typedef struct {
  gboolean  done;
  GVariant *reply;
  GError   *error;
} Call;

static void
on_call_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

static GVariant *
call (Tray       *tray,
      const char *path,
      const char *interface,
      const char *method,
      GVariant   *parameters)
{
  Call c = { 0 };

  g_dbus_connection_call (tray->bus, tray->item_name, path, interface, method, parameters, NULL,
                          G_DBUS_CALL_FLAGS_NONE, 10000, NULL, on_call_cb, &c);
  rtx_test_wait_for (&c.done, 15000);
  g_assert_no_error (c.error);
  return c.reply;
}

static GVariant *
item_property (Tray       *tray,
               const char *name)
{
  g_autoptr(GVariant) reply = call (tray, "/StatusNotifierItem", "org.freedesktop.DBus.Properties",
                                    "Get", g_variant_new ("(ss)", "org.kde.StatusNotifierItem", name));
  GVariant *value;

  g_variant_get (reply, "(v)", &value);
  return value;
}

static char *
item_string (Tray       *tray,
             const char *name)
{
  g_autoptr(GVariant) value = item_property (tray, name);

  return g_variant_dup_string (value, NULL);
}

static char *
tooltip_text (Tray *tray)
{
  g_autoptr(GVariant) value = item_property (tray, "ToolTip");
  const char *title, *text;

  g_variant_get (value, "(&sa(iiay)&s&s)", NULL, NULL, &title, &text);
  g_assert_cmpstr (title, ==, "RealTimeX Runtime");
  return g_strdup (text);
}

/* The menu's top-level items as label → (id, visible, enabled). */
typedef struct {
  gint32   id;
  gboolean visible;
  gboolean enabled;
} Item;

static GHashTable *
menu_items (Tray *tray)
{
  g_autoptr(GVariant) reply = call (tray, "/MenuBar", "com.canonical.dbusmenu", "GetLayout",
                                    g_variant_new ("(ii@as)", 0, -1,
                                                   g_variant_new_strv (NULL, 0)));
  g_autoptr(GVariant) children = NULL;
  GHashTable *items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GVariantIter iter;
  GVariant *child;

  g_variant_get (reply, "(u(i@a{sv}@av))", NULL, NULL, NULL, &children);
  g_variant_iter_init (&iter, children);
  while (g_variant_iter_next (&iter, "v", &child)) {
    g_autoptr(GVariant) props = NULL;
    Item *item = g_new0 (Item, 1);
    const char *label = NULL;

    g_variant_get (child, "(i@a{sv}@av)", &item->id, &props, NULL);
    item->visible = item->enabled = TRUE;
    g_variant_lookup (props, "visible", "b", &item->visible);
    g_variant_lookup (props, "enabled", "b", &item->enabled);
    if (g_variant_lookup (props, "label", "&s", &label))
      g_hash_table_insert (items, g_strdup (label), item);
    else
      g_free (item);
    g_variant_unref (child);
  }
  return items;
}

static void
click (Tray       *tray,
       const char *label)
{
  g_autoptr(GHashTable) items = menu_items (tray);
  Item *item = g_hash_table_lookup (items, label);
  g_autoptr(GVariant) reply = NULL;

  g_assert_nonnull (item);
  g_assert_true (item->visible);
  g_assert_true (item->enabled);
  reply = call (tray, "/MenuBar", "com.canonical.dbusmenu", "Event",
                g_variant_new ("(isvu)", item->id, "clicked", g_variant_new_string (""), 0));
}

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
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", port);
  Probe probe = { 0 };

  g_socket_client_connect_to_host_async (client, host, port, NULL, on_connected_cb, &probe);
  rtx_test_wait_for (&probe.done, 10000);
  return probe.connected;
}

static gboolean
on_tick_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_tick_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
wait_port (guint16  port,
           gboolean answering)
{
  for (guint i = 0; i < 100 && port_answers (port) != answering; i++)
    iterate (100);
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

static gboolean
name_has_owner (Tray       *tray,
                const char *name)
{
  Call c = { 0 };
  gboolean owned = FALSE;

  g_dbus_connection_call (tray->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                          NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, on_call_cb, &c);
  rtx_test_wait_for (&c.done, 10000);
  g_assert_no_error (c.error);
  g_variant_get (c.reply, "(b)", &owned);
  g_variant_unref (c.reply);
  return owned;
}

static void
start_app (Tray *tray)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *data_dir = rtx_test_data_dir_new ("gui-tray");
  g_autofree char *port = NULL;
  g_autoptr(GError) error = NULL;

  tray->port = free_port ();
  port = g_strdup_printf ("%u", tray->port);
  g_subprocess_launcher_setenv (launcher, "RTX_NON_UNIQUE", "1", TRUE);
  tray->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("RTX_BINARY"),
                                               "--port", port, "--data-dir", data_dir, NULL);
  g_assert_no_error (error);
  tray->item_name = g_strdup_printf ("org.kde.StatusNotifierItem-%s-1",
                                     g_subprocess_get_identifier (tray->process));

  for (guint i = 0; i < 200 && !name_has_owner (tray, tray->item_name); i++)
    iterate (50);
  g_assert_true (name_has_owner (tray, tray->item_name));
}

static void
on_exited_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
test_tray (void)
{
  Tray tray = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (WATCHER_XML, NULL);
  g_autofree char *icon = NULL;
  g_autofree char *menu = NULL;
  g_autofree char *text = NULL;
  g_autofree char *running = NULL;
  g_autoptr(GHashTable) items = NULL;
  gboolean exited = FALSE;
  guint owner_id;

  tray.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  start_app (&tray);

  /* The tray host comes after the app: the app notices and registers its icon. */
  g_dbus_connection_register_object (tray.bus, "/StatusNotifierWatcher", info->interfaces[0],
                                     &watcher_vtable, &tray, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (tray.bus, "org.kde.StatusNotifierWatcher",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
  for (guint i = 0; i < 200 && tray.registered_service == NULL; i++)
    iterate (50);
  g_assert_cmpstr (tray.registered_service, ==, tray.item_name);

  /* Properties reflect a running server. */
  running = g_strdup_printf ("Running on 127.0.0.1:%u", tray.port);
  icon = item_string (&tray, "IconName");
  g_assert_cmpstr (icon, ==, "com.realtimex.Runtime-symbolic");
  menu = NULL;
  {
    g_autoptr(GVariant) path = item_property (&tray, "Menu");
    g_assert_cmpstr (g_variant_get_string (path, NULL), ==, "/MenuBar");
  }
  g_free (icon);
  icon = item_string (&tray, "Id");
  g_assert_cmpstr (icon, ==, "com.realtimex.Runtime");
  text = tooltip_text (&tray);
  g_assert_cmpstr (text, ==, running);
  items = menu_items (&tray);
  g_assert_nonnull (g_hash_table_lookup (items, running));
  g_assert_false (((Item *) g_hash_table_lookup (items, running))->enabled);
  g_assert_false (((Item *) g_hash_table_lookup (items, "Start Server"))->visible);
  g_assert_nonnull (g_hash_table_lookup (items, "Settings…"));
  g_assert_nonnull (g_hash_table_lookup (items, "API Documentation"));
  g_assert_true (port_answers (tray.port));

  /* Stop server: the port refuses connections, and the icon says so. */
  click (&tray, "Stop Server");
  wait_port (tray.port, FALSE);
  g_free (icon);
  icon = item_string (&tray, "IconName");
  g_assert_cmpstr (icon, ==, "com.realtimex.Runtime-stopped-symbolic");
  g_free (text);
  text = tooltip_text (&tray);
  g_assert_cmpstr (text, ==, "Stopped");
  g_clear_pointer (&items, g_hash_table_unref);
  items = menu_items (&tray);
  g_assert_nonnull (g_hash_table_lookup (items, "Stopped"));
  g_assert_false (((Item *) g_hash_table_lookup (items, "Stop Server"))->visible);

  /* Start server: it answers again, on the same port. */
  click (&tray, "Start Server");
  wait_port (tray.port, TRUE);
  g_free (text);
  text = tooltip_text (&tray);
  g_assert_cmpstr (text, ==, running);

  /* Quit ends the process, cleanly. */
  click (&tray, "Quit");
  g_subprocess_wait_async (tray.process, NULL, on_exited_cb, &exited);
  rtx_test_wait_for (&exited, 15000);
  g_assert_true (g_subprocess_get_if_exited (tray.process));
  g_assert_cmpint (g_subprocess_get_exit_status (tray.process), ==, 0);
  g_assert_false (port_answers (tray.port));

  g_bus_unown_name (owner_id);
  g_clear_object (&tray.process);
  g_clear_object (&tray.bus);
  g_free (tray.item_name);
  g_free (tray.registered_service);
  g_free (tray.registered_sender);
}

int
main (int    argc,
      char **argv)
{
  GTestDBus *bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int status;

  g_test_init (&argc, &argv, NULL);
  if (display == NULL || *display == '\0') {
    g_test_skip ("No display: the program would serve headless, with no tray");
    return 77;
  }

  /* A private bus for the app and the fake watcher. GTestDBus unsets DISPLAY; the app needs it
   * to start as the desktop app. */
  g_test_dbus_up (bus);
  g_setenv ("DISPLAY", display, TRUE);

  g_test_add_func ("/rtx/gui/tray/register-stop-start-quit", test_tray);
  status = g_test_run ();

  g_test_dbus_down (bus);
  g_object_unref (bus);
  return status;
}
