/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bench-frame.h"
#include "rtx-application.h"
#include "rtx-runtime.h"
#include "rtx-settings-window.h"

/*
 * The measured side of the GUI benchmark: the runtime's own RtxApplication (the library the
 * realtimex-runtime program links, with its runtime, server, keyring and tray), on DATA_DIR,
 * which bench/gui/run.sh fills with KEYS keys first; its Settings window opens on API Keys, and
 * the first frame that shows the keys is the one measured.
 */

static void
on_keys_loaded_cb (GtkWidget *window)
{
  bench_content_ready = TRUE;
  gtk_widget_queue_draw (window);
}

/* After the application's own "activate" made the window, before it is drawn. */
static void
on_activated_cb (RtxApplication *app)
{
  GtkWidget *window = rtx_application_get_settings_window (app);

  g_assert (RTX_IS_SETTINGS_WINDOW (window));
  /* The frame that counts shows the keys, which the page reads in a worker thread. */
  bench_content_ready = FALSE;
  g_signal_connect_swapped (rtx_settings_window_get_keys_page (RTX_SETTINGS_WINDOW (window)),
                            "loaded", G_CALLBACK (on_keys_loaded_cb), window);
  bench_watch_window (window, G_APPLICATION (app));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(RtxApplication) app = NULL;

  if (argc < 2) {
    g_printerr ("usage: %s DATA_DIR\n", argv[0]);
    return 2;
  }

  app = rtx_application_new (argv[1], 0, G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activated_cb), NULL);
  argv[1] = NULL;
  return g_application_run (G_APPLICATION (app), 1, argv);
}
