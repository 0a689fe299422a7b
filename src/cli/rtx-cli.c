/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "rtx-cli.h"
#include "rtx-runtime.h"
#include "rtx-server.h"

static RtxGuiRunner gui_runner;

/**
 * rtx_cli_set_gui_runner:
 *
 * Makes a plain start (no --headless, no subcommand) open the desktop app where there is a
 * display.
 */
void
rtx_cli_set_gui_runner (RtxGuiRunner runner)
{
  gui_runner = runner;
}

static gboolean
have_display (void)
{
  const char *x11 = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");

  return (x11 != NULL && *x11 != '\0') || (wayland != NULL && *wayland != '\0');
}

typedef struct {
  GMainLoop *loop;
  int        signum;
} StopState;

static gboolean
on_stop_signal_cb (gpointer user_data)
{
  StopState *state = user_data;

  g_main_loop_quit (state->loop);
  return G_SOURCE_CONTINUE;
}

/**
 * rtx_cli_serve:
 * @data_dir: (nullable): the data directory, or %NULL for the default
 * @port: the port, 0 for any free one
 *
 * Serves the runtime without a GUI until SIGINT or SIGTERM.
 *
 * Returns: the exit status
 */
int
rtx_cli_serve (const char *data_dir,
               int         port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) runtime = NULL;
  g_autoptr(RtxServer) server = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *default_dir = NULL;
  g_autofree char *url = NULL;
  StopState state = { loop, 0 };
  guint sigint_id, sigterm_id;

  if (data_dir == NULL)
    data_dir = default_dir = rtx_runtime_default_data_dir ();

  runtime = rtx_runtime_new (data_dir, &error);
  if (runtime == NULL) {
    g_printerr (_("realtimex-runtime: %s\n"), error->message);
    return RTX_EXIT_FAILURE;
  }

  server = rtx_server_new (runtime);
  if (!rtx_server_start (server, (guint16) port, &error)) {
    g_printerr (_("realtimex-runtime: %s\n"), error->message);
    return RTX_EXIT_FAILURE;
  }

  /* Scripts read this line to learn the port (with --port 0), so it goes to stdout, flushed. */
  url = g_strdup_printf ("http://127.0.0.1:%u", rtx_server_get_port (server));
  g_print ("Listening on %s\n", url);
  fflush (stdout);
  rtx_app_launcher_set_server_url (rtx_runtime_get_app_launcher (runtime), url);

  sigint_id = g_unix_signal_add (SIGINT, on_stop_signal_cb, &state);
  sigterm_id = g_unix_signal_add (SIGTERM, on_stop_signal_cb, &state);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  /* Quit stops every local app the runtime started. */
  rtx_app_launcher_stop_all (rtx_runtime_get_app_launcher (runtime));
  rtx_server_stop (server);
  g_printerr (_("Stopped.\n"));

  return RTX_EXIT_OK;
}

static gboolean
parse_port (const char  *text,
            int         *port,
            GError     **error)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, 65535, &value, NULL)) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("--port must be a number from 0 to 65535, not “%s”"), text);
    return FALSE;
  }

  *port = (int) value;
  return TRUE;
}

static int
run_main_options (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *port_text = NULL;
  gboolean headless = FALSE;
  gboolean version = FALSE;
  gboolean service = FALSE;
  int port = RTX_SERVER_DEFAULT_PORT;
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &headless,
      N_("Serve without a window (the default where there is no display)"), NULL },
    { "port", 'p', 0, G_OPTION_ARG_STRING, &port_text,
      N_("Port on 127.0.0.1 and ::1 (default 3001; 0 picks a free one)"), N_("PORT") },
    { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Data directory (default $RTX_DATA_DIR or $XDG_DATA_HOME/realtimex-runtime)"),
      N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    /* D-Bus activation starts the app with this (see the .service file). */
    { "gapplication-service", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &service, NULL, NULL },
    { NULL }
  };

  context = g_option_context_new (_("[keys …]"));
  g_option_context_set_summary (context,
    _("Serves your LLM workspaces to your own programs on 127.0.0.1 only.\n\n"
      "Commands:\n"
      "  keys      Create, list, copy, rotate and deactivate API keys (keys --help)"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("realtimex-runtime: %s\n", error->message);
    g_printerr (_("Try “realtimex-runtime --help”.\n"));
    return RTX_EXIT_USAGE;
  }

  if (version) {
    g_print ("realtimex-runtime %s\n", PACKAGE_VERSION);
    return RTX_EXIT_OK;
  }

  if (argc > 1) {
    g_printerr (_("realtimex-runtime: unknown command “%s”\n"), argv[1]);
    g_printerr (_("Try “realtimex-runtime --help”.\n"));
    return RTX_EXIT_USAGE;
  }

  if (port_text != NULL && !parse_port (port_text, &port, &error)) {
    g_printerr ("realtimex-runtime: %s\n", error->message);
    return RTX_EXIT_USAGE;
  }

  if (!headless && gui_runner != NULL && have_display ()) {
    RtxGuiOptions options = { data_dir, port_text != NULL ? port : -1, service };

    return gui_runner (&options);
  }

  return rtx_cli_serve (data_dir, port);
}

/**
 * rtx_cli_main:
 *
 * The command line of the one binary: global options serve the runtime; "keys" manages keys.
 *
 * Returns: the exit status
 */
int
rtx_cli_main (int    argc,
              char **argv)
{
  /* Subcommands are dispatched before option parsing, so that "keys --help" is theirs. */
  for (int i = 1; i < argc; i++) {
    if (g_str_equal (argv[i], "keys"))
      return rtx_cli_keys_main (argc, argv);
    if (argv[i][0] != '-')
      break;
    /* Skip the value of a global option given as a separate argument. */
    if ((g_str_equal (argv[i], "--port") || g_str_equal (argv[i], "-p") ||
         g_str_equal (argv[i], "--data-dir") || g_str_equal (argv[i], "-d")) && i + 1 < argc)
      i++;
  }

  return run_main_options (argc, argv);
}
