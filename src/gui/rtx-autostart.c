/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>

#include "rtx-autostart.h"

/*
 * "Start at login" is a desktop entry in $XDG_CONFIG_HOME/autostart, as the XDG Autostart
 * specification has it: the file's presence is the setting, so no GSettings key can disagree.
 */

char *
rtx_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

gboolean
rtx_autostart_is_enabled (void)
{
  g_autofree char *path = rtx_autostart_path ();

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static char *
autostart_entry (void)
{
  /* Started at login, the runtime serves from the tray (or in the background) with no window. */
  return g_strdup_printf ("[Desktop Entry]\n"
                          "Type=Application\n"
                          "Name=%s\n"
                          "Exec=realtimex-runtime --gapplication-service\n"
                          "Icon=" APP_ID "\n"
                          "Terminal=false\n"
                          "X-GNOME-Autostart-enabled=true\n",
                          _("RealTimeX Runtime"));
}

/**
 * rtx_autostart_set_enabled:
 *
 * Writes or removes the autostart entry.
 */
gboolean
rtx_autostart_set_enabled (gboolean   enabled,
                           GError   **error)
{
  g_autofree char *path = rtx_autostart_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *entry = NULL;

  if (!enabled) {
    if (g_unlink (path) != 0 && errno != ENOENT) {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not remove %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
    return TRUE;
  }

  if (g_mkdir_with_parents (dir, 0700) != 0) {
    int saved = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 _("Could not create %s: %s"), dir, g_strerror (saved));
    return FALSE;
  }

  entry = autostart_entry ();
  return g_file_set_contents (path, entry, -1, error);
}
