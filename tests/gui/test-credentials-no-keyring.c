/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-credentials-page-private.h"
#include "rtx-gui-test-utils.h"
#include "rtx-test-utils.h"

/* Settings > Credentials with no keyring: the test runs on a private bus of its own
 * (GTestDBus) where no Secret Service exists. The page says why nothing can be stored and
 * offers no way to store anything; it does not fall back to a file. */

static void
test_no_keyring (GuiFixture    *fixture,
                 gconstpointer  data)
{
  RtxCredentialsPage *page = RTX_CREDENTIALS_PAGE (
    rtx_settings_window_get_credentials_page (fixture->window));
  GtkWidget *warning = _rtx_credentials_page_get_warning (page);
  GtkWidget *add = _rtx_credentials_page_get_add_button (page);

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page));
  for (guint i = 0; i < 400 && !gtk_widget_is_visible (warning); i++)
    rtx_gui_test_iterate (50);

  g_assert_true (gtk_widget_is_visible (warning));
  g_assert_true (gtk_widget_is_visible (add));
  g_assert_false (gtk_widget_is_sensitive (add));
  /* The action itself is off too, not just its button. */
  gtk_widget_activate_action (GTK_WIDGET (page), "credentials.add", NULL);
  rtx_gui_test_iterate (100);
  g_assert_null (_rtx_credentials_page_get_dialog (page));
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

  g_test_add ("/rtx/gui/credentials-no-keyring/says-why", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_no_keyring, rtx_gui_fixture_teardown);

  status = g_test_run ();
  /* Stopped, not torn down: the registered application keeps its bus connection to the end,
   * and g_test_dbus_down() would wait for it to be finalized. */
  g_test_dbus_stop (bus);
  return status;
}
