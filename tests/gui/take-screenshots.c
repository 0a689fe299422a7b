/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-api-keys-async.h"
#include "rtx-gui-test-utils.h"
#include "rtx-runtime.h"

/*
 * Takes the README's screenshots of the real windows on the session's X server:
 *   tools/screenshots [OUTDIR]           (runs this inside the private test session)
 * Keys are made through the core first so that the list has something to show; every window
 * is rendered by its own renderer into OUTDIR/<name>.png.
 */

static const RtxActor actor = { "alice", "gui" };

static char *outdir;

static void
shoot (GtkWidget  *window,
       const char *name)
{
  g_autofree char *leaf = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (outdir, leaf, NULL);

  rtx_gui_test_iterate (600);
  rtx_gui_test_screenshot (window, path);
  g_print ("%s\n", path);
}

static gint64
make_key (RtxApiKeys *keys,
          const char *name,
          gboolean    admin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = rtx_api_keys_create (keys, name, admin, &actor, &secret, &error);

  g_assert_no_error (error);
  return key->id;
}

static void
fill (RtxApiKeys *keys)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) rotated = NULL;
  gint64 old;

  make_key (keys, "Ops admin", TRUE);
  old = make_key (keys, "Old laptop", FALSE);
  rtx_api_keys_deactivate (keys, old, &actor, &error);
  g_assert_no_error (error);
  old = make_key (keys, "CI pipeline", FALSE);
  rotated = rtx_api_keys_rotate (keys, old, &actor, &secret, &error);
  g_assert_no_error (error);
  make_key (keys, "Notebook experiments", FALSE);
}

static void
shoot_all (GuiFixture *fixture)
{
  RtxServer *server = rtx_application_get_server (fixture->app);
  RtxApiKeys *keys = rtx_runtime_get_api_keys (rtx_server_get_runtime (server));
  GtkWidget *dialog;
  RtxApiKeyRow *row;

  fill (keys);
  rtx_api_keys_page_reload (fixture->page);
  rtx_gui_test_wait_signal (fixture->page, "loaded");
  shoot (GTK_WIDGET (fixture->window), "api-keys");

  rtx_gui_test_click (_rtx_api_keys_page_get_generate_button (fixture->page));
  dialog = _rtx_api_keys_page_get_dialog (fixture->page);
  gtk_editable_set_text (GTK_EDITABLE (_rtx_key_dialog_get_name_row (RTX_KEY_DIALOG (dialog))),
                         "Home automation");
  shoot (dialog, "new-key-dialog");
  rtx_gui_test_click (_rtx_key_dialog_get_generate_button (RTX_KEY_DIALOG (dialog)));
  rtx_gui_test_wait_page (RTX_KEY_DIALOG (dialog), "result");
  shoot (dialog, "new-key-created");
  gtk_window_close (GTK_WINDOW (dialog));
  rtx_gui_test_iterate (500);

  row = _rtx_api_keys_page_find_row_named (fixture->page, "Notebook experiments", TRUE);
  rtx_gui_test_click (rtx_api_key_row_get_deactivate_button (row));
  dialog = _rtx_api_keys_page_get_dialog (fixture->page);
  shoot (dialog, "deactivate-confirmation");
  gtk_window_close (GTK_WINDOW (dialog));

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
    ADW_PREFERENCES_PAGE (rtx_settings_window_get_server_page (fixture->window)));
  shoot (GTK_WIDGET (fixture->window), "server");
}

static void
shoot_no_keyring (GuiFixture *fixture)
{
  RtxServer *server = rtx_application_get_server (fixture->app);

  make_key (rtx_runtime_get_api_keys (rtx_server_get_runtime (server)), "Shown once", FALSE);
  rtx_api_keys_page_reload (fixture->page);
  rtx_gui_test_wait_signal (fixture->page, "loaded");
  shoot (GTK_WIDGET (fixture->window), "no-keyring");
}

int
main (int    argc,
      char **argv)
{
  GuiFixture fixture = { 0 };
  gboolean no_keyring = argc > 2 && g_str_equal (argv[2], "--no-keyring");
  g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));

  if (argc < 2) {
    g_printerr ("usage: %s OUTDIR [--no-keyring]\n", argv[0]);
    return 2;
  }
  outdir = argv[1];
  g_mkdir_with_parents (outdir, 0755);

  if (no_keyring) {
    /* A private bus with no Secret Service on it; kept until exit. */
    g_test_dbus_up (g_test_dbus_new (G_TEST_DBUS_NONE));
    g_setenv ("DISPLAY", display, TRUE);
  }

  argc = 1;
  if (!rtx_gui_test_init (&argc, &argv))
    return 1;

  rtx_gui_fixture_setup (&fixture, NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 820, 700);
  if (no_keyring)
    shoot_no_keyring (&fixture);
  else
    shoot_all (&fixture);
  rtx_gui_fixture_teardown (&fixture, NULL);
  return 0;
}
