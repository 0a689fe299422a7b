/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-cli.h"
#include "rtx-extract.h"
#ifdef HAVE_GUI
#include "rtx-gui-main.h"
#endif

int
main (int    argc,
      char **argv)
{
  /* The extraction child (rag/rtx-extract.c): parses one untrusted file under the limits its
   * parent set, and nothing else. */
  if (argc >= 3 && strcmp (argv[1], "--extract") == 0)
    return rtx_extract_child_main (argc, argv);

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
