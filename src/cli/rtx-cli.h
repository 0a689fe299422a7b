/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of the command line. */
#define RTX_EXIT_OK      0
#define RTX_EXIT_FAILURE 1
#define RTX_EXIT_USAGE   2

int rtx_cli_main      (int    argc,
                       char **argv);
int rtx_cli_keys_main (int    argc,
                       char **argv);
int rtx_cli_serve     (const char *data_dir,
                       int         port);

G_END_DECLS
