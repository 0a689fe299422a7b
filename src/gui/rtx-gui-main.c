/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-application.h"
#include "rtx-gui-main.h"
#include "rtx-runtime.h"

/**
 * rtx_gui_run:
 *
 * Runs the desktop app. The command line was parsed already, so the application sees no
 * arguments: a second launch only asks the first instance to present its window.
 * RTX_NON_UNIQUE=1 makes the instance non-unique, so that tests running at the same time never
 * become remotes of each other.
 *
 * Returns: the exit status
 */
int
rtx_gui_run (const RtxGuiOptions *options)
{
  g_autoptr(RtxApplication) app = NULL;
  g_autofree char *default_dir = NULL;
  const char *data_dir = options->data_dir;
  GApplicationFlags flags = G_APPLICATION_DEFAULT_FLAGS;
  char *args[] = { (char *) "realtimex-runtime", NULL };
  int status;

  if (data_dir == NULL)
    data_dir = default_dir = rtx_runtime_default_data_dir ();
  if (options->service)
    flags |= G_APPLICATION_IS_SERVICE;
  if (g_strcmp0 (g_getenv ("RTX_NON_UNIQUE"), "1") == 0)
    flags |= G_APPLICATION_NON_UNIQUE;

  app = rtx_application_new (data_dir, options->port, flags);
  rtx_application_set_announce (app, TRUE);
  status = g_application_run (G_APPLICATION (app), 1, args);
  return status != 0 ? status : rtx_application_get_exit_status (app);
}
