/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "rtx-gui-test-utils.h"
#include "rtx-local-apps-page-private.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* Settings > Local Apps, through its real widgets: an app's row shows its state, Start runs it
 * with its environment, its output is shown, Stop ends it, and a permission switch changes the
 * stored decision. */

static const RtxActor test_actor = { "tester", "cli" };

static RtxLocalAppsPage *
page_of (GuiFixture *fixture)
{
  return RTX_LOCAL_APPS_PAGE (rtx_settings_window_get_local_apps_page (fixture->window));
}

/* Shows the page and opens the app's row, so that its buttons can be clicked. */
static void
show_row (GuiFixture *fixture,
          const char *app_id)
{
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page_of (fixture)));
  adw_expander_row_set_expanded (_rtx_local_apps_page_find_row (page_of (fixture), app_id), TRUE);
  rtx_gui_test_iterate (200);
}

/* Rows are rebuilt as things change, so each wait looks the row up again. */
static AdwExpanderRow *
wait_row_subtitle (GuiFixture *fixture,
                   const char *app_id,
                   const char *prefix)
{
  AdwExpanderRow *row = NULL;

  for (guint i = 0; i < 400; i++) {
    row = _rtx_local_apps_page_find_row (page_of (fixture), app_id);
    if (row != NULL && g_str_has_prefix (adw_expander_row_get_subtitle (row), prefix))
      return row;
    rtx_gui_test_iterate (25);
  }

  g_assert_nonnull (row);
  g_assert_cmpstr (adw_expander_row_get_subtitle (row), ==, prefix);
  return row;
}

static void
test_run_and_stop (GuiFixture    *fixture,
                   gconstpointer  data)
{
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));
  RtxLocalApps *apps = rtx_runtime_get_local_apps (runtime);
  RtxAppLauncher *launcher = rtx_runtime_get_app_launcher (runtime);
  g_autoptr(JsonNode) json = json_from_string (
    "{\"name\":\"Page app\",\"command\":\"/bin/sh\",\"port\":8765,\"args\":[\"-c\","
    "\"echo hello from the app; echo name=$RTX_APP_NAME port=$RTX_PORT; sleep 60\"]}", NULL);
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  AdwExpanderRow *row;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  GPid pid = 0;

  g_assert_true (rtx_local_app_apply_json (spec, json_node_get_object (json), &error));
  app = rtx_local_apps_create (apps, spec, &test_actor, &error);
  g_assert_no_error (error);

  row = wait_row_subtitle (fixture, app->id, "Stopped");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Page app");

  show_row (fixture, app->id);
  rtx_gui_test_click (_rtx_local_apps_page_get_run_button (page_of (fixture), app->id));
  wait_row_subtitle (fixture, app->id, "Running");
  g_assert_cmpint (rtx_app_launcher_get_state (launcher, app->id, NULL, &pid), ==,
                   RTX_APP_RUNNING);
  g_assert_cmpint (pid, >, 0);

  for (guint i = 0; i < 400; i++) {
    g_free (output);
    output = rtx_app_launcher_get_output (launcher, app->id);
    if (strstr (output, "port=") != NULL)
      break;
    rtx_gui_test_iterate (25);
  }

  show_row (fixture, app->id);
  rtx_gui_test_click (_rtx_local_apps_page_get_output_button (page_of (fixture), app->id));
  rtx_gui_test_iterate (100);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (_rtx_local_apps_page_get_output_view (
    page_of (fixture))));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_free (output);
  output = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (output, ==, "hello from the app\nname=Page app port=8765\n");

  gtk_window_close (GTK_WINDOW (gtk_widget_get_root (_rtx_local_apps_page_get_output_view (
    page_of (fixture)))));
  show_row (fixture, app->id);
  rtx_gui_test_click (_rtx_local_apps_page_get_run_button (page_of (fixture), app->id));
  wait_row_subtitle (fixture, app->id, "Stopped");
  g_assert_cmpint (rtx_app_launcher_get_state (launcher, app->id, NULL, NULL), ==,
                   RTX_APP_STOPPED);
  g_assert_cmpint (kill (pid, 0), ==, -1);
}

static void
test_permission_switch (GuiFixture    *fixture,
                        gconstpointer  data)
{
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));
  RtxLocalApps *apps = rtx_runtime_get_local_apps (runtime);
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *permissions[] = { "llm.chat", NULL };
  RtxPermissionState state;
  GtkSwitch *sw = NULL;

  spec->name = g_strdup ("Switch app");
  app = rtx_local_apps_create (apps, spec, &test_actor, &error);
  g_assert_no_error (error);
  g_assert_true (rtx_local_apps_set_decisions (apps, app->id, permissions,
                                               RTX_PERMISSION_GRANTED, &test_actor, &error));

  for (guint i = 0; i < 400 && sw == NULL; i++) {
    sw = _rtx_local_apps_page_get_permission (page_of (fixture), app->id, "llm.chat");
    if (sw == NULL)
      rtx_gui_test_iterate (25);
  }
  g_assert_nonnull (sw);
  g_assert_true (gtk_switch_get_active (sw));

  gtk_switch_set_active (sw, FALSE);
  g_assert_true (rtx_local_apps_get_decision (apps, app->id, "llm.chat", &state, NULL));
  g_assert_cmpint (state, ==, RTX_PERMISSION_DENIED);
  rtx_gui_test_iterate (100);
  sw = _rtx_local_apps_page_get_permission (page_of (fixture), app->id, "llm.chat");
  g_assert_false (gtk_switch_get_active (sw));

  /* A credential of Settings > Credentials is assigned with its switch. */
  {
    RtxCredentials *vault = rtx_runtime_get_credentials (runtime);
    g_autoptr(JsonNode) payload = json_from_string ("{\"name\":\"GUI_VAR\",\"value\":\"v\"}",
                                                    NULL);
    g_autoptr(RtxCredential) credential = NULL;
    g_auto(GStrv) assigned = NULL;

    credential = rtx_credentials_create (vault, "gui-env", "env_var",
                                         json_node_get_object (payload), NULL, &test_actor,
                                         &error);
    g_assert_no_error (error);
    /* As showing the page again does. */
    _rtx_local_apps_page_rebuild_now (page_of (fixture));
    sw = _rtx_local_apps_page_get_credential (page_of (fixture), app->id, "gui-env");
    g_assert_nonnull (sw);
    g_assert_false (gtk_switch_get_active (sw));
    gtk_switch_set_active (sw, TRUE);
    assigned = rtx_local_apps_list_credentials (apps, app->id, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstrv (assigned, ((const char *[]) { "gui-env", NULL }));
  }
}

static void
fill (GtkWidget  *dialog,
      const char *field,
      const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), field)), text);
}

/* Add: the form becomes an app, with its arguments split as a shell would; a bad port is
 * refused and nothing is added. */
static void
test_add_dialog (GuiFixture    *fixture,
                 gconstpointer  data)
{
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));
  RtxLocalApps *apps = rtx_runtime_get_local_apps (runtime);
  g_autoptr(GPtrArray) list = NULL;
  RtxLocalApp *app;
  GtkWidget *dialog;

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page_of (fixture)));
  rtx_gui_test_iterate (100);

  rtx_gui_test_click (_rtx_local_apps_page_get_add_button (page_of (fixture)));
  dialog = _rtx_local_apps_page_get_edit_dialog (page_of (fixture));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  fill (dialog, "name", "Typed app");
  fill (dialog, "port", "99999");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "save");
  rtx_gui_test_iterate (100);
  list = rtx_local_apps_list (apps, NULL);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  rtx_gui_test_click (_rtx_local_apps_page_get_add_button (page_of (fixture)));
  dialog = _rtx_local_apps_page_get_edit_dialog (page_of (fixture));
  fill (dialog, "name", "Typed app");
  fill (dialog, "command", "/usr/bin/env");
  fill (dialog, "args", "node 'my server.js' --flag");
  fill (dialog, "working_dir", "/tmp");
  fill (dialog, "port", "8181");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "save");
  rtx_gui_test_iterate (100);

  list = rtx_local_apps_list (apps, NULL);
  g_assert_cmpuint (list->len, ==, 1);
  app = g_ptr_array_index (list, 0);
  g_assert_cmpstr (app->name, ==, "Typed app");
  g_assert_cmpstr (app->command, ==, "/usr/bin/env");
  g_assert_cmpstrv (app->args, ((const char *[]) { "node", "my server.js", "--flag", NULL }));
  g_assert_cmpstr (app->working_dir, ==, "/tmp");
  g_assert_cmpuint (app->port, ==, 8181);
  g_assert_nonnull (wait_row_subtitle (fixture, app->id, "Stopped"));
}

int
main (int    argc,
      char **argv)
{
  if (!rtx_gui_test_init (&argc, &argv)) {
    g_test_skip ("No display");
    return 77;
  }

  g_test_add ("/rtx/gui/local-apps-page/run-and-stop", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_run_and_stop, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/local-apps-page/add-dialog", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_add_dialog, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/local-apps-page/permission-switch", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_permission_switch, rtx_gui_fixture_teardown);

  return g_test_run ();
}
