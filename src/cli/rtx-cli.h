/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of the command line. */
#define RTX_EXIT_OK      0
#define RTX_EXIT_FAILURE 1
#define RTX_EXIT_USAGE   2

/**
 * RtxGuiOptions:
 * @data_dir: (nullable): --data-dir, or %NULL for the default
 * @port: --port, or -1 when not given (the app then uses its setting)
 * @service: started by D-Bus activation (--gapplication-service): no window unless asked
 */
typedef struct {
  const char *data_dir;
  int         port;
  gboolean    service;
} RtxGuiOptions;

/* The desktop app's entry, given by main.c when the GUI is built, so this library needs no GTK. */
typedef int (*RtxGuiRunner) (const RtxGuiOptions *options);

void rtx_cli_set_gui_runner (RtxGuiRunner runner);
int rtx_cli_main      (int    argc,
                       char **argv);
int rtx_cli_keys_main (int    argc,
                       char **argv);
int rtx_cli_serve     (const char *data_dir,
                       int         port);

G_END_DECLS
