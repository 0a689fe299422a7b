/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-gui-test-utils.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"
#include "rtx-users-page-private.h"

/* Settings > Users, through its real widgets: turning multi-user mode on, adding a user,
 * changing their role, suspension, daily limit and workspaces, the last administrator kept,
 * and deleting; each checked in the store and, for suspension, on a live /api/v1/auth. */

static const RtxActor test_actor = { "tester", "cli" };

static RtxRuntime *
runtime_of (GuiFixture *fixture)
{
  return rtx_server_get_runtime (rtx_application_get_server (fixture->app));
}

static RtxUsersPage *
page_of (GuiFixture *fixture)
{
  return RTX_USERS_PAGE (rtx_settings_window_get_users_page (fixture->window));
}

/* Rows are rebuilt after each change, so each step looks its row up again, opened. */
static RtxUserRow *
row_of (GuiFixture *fixture,
        const char *username)
{
  RtxUserRow *row = NULL;

  for (guint i = 0; i < 200 && row == NULL; i++) {
    row = _rtx_users_page_find_row (page_of (fixture), username);
    if (row == NULL)
      rtx_gui_test_iterate (25);
  }
  g_assert_nonnull (row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  /* The rows inside are shown once the expander has revealed them, later under load. */
  for (guint i = 0; i < 200 && !gtk_widget_get_mapped (GTK_WIDGET (
         _rtx_user_row_get_suspended (row))); i++)
    rtx_gui_test_iterate (25);
  return row;
}

static RtxUser *
stored (GuiFixture *fixture,
        const char *username)
{
  return rtx_users_find (rtx_runtime_get_users (runtime_of (fixture)), username, NULL);
}

static void
enable_multi_user (GuiFixture *fixture)
{
  GtkWidget *dialog;

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page_of (fixture)));
  rtx_gui_test_iterate (100);
  /* Until the mode is on there is nobody to add. */
  g_assert_false (gtk_widget_is_visible (GTK_WIDGET (_rtx_users_page_get_username_row (
    page_of (fixture)))));

  rtx_gui_test_click (_rtx_users_page_get_enable_button (page_of (fixture)));
  dialog = _rtx_users_page_get_enable_dialog (page_of (fixture));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "username")),
                         "operator");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "enable");
  rtx_gui_test_iterate (100);

  g_assert_true (rtx_users_is_multi_user (rtx_runtime_get_users (runtime_of (fixture)), NULL));
  g_assert_false (gtk_widget_get_visible (_rtx_users_page_get_enable_button (page_of (fixture))));
}

static void
add_user (GuiFixture *fixture,
          const char *username,
          guint       role,
          int         limit)
{
  GtkWidget *add = _rtx_users_page_get_add_button (page_of (fixture));

  gtk_editable_set_text (_rtx_users_page_get_username_row (page_of (fixture)), "A");
  g_assert_false (gtk_widget_get_sensitive (add));
  gtk_editable_set_text (_rtx_users_page_get_username_row (page_of (fixture)), username);
  adw_combo_row_set_selected (_rtx_users_page_get_role_row (page_of (fixture)), role);
  gtk_spin_button_set_value (_rtx_users_page_get_limit (page_of (fixture)), limit);
  rtx_gui_test_click (add);
  rtx_gui_test_iterate (100);
}

static void
test_manage_users (GuiFixture    *fixture,
                   gconstpointer  data)
{
  RtxRuntime *runtime = runtime_of (fixture);
  g_autoptr(RtxWorkspace) alpha = NULL;
  g_autoptr(RtxUser) user = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = rtx_server_get_port (rtx_application_get_server (fixture->app));
  RtxUserRow *row;

  alpha = rtx_workspaces_create (rtx_runtime_get_workspaces (runtime), "Alpha", NULL, &error);
  g_assert_no_error (error);
  enable_multi_user (fixture);
  user = stored (fixture, "operator");
  g_assert_nonnull (user);
  g_assert_cmpstr (user->role, ==, RTX_ROLE_ADMIN);
  g_clear_pointer (&user, rtx_user_free);

  add_user (fixture, "alice", 0, 5);
  user = stored (fixture, "alice");
  g_assert_nonnull (user);
  g_assert_cmpstr (user->role, ==, RTX_ROLE_DEFAULT);
  g_assert_cmpint (user->daily_message_limit, ==, 5);
  g_assert_cmpstr (gtk_editable_get_text (_rtx_users_page_get_username_row (page_of (fixture))),
                   ==, "");
  key = rtx_api_keys_create_for_owner (rtx_runtime_get_api_keys (runtime), "alice's", FALSE,
                                       user->id, &test_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  g_assert_cmpuint (rtx_gui_test_auth_status (port, secret), ==, 200);

  /* Workspace membership, then role, limit and suspension, each as soon as it changes. */
  row = row_of (fixture, "alice");
  gtk_switch_set_active (_rtx_user_row_get_membership (row, "alpha"), TRUE);
  ids = rtx_memberships_workspace_ids (rtx_runtime_get_memberships (runtime), user->id, NULL);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, alpha->id);

  adw_combo_row_set_selected (_rtx_user_row_get_role_row (row_of (fixture, "alice")), 1);
  rtx_gui_test_iterate (100);
  gtk_spin_button_set_value (_rtx_user_row_get_limit (row_of (fixture, "alice")), 7);
  rtx_gui_test_iterate (100);
  g_clear_pointer (&user, rtx_user_free);
  user = stored (fixture, "alice");
  g_assert_cmpstr (user->role, ==, RTX_ROLE_MANAGER);
  g_assert_cmpint (user->daily_message_limit, ==, 7);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row_of (fixture, "alice"))),
                   ==, "Manager · 7 chats a day");

  gtk_switch_set_active (_rtx_user_row_get_suspended (row_of (fixture, "alice")), TRUE);
  rtx_gui_test_iterate (100);
  g_clear_pointer (&user, rtx_user_free);
  user = stored (fixture, "alice");
  g_assert_true (user->suspended);
  /* Her key is refused at once. */
  g_assert_cmpuint (rtx_gui_test_auth_status (port, secret), ==, 403);

  /* The last administrator cannot be demoted: the change is refused and the row shows the
   * stored role again. */
  adw_combo_row_set_selected (_rtx_user_row_get_role_row (row_of (fixture, "operator")), 0);
  rtx_gui_test_iterate (200);
  g_clear_pointer (&user, rtx_user_free);
  user = stored (fixture, "operator");
  g_assert_cmpstr (user->role, ==, RTX_ROLE_ADMIN);
  g_assert_cmpuint (adw_combo_row_get_selected (_rtx_user_row_get_role_row (
    row_of (fixture, "operator"))), ==, 2);

  /* Deleting, after a confirmation. */
  row = row_of (fixture, "alice");
  rtx_gui_test_click (_rtx_user_row_get_delete_button (row));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (g_object_get_data (G_OBJECT (row),
                                                                      "delete-dialog")),
                               "delete");
  rtx_gui_test_iterate (200);
  g_clear_pointer (&user, rtx_user_free);
  user = stored (fixture, "alice");
  g_assert_null (user);
  g_assert_null (_rtx_users_page_find_row (page_of (fixture), "alice"));
  g_assert_nonnull (_rtx_users_page_find_row (page_of (fixture), "operator"));
}

/* Users added elsewhere (the API) show up when the page is shown. */
static void
test_reload_on_show (GuiFixture    *fixture,
                     gconstpointer  data)
{
  RtxUsers *users = rtx_runtime_get_users (runtime_of (fixture));
  g_autoptr(RtxUser) admin = NULL;
  g_autoptr(RtxUser) bob = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (_rtx_users_page_find_row (page_of (fixture), "boss"));
  admin = rtx_users_enable_multi_user (users, "boss", &test_actor, &error);
  g_assert_no_error (error);
  bob = rtx_users_create (users, "bob", RTX_ROLE_MANAGER, 0, "", &test_actor, &error);
  g_assert_no_error (error);

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page_of (fixture)));
  rtx_gui_test_iterate (100);
  g_assert_false (gtk_widget_get_visible (_rtx_users_page_get_enable_button (page_of (fixture))));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row_of (fixture, "boss"))),
                   ==, "Administrator");
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row_of (fixture, "bob"))),
                   ==, "Manager");
}

int
main (int    argc,
      char **argv)
{
  if (!rtx_gui_test_init (&argc, &argv)) {
    g_test_skip ("No display");
    return 77;
  }

  g_test_add ("/rtx/gui/users-page/manage", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_manage_users, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/users-page/reload-on-show", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_reload_on_show, rtx_gui_fixture_teardown);

  return g_test_run ();
}
