/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "rtx-cli.h"
#ifdef HAVE_GUI
#include "rtx-gui-main.h"
#endif

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("realtimex-runtime");

#ifdef HAVE_GUI
  rtx_cli_set_gui_runner (rtx_gui_run);
#endif

  return rtx_cli_main (argc, argv);
}
