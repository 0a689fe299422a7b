/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-gui-test-utils.h"
#include "rtx-test-utils.h"

/* Settings > API Keys with no keyring: the test runs on a private bus of its own (GTestDBus)
 * where no Secret Service exists, as on a machine without one. */

static void
test_no_keyring (GuiFixture    *fixture,
                 gconstpointer  data)
{
  GtkWidget *warning = _rtx_api_keys_page_get_warning (fixture->page);
  GtkWidget *dialog;
  RtxApiKeyRow *row = NULL;
  g_autofree char *key = NULL;
  GtkWidget *copy;

  /* The keyring is asked beside the list, so its answer may come a little later. */
  for (guint i = 0; i < 200 && !gtk_widget_is_visible (warning); i++)
    rtx_gui_test_iterate (50);
  g_assert_true (gtk_widget_is_visible (warning));

  rtx_gui_test_click (_rtx_api_keys_page_get_generate_button (fixture->page));
  dialog = _rtx_api_keys_page_get_dialog (fixture->page);
  g_assert_true (RTX_IS_KEY_DIALOG (dialog));
  rtx_gui_test_iterate (100);
  g_assert_true (gtk_widget_is_visible (_rtx_key_dialog_get_form_warning (RTX_KEY_DIALOG (dialog))));

  gtk_editable_set_text (GTK_EDITABLE (_rtx_key_dialog_get_name_row (RTX_KEY_DIALOG (dialog))),
                         "Shown once");
  rtx_gui_test_click (_rtx_key_dialog_get_generate_button (RTX_KEY_DIALOG (dialog)));
  rtx_gui_test_wait_page (RTX_KEY_DIALOG (dialog), "result");
  rtx_gui_test_iterate (100);

  /* The one chance to copy it works, and the key works. */
  rtx_gui_test_click (_rtx_key_dialog_get_copy_button (RTX_KEY_DIALOG (dialog)));
  key = rtx_gui_test_read_clipboard (GTK_WIDGET (fixture->window));
  g_assert_nonnull (key);
  rtx_test_record_key (key);
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_cmpuint (rtx_gui_test_auth_status (rtx_server_get_port (
                      rtx_application_get_server (fixture->app)), key), ==, 200);

  /* Copy from the list is disabled, with a tooltip that says why. */
  for (guint i = 0; i < 200 && row == NULL; i++) {
    row = _rtx_api_keys_page_find_row_named (fixture->page, "Shown once", TRUE);
    if (row == NULL)
      rtx_gui_test_iterate (50);
  }
  g_assert_nonnull (row);
  copy = rtx_api_key_row_get_copy_button (row);
  g_assert_true (gtk_widget_is_visible (copy));
  g_assert_false (gtk_widget_is_sensitive (copy));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (copy), "keyring"));
}

int
main (int    argc,
      char **argv)
{
  GTestDBus *bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
  int status;

  /* Before anything connects to the session bus. GTestDBus unsets DISPLAY (against X11
   * autolaunch); the X server is still wanted. */
  g_test_dbus_up (bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);

  if (!rtx_gui_test_init (&argc, &argv)) {
    g_test_dbus_stop (bus);
    return 77;
  }

  g_test_add ("/rtx/gui/no-keyring/warning-and-copy", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_no_keyring, rtx_gui_fixture_teardown);

  status = g_test_run ();
  /* Stopped, not torn down: the registered application keeps its bus connection to the end,
   * and g_test_dbus_down() would wait for it to be finalized. */
  g_test_dbus_stop (bus);
  return status;
}
