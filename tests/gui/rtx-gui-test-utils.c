/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "rtx-gui-test-utils.h"
#include "rtx-test-utils.h"

/* The GUI tests drive the real application, windows and widgets on an X server (Xvfb in the
 * test session) with the real keyring, and check what a person would: rows, dialogs, the
 * clipboard, and the keys' effect on a live /api/v1/auth. */

/**
 * rtx_gui_test_init:
 *
 * Returns: %FALSE when there is no display (the caller skips)
 */
gboolean
rtx_gui_test_init (int    *argc,
                   char ***argv)
{
  g_test_init (argc, argv, NULL);
  g_test_set_nonfatal_assertions ();
  return gtk_init_check ();
}

static void
on_done_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

void
rtx_gui_test_wait_signal (gpointer    instance,
                          const char *signal)
{
  gboolean done = FALSE;
  gulong id = g_signal_connect_swapped (instance, signal, G_CALLBACK (on_done_cb), &done);

  rtx_test_wait_for (&done, 20000);
  g_signal_handler_disconnect (instance, id);
}

void
rtx_gui_test_iterate (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, on_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

void
rtx_gui_test_wait_page (RtxKeyDialog *dialog,
                        const char   *page)
{
  for (guint i = 0; i < 400 && g_strcmp0 (_rtx_key_dialog_get_page (dialog), page) != 0; i++)
    rtx_gui_test_iterate (50);
  g_assert_cmpstr (_rtx_key_dialog_get_page (dialog), ==, page);
}

void
rtx_gui_fixture_setup (GuiFixture    *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static guint counter = 0;
  g_autofree char *app_id = g_strdup_printf (APP_ID ".Test%u", ++counter);

  fixture->data_dir = rtx_test_data_dir_new ("gui");
  fixture->app = rtx_application_new (fixture->data_dir, 0, G_APPLICATION_NON_UNIQUE);
  /* Non-unique, and an id of its own: the object paths of one test's app never clash with the
   * next one's in the same process. */
  g_application_set_application_id (G_APPLICATION (fixture->app), app_id);
  g_assert_true (g_application_register (G_APPLICATION (fixture->app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (fixture->app));

  fixture->window = RTX_SETTINGS_WINDOW (rtx_application_get_settings_window (fixture->app));
  g_assert_nonnull (fixture->window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  fixture->page = RTX_API_KEYS_PAGE (rtx_settings_window_get_keys_page (fixture->window));
  rtx_gui_test_wait_signal (fixture->page, "loaded");
  g_assert_true (rtx_server_get_running (rtx_application_get_server (fixture->app)));
}

void
rtx_gui_fixture_teardown (GuiFixture    *fixture,
                          gconstpointer  data)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  rtx_gui_test_iterate (50);
  g_application_release (G_APPLICATION (fixture->app));
  /* A registered GtkApplication keeps a reference of its own (its platform part), so it cannot
   * be finalized here; Quit has already stopped everything it owns that others could see. */
  g_clear_object (&fixture->app);
  g_clear_pointer (&fixture->data_dir, g_free);
}

typedef struct {
  gboolean  done;
  char     *text;
  GError   *error;
} ClipboardRead;

static void
on_clipboard_read_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &read->error);
  read->done = TRUE;
}

/* Reads the clipboard as any program would: through GdkClipboard. NULL when it is empty. */
char *
rtx_gui_test_read_clipboard (GtkWidget *widget)
{
  ClipboardRead read = { 0 };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_clipboard_read_cb,
                                 &read);
  rtx_test_wait_for (&read.done, 10000);
  g_clear_error (&read.error);
  return read.text;
}

typedef struct {
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Exchange;

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

/* GET /api/v1/auth with the key as a Bearer token, as a client program would. */
guint
rtx_gui_test_auth_status (guint16     port,
                          const char *key)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/v1/auth", port);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", key);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  Exchange exchange = { 0 };

  soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb,
                                    &exchange);
  rtx_test_wait_for (&exchange.done, 10000);
  g_assert_no_error (exchange.error);
  g_clear_pointer (&exchange.body, g_bytes_unref);
  return soup_message_get_status (msg);
}

/* A click, as the pointer would give: the widget must be visible, sensitive
 * and on screen, or a person could not click it either. */
void
rtx_gui_test_click (GtkWidget *widget)
{
  g_assert_true (gtk_widget_is_visible (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));
  g_assert_true (gtk_widget_get_mapped (widget));
  /* A button's "activate" (keyboard) only clicks after a 250 ms animation; "clicked" is what
   * both the pointer and, in the end, the keyboard produce. */
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    g_assert_true (gtk_widget_activate (widget));
}

/* Renders @window as it is on screen (through its own renderer) into a PNG. */
void
rtx_gui_test_screenshot (GtkWidget  *window,
                         const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}
