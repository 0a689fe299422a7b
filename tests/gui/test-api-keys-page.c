/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "rtx-autostart.h"
#include "rtx-gui-test-utils.h"
#include "rtx-server-page-private.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* Settings > API Keys, driven through its real widgets in the real application, against the
 * real keyring and a live server. */

static guint16
port_of (GuiFixture *fixture)
{
  return rtx_server_get_port (rtx_application_get_server (fixture->app));
}

static RtxKeyDialog *
open_generate_dialog (GuiFixture *fixture)
{
  GtkWidget *dialog;

  rtx_gui_test_click (_rtx_api_keys_page_get_generate_button (fixture->page));
  dialog = _rtx_api_keys_page_get_dialog (fixture->page);
  g_assert_true (RTX_IS_KEY_DIALOG (dialog));
  rtx_gui_test_iterate (100);
  g_assert_true (gtk_widget_get_mapped (dialog));
  g_assert_cmpstr (_rtx_key_dialog_get_page (RTX_KEY_DIALOG (dialog)), ==, "form");
  return RTX_KEY_DIALOG (dialog);
}

/* Generates a key through the dialog; returns the key as the dialog's Copy put it on the
 * clipboard. */
static char *
generate_key (GuiFixture *fixture,
              const char *name,
              gboolean    admin)
{
  RtxKeyDialog *dialog = open_generate_dialog (fixture);
  GtkWidget *generate = _rtx_key_dialog_get_generate_button (dialog);
  char *copied;

  g_assert_false (gtk_widget_get_sensitive (generate));
  g_assert_false (gtk_switch_get_active (_rtx_key_dialog_get_admin_switch (dialog)));
  gtk_editable_set_text (GTK_EDITABLE (_rtx_key_dialog_get_name_row (dialog)), name);
  gtk_switch_set_active (_rtx_key_dialog_get_admin_switch (dialog), admin);
  rtx_gui_test_click (generate);
  rtx_gui_test_wait_page (dialog, "result");
  rtx_gui_test_iterate (100);

  rtx_gui_test_click (_rtx_key_dialog_get_copy_button (dialog));
  copied = rtx_gui_test_read_clipboard (GTK_WIDGET (fixture->window));
  g_assert_nonnull (copied);
  rtx_test_record_key (copied);
  g_assert_cmpstr (copied, ==, gtk_label_get_text (_rtx_key_dialog_get_key_label (dialog)));

  gtk_window_close (GTK_WINDOW (dialog));
  return copied;
}

static RtxApiKeyRow *
wait_row (GuiFixture *fixture,
          const char *name,
          gboolean    active)
{
  RtxApiKeyRow *row = NULL;

  for (guint i = 0; i < 200 && row == NULL; i++) {
    row = _rtx_api_keys_page_find_row_named (fixture->page, name, active);
    if (row == NULL)
      rtx_gui_test_iterate (50);
  }
  g_assert_nonnull (row);
  return row;
}

static void
assert_row_describes (RtxApiKeyRow *row,
                      const char   *key)
{
  const RtxApiKey *info = rtx_api_key_row_get_key (row);
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_autofree char *creator = g_strdup_printf ("created by %s", g_get_user_name ());

  /* The display form ends with the key's last four characters. */
  g_assert_true (g_str_has_prefix (info->display, "rtx_"));
  g_assert_true (g_str_has_suffix (key, info->display + strlen (info->display) - 4));
  g_assert_nonnull (strstr (subtitle, info->display));
  g_assert_nonnull (strstr (subtitle, creator));
  g_assert_cmpint (info->created_at, >, 0);
}

static void
test_key_lifecycle (GuiFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *copied = NULL;
  RtxApiKeyRow *row, *new_row;
  GtkWidget *dialog;
  gint64 first_id;

  /* Generate → the row appears with its creator and time → the key works. */
  first = generate_key (fixture, "CI deploy", FALSE);
  row = wait_row (fixture, "CI deploy", TRUE);
  assert_row_describes (row, first);
  first_id = rtx_api_key_row_get_key (row)->id;
  g_assert_cmpuint (rtx_gui_test_auth_status (port_of (fixture), first), ==, 200);

  /* Rotate → a second working key, shown once; the first still works. */
  rtx_gui_test_click (rtx_api_key_row_get_rotate_button (row));
  for (guint i = 0; i < 200 && !RTX_IS_KEY_DIALOG (_rtx_api_keys_page_get_dialog (fixture->page)); i++)
    rtx_gui_test_iterate (50);
  dialog = _rtx_api_keys_page_get_dialog (fixture->page);
  g_assert_true (RTX_IS_KEY_DIALOG (dialog));
  rtx_gui_test_wait_page (RTX_KEY_DIALOG (dialog), "result");
  rtx_gui_test_iterate (100);
  rtx_gui_test_click (_rtx_key_dialog_get_copy_button (RTX_KEY_DIALOG (dialog)));
  second = rtx_gui_test_read_clipboard (GTK_WIDGET (fixture->window));
  g_assert_nonnull (second);
  rtx_test_record_key (second);
  g_assert_cmpstr (second, !=, first);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_cmpuint (rtx_gui_test_auth_status (port_of (fixture), second), ==, 200);
  g_assert_cmpuint (rtx_gui_test_auth_status (port_of (fixture), first), ==, 200);

  /* Both rows are there (the list was rebuilt), the new one marked as the old one's successor. */
  rtx_gui_test_iterate (200);
  row = _rtx_api_keys_page_find_row (fixture->page, first_id);
  g_assert_nonnull (row);
  new_row = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (_rtx_api_keys_page_get_list (fixture->page)));
       child != NULL; child = gtk_widget_get_next_sibling (child)) {
    if (RTX_IS_API_KEY_ROW (child) && RTX_API_KEY_ROW (child) != row)
      new_row = RTX_API_KEY_ROW (child);
  }
  g_assert_nonnull (new_row);
  g_assert_cmpint (rtx_api_key_row_get_key (new_row)->replaces_key_id, ==,
                   rtx_api_key_row_get_key (row)->id);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (new_row)),
                            rtx_api_key_row_get_key (row)->display));

  /* Deactivate the first through the confirmation → its row shows it → 403. */
  rtx_gui_test_click (rtx_api_key_row_get_deactivate_button (row));
  dialog = _rtx_api_keys_page_get_dialog (fixture->page);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "permanent"));
  /* What clicking "Deactivate" does: the response, then the dialog closes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "deactivate");
  gtk_window_close (GTK_WINDOW (dialog));
  row = wait_row (fixture, "CI deploy", FALSE);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "dim-label"));
  g_assert_false (gtk_widget_is_visible (rtx_api_key_row_get_copy_button (row)));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Deactivated"));
  g_assert_cmpint (rtx_api_key_row_get_key (row)->deactivated_at, >, 0);
  g_assert_cmpuint (rtx_gui_test_auth_status (port_of (fixture), first), ==, 403);
  g_assert_cmpuint (rtx_gui_test_auth_status (port_of (fixture), second), ==, 200);

  /* Copy of an existing key from the list gives that same key, from the keyring. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (fixture->window)), "something else");
  new_row = wait_row (fixture, "CI deploy", TRUE);
  rtx_gui_test_click (rtx_api_key_row_get_copy_button (new_row));
  rtx_gui_test_wait_signal (fixture->page, "copied");
  copied = rtx_gui_test_read_clipboard (GTK_WIDGET (fixture->window));
  g_assert_cmpstr (copied, ==, second);
}

static void
test_admin_key_and_search (GuiFixture    *fixture,
                           gconstpointer  data)
{
  g_autofree char *admin = generate_key (fixture, "Ops admin", TRUE);
  g_autofree char *plain = generate_key (fixture, "Notebook", FALSE);
  RtxApiKeyRow *admin_row = wait_row (fixture, "Ops admin", TRUE);
  RtxApiKeyRow *plain_row = wait_row (fixture, "Notebook", TRUE);
  GtkWidget *search = _rtx_api_keys_page_get_search (fixture->page);

  g_assert_true (rtx_api_key_row_get_key (admin_row)->admin);
  g_assert_false (rtx_api_key_row_get_key (plain_row)->admin);

  gtk_editable_set_text (GTK_EDITABLE (search), "OPS");
  rtx_gui_test_iterate (300);
  g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (admin_row)));
  g_assert_false (gtk_widget_get_child_visible (GTK_WIDGET (plain_row)));
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  rtx_gui_test_iterate (300);
  g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (plain_row)));
}

/* In multi-user mode every key has an owner, and the list says whose a key is. */
static void
test_owner_shown (GuiFixture    *fixture,
                  gconstpointer  data)
{
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));
  const RtxActor actor = { "tester", "gui" };
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxUser) boss = rtx_users_enable_multi_user (rtx_runtime_get_users (runtime), "boss",
                                                         &actor, &error);
  g_autofree char *key = NULL;
  RtxApiKeyRow *row;

  g_assert_no_error (error);
  key = generate_key (fixture, "Owned key", FALSE);
  row = wait_row (fixture, "Owned key", TRUE);
  g_assert_cmpint (rtx_api_key_row_get_key (row)->owner_id, ==, boss->id);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "owned by boss"));
}

static void
test_clipboard_cleared (GuiFixture    *fixture,
                        gconstpointer  data)
{
  GSettings *settings = rtx_application_get_settings (fixture->app);
  g_autofree char *key = NULL;
  g_autofree char *later = NULL;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fixture->window));

  g_settings_set_uint (settings, "clipboard-clear-seconds", 1);
  key = generate_key (fixture, "Short-lived copy", FALSE);
  g_assert_nonnull (key);

  for (guint i = 0; i < 100 && gdk_clipboard_get_content (clipboard) != NULL; i++)
    rtx_gui_test_iterate (50);
  later = rtx_gui_test_read_clipboard (GTK_WIDGET (fixture->window));
  g_assert_null (later);

  g_settings_reset (settings, "clipboard-clear-seconds");
}

/* A notification server, as a desktop has one, that records what it is asked to show. */
#define NOTIFICATIONS_XML \
  "<node><interface name='org.freedesktop.Notifications'>" \
  "  <method name='Notify'>" \
  "    <arg type='s' direction='in'/><arg type='u' direction='in'/>" \
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/>" \
  "    <arg type='s' direction='in'/><arg type='as' direction='in'/>" \
  "    <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>" \
  "    <arg type='u' direction='out'/>" \
  "  </method>" \
  "</interface></node>"

typedef struct {
  guint  count;
  char  *summary;
  char  *body;
  char **actions;
} Notified;

static void
on_notify_cb (GDBusConnection       *connection,
              const char            *sender,
              const char            *object_path,
              const char            *interface_name,
              const char            *method_name,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation,
              gpointer               user_data)
{
  Notified *notified = user_data;

  notified->count++;
  g_clear_pointer (&notified->summary, g_free);
  g_clear_pointer (&notified->body, g_free);
  g_clear_pointer (&notified->actions, g_strfreev);
  g_variant_get (parameters, "(&su&sss^as@a{sv}i)", NULL, NULL, NULL, &notified->summary,
                 &notified->body, &notified->actions, NULL, NULL);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notified->count));
}

static const GDBusInterfaceVTable notify_vtable = { on_notify_cb, NULL, NULL, { 0 } };

static void
on_name_acquired_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Closing the window keeps the runtime serving, and says so once; Quit (Ctrl+Q) stops it. */
static void
test_close_keeps_serving (GuiFixture    *fixture,
                          gconstpointer  data)
{
  GSettings *settings = rtx_application_get_settings (fixture->app);
  RtxServer *server = rtx_application_get_server (fixture->app);
  guint16 port = rtx_server_get_port (server);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fixture->app),
                                                                "app.quit");
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (NOTIFICATIONS_XML, NULL);
  g_autoptr(GError) error = NULL;
  Notified notified = { 0 };
  gboolean owned = FALSE;
  guint registration, owner;

  registration = g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                                    info->interfaces[0], &notify_vtable,
                                                    &notified, NULL, &error);
  g_assert_no_error (error);
  owner = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
                                        G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired_cb, NULL,
                                        &owned, NULL);
  rtx_test_wait_for (&owned, 10000);

  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>q"));
  g_assert_false (g_settings_get_boolean (settings, "close-notified"));

  gtk_window_close (GTK_WINDOW (fixture->window));
  rtx_gui_test_iterate (200);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_true (g_settings_get_boolean (settings, "close-notified"));
  for (guint i = 0; i < 100 && notified.count == 0; i++)
    rtx_gui_test_iterate (50);
  g_assert_cmpuint (notified.count, ==, 1);
  g_assert_cmpstr (notified.summary, ==, "RealTimeX Runtime is still serving");
  g_assert_nonnull (strstr (notified.body, "Ctrl+Q"));
  g_assert_true (g_strv_contains ((const char * const *) notified.actions, "Quit"));
  g_assert_true (rtx_server_get_running (server));
  /* Still answering: a request with no valid key is refused, by the server. */
  g_assert_cmpuint (rtx_gui_test_auth_status (port, "rtx_not-a-key"), ==, 403);

  /* Opening it again (a second launch, or the launcher) shows the same window. */
  g_application_activate (G_APPLICATION (fixture->app));
  rtx_gui_test_iterate (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_true (GTK_WIDGET (fixture->window) == rtx_application_get_settings_window (fixture->app));

  /* Only the first time. */
  gtk_window_close (GTK_WINDOW (fixture->window));
  rtx_gui_test_iterate (300);
  g_assert_cmpuint (notified.count, ==, 1);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  g_assert_false (rtx_server_get_running (server));
  g_settings_reset (settings, "close-notified");

  g_bus_unown_name (owner);
  g_dbus_connection_unregister_object (bus, registration);
  g_free (notified.summary);
  g_free (notified.body);
  g_strfreev (notified.actions);
}

/* "Start at login" writes an autostart entry that starts the runtime as a service, and removes
 * it again. XDG_CONFIG_HOME is this test's own (set in main). */
static void
test_autostart (GuiFixture    *fixture,
                gconstpointer  data)
{
  RtxServerPage *page = RTX_SERVER_PAGE (rtx_settings_window_get_server_page (fixture->window));
  GtkSwitch *toggle = _rtx_server_page_get_autostart_switch (page);
  g_autofree char *path = rtx_autostart_path ();
  g_autofree char *expected_dir = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "autostart",
                                                    NULL);
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;

  g_assert_true (g_str_has_prefix (path, expected_dir));
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  exec = g_key_file_get_string (entry, "Desktop Entry", "Exec", NULL);
  g_assert_cmpstr (exec, ==, "realtimex-runtime --gapplication-service");
  g_clear_pointer (&exec, g_free);
  exec = g_key_file_get_string (entry, "Desktop Entry", "Type", NULL);
  g_assert_cmpstr (exec, ==, "Application");

  gtk_switch_set_active (toggle, FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config = g_dir_make_tmp ("rtx-gui-config-XXXXXX", NULL);
  g_autofree char *autostart = NULL;
  int status;

  /* Before anything reads it: "Start at login" writes here, never into the real ~/.config. */
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  if (!rtx_gui_test_init (&argc, &argv)) {
    g_test_skip ("No display");
    return 77;
  }

  g_test_add ("/rtx/gui/api-keys/lifecycle", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_key_lifecycle, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/api-keys/admin-and-search", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_admin_key_and_search, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/api-keys/owner-shown", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_owner_shown, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/api-keys/clipboard-cleared", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_clipboard_cleared, rtx_gui_fixture_teardown);

  g_test_add ("/rtx/gui/server/autostart", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_autostart, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/app/close-keeps-serving", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_close_keeps_serving, rtx_gui_fixture_teardown);

  status = g_test_run ();

  autostart = g_build_filename (config, "autostart", NULL);
  g_rmdir (autostart);
  g_rmdir (config);
  return status;
}
