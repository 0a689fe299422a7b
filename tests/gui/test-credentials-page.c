/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-credential-dialog-private.h"
#include "rtx-credentials-page-private.h"
#include "rtx-gui-test-utils.h"
#include "rtx-gui-util.h"
#include "rtx-test-utils.h"

/* Settings > Credentials, driven like a person would, with the real keyring: add a basic-auth
 * credential, reopen the editor (the password is not shown), save without retyping (the
 * stored password is unchanged), change the description alone, delete after confirming. */

static RtxCredentialsPage *
open_page (GuiFixture *fixture)
{
  RtxCredentialsPage *page = RTX_CREDENTIALS_PAGE (
    rtx_settings_window_get_credentials_page (fixture->window));

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page));
  rtx_credentials_page_reload (page);
  rtx_gui_test_wait_signal (page, "loaded");
  rtx_gui_test_iterate (100);
  return page;
}

static RtxCredentials *
vault (GuiFixture *fixture)
{
  RtxServer *server = rtx_application_get_server (fixture->app);

  return rtx_runtime_get_credentials (rtx_server_get_runtime (server));
}

/* The keyring item itself, read without the vault (so without an audit row); NULL if none. */
static JsonObject *
keyring_payload (GuiFixture *fixture,
                 gint64      id)
{
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) text = rtx_secrets_lookup_credential (rtx_runtime_get_secrets (runtime),
                                                             id, &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  if (text == NULL)
    return NULL;
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child)) {
    GtkWidget *found = find_action_button (child, action);

    if (found != NULL)
      return found;
  }
  return NULL;
}

/* No text anywhere in @widget (entries, labels, the rows' own titles) holds @secret. */
static void
assert_not_shown (GtkWidget  *widget,
                  const char *secret)
{
  if (GTK_IS_EDITABLE (widget))
    g_assert_null (strstr (gtk_editable_get_text (GTK_EDITABLE (widget)), secret));
  if (GTK_IS_LABEL (widget))
    g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (widget)), secret));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_not_shown (child, secret);
}

static void
wait_closed (GtkWidget **dialog)
{
  for (guint i = 0; i < 400 && *dialog != NULL && gtk_widget_get_visible (*dialog); i++)
    rtx_gui_test_iterate (50);
  g_assert_true (*dialog == NULL || !gtk_widget_get_visible (*dialog));
}

static RtxCredentialDialog *
click_to_dialog (RtxCredentialsPage *page,
                 GtkWidget          *button)
{
  GtkWidget *dialog;

  rtx_gui_test_click (button);
  dialog = _rtx_credentials_page_get_dialog (page);
  g_assert_true (RTX_IS_CREDENTIAL_DIALOG (dialog));
  rtx_gui_test_iterate (100);
  return RTX_CREDENTIAL_DIALOG (dialog);
}

static void
save_and_wait (RtxCredentialsPage  *page,
               RtxCredentialDialog *dialog,
               gboolean             expect_reload)
{
  GtkWidget *widget = GTK_WIDGET (dialog);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &widget);
  /* The vault works in a thread, so "loaded" cannot come before the wait starts. */
  rtx_gui_test_click (_rtx_credential_dialog_get_save_button (dialog));
  if (expect_reload)
    rtx_gui_test_wait_signal (page, "loaded");
  wait_closed (&widget);
  if (widget != NULL)
    g_object_remove_weak_pointer (G_OBJECT (widget), (gpointer *) &widget);
  rtx_gui_test_iterate (100);
}

static void
test_basic_auth_lifecycle (GuiFixture    *fixture,
                           gconstpointer  data)
{
  RtxCredentialsPage *page = open_page (fixture);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *password = g_strdup_printf ("gui-basic-password-%s", uuid);
  g_autoptr(RtxCredential) stored = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *screenshot = NULL;
  RtxCredentialDialog *dialog;
  AdwMessageDialog *confirm;
  AdwActionRow *row;

  rtx_test_record_secret (password);
  g_assert_false (gtk_widget_is_visible (_rtx_credentials_page_get_warning (page)));
  g_assert_null (_rtx_credentials_page_find_row (page, "proxy-login"));

  /* Add. */
  dialog = click_to_dialog (page, _rtx_credentials_page_get_add_button (page));
  g_assert_false (gtk_widget_is_sensitive (_rtx_credential_dialog_get_save_button (dialog)));
  gtk_editable_set_text (_rtx_credential_dialog_get_name_row (dialog), "proxy-login");
  adw_combo_row_set_selected (_rtx_credential_dialog_get_type_row (dialog),
                              _rtx_credential_dialog_find_type ("basic_auth"));
  gtk_editable_set_text (_rtx_credential_dialog_get_field_row (dialog, "username"), "ada");
  g_assert_false (gtk_widget_is_sensitive (_rtx_credential_dialog_get_save_button (dialog)));
  gtk_editable_set_text (_rtx_credential_dialog_get_field_row (dialog, "password"), password);
  save_and_wait (page, dialog, TRUE);

  row = _rtx_credentials_page_find_row (page, "proxy-login");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Basic authentication");
  assert_not_shown (GTK_WIDGET (fixture->window), password);
  screenshot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "credentials-page.png", NULL);
  rtx_gui_test_screenshot (GTK_WIDGET (fixture->window), screenshot);
  g_clear_pointer (&screenshot, g_free);

  stored = rtx_credentials_get (vault (fixture), "proxy-login", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->type, ==, "basic_auth");
  g_assert_cmpstr (stored->created_by, ==, rtx_gui_actor ()->name);
  payload = keyring_payload (fixture, stored->id);
  g_assert_cmpstr (json_object_get_string_member (payload, "username"), ==, "ada");
  g_assert_cmpstr (json_object_get_string_member (payload, "password"), ==, password);
  g_clear_pointer (&payload, json_object_unref);

  /* Reopen: nothing stored is shown; saving without retyping changes nothing. */
  dialog = click_to_dialog (page, find_action_button (GTK_WIDGET (row), "credentials.edit"));
  g_assert_cmpstr (gtk_editable_get_text (_rtx_credential_dialog_get_field_row (dialog,
                                                                               "password")),
                   ==, "");
  g_assert_cmpstr (gtk_editable_get_text (_rtx_credential_dialog_get_field_row (dialog,
                                                                               "username")),
                   ==, "");
  assert_not_shown (GTK_WIDGET (dialog), password);
  screenshot = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "credential-editor.png", NULL);
  rtx_gui_test_screenshot (GTK_WIDGET (dialog), screenshot);
  g_assert_true (gtk_widget_is_sensitive (_rtx_credential_dialog_get_save_button (dialog)));
  save_and_wait (page, dialog, FALSE);

  payload = keyring_payload (fixture, stored->id);
  g_assert_cmpstr (json_object_get_string_member (payload, "username"), ==, "ada");
  g_assert_cmpstr (json_object_get_string_member (payload, "password"), ==, password);
  g_clear_pointer (&payload, json_object_unref);

  /* Retype the username alone: the password stays as it was. */
  row = _rtx_credentials_page_find_row (page, "proxy-login");
  dialog = click_to_dialog (page, find_action_button (GTK_WIDGET (row), "credentials.edit"));
  gtk_editable_set_text (_rtx_credential_dialog_get_field_row (dialog, "username"), "grace");
  save_and_wait (page, dialog, TRUE);
  payload = keyring_payload (fixture, stored->id);
  g_assert_cmpstr (json_object_get_string_member (payload, "username"), ==, "grace");
  g_assert_cmpstr (json_object_get_string_member (payload, "password"), ==, password);
  g_clear_pointer (&payload, json_object_unref);

  /* Delete, after confirming. Cancelling first keeps it. */
  row = _rtx_credentials_page_find_row (page, "proxy-login");
  rtx_gui_test_click (find_action_button (GTK_WIDGET (row), "credentials.delete"));
  confirm = ADW_MESSAGE_DIALOG (_rtx_credentials_page_get_dialog (page));
  g_assert_true (ADW_IS_MESSAGE_DIALOG (confirm));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (confirm), "proxy-login"));
  adw_message_dialog_response (confirm, "cancel");
  rtx_gui_test_iterate (200);
  payload = keyring_payload (fixture, stored->id);
  g_assert_nonnull (payload);
  g_clear_pointer (&payload, json_object_unref);

  row = _rtx_credentials_page_find_row (page, "proxy-login");
  rtx_gui_test_click (find_action_button (GTK_WIDGET (row), "credentials.delete"));
  confirm = ADW_MESSAGE_DIALOG (_rtx_credentials_page_get_dialog (page));
  adw_message_dialog_response (confirm, "delete");
  rtx_gui_test_wait_signal (page, "loaded");

  g_assert_null (_rtx_credentials_page_find_row (page, "proxy-login"));
  payload = keyring_payload (fixture, stored->id);
  g_assert_null (payload);
  g_assert_null (rtx_credentials_get (vault (fixture), "proxy-login", NULL));
}

/* A name the vault refuses: the editor says why and stays open; nothing is stored. */
static void
test_refused_input_stays_open (GuiFixture    *fixture,
                               gconstpointer  data)
{
  RtxCredentialsPage *page = open_page (fixture);
  RtxCredentialDialog *dialog = click_to_dialog (page, _rtx_credentials_page_get_add_button (page));
  GtkWidget *error_row = _rtx_credential_dialog_get_error_row (dialog);
  g_autoptr(GPtrArray) list = NULL;

  gtk_editable_set_text (_rtx_credential_dialog_get_name_row (dialog), "has space");
  adw_combo_row_set_selected (_rtx_credential_dialog_get_type_row (dialog),
                              _rtx_credential_dialog_find_type ("bearer"));
  gtk_editable_set_text (_rtx_credential_dialog_get_field_row (dialog, "token"), "tok");
  g_assert_null (_rtx_credential_dialog_get_field_row (dialog, "username"));
  rtx_gui_test_click (_rtx_credential_dialog_get_save_button (dialog));

  for (guint i = 0; i < 400 && !gtk_widget_get_visible (error_row); i++)
    rtx_gui_test_iterate (50);
  g_assert_true (gtk_widget_get_visible (error_row));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_true (gtk_widget_is_sensitive (_rtx_credential_dialog_get_save_button (dialog)));

  list = rtx_credentials_list (vault (fixture), NULL);
  g_assert_cmpuint (list->len, ==, 0);
  gtk_window_close (GTK_WINDOW (dialog));
}

int
main (int    argc,
      char **argv)
{
  if (!rtx_gui_test_init (&argc, &argv))
    return 77;

  g_test_add ("/rtx/gui/credentials/basic-auth-lifecycle", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_basic_auth_lifecycle, rtx_gui_fixture_teardown);
  g_test_add ("/rtx/gui/credentials/refused-input-stays-open", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_refused_input_stays_open, rtx_gui_fixture_teardown);

  return g_test_run ();
}
