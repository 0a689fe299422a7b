/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rtx-gui-resources.h"
#include "rtx-gui-util.h"
#include "rtx-runtime.h"

/* The GUI's templates are in their own resource, registered by hand: a constructor in a static
 * library is dropped by the linker when nothing else in its object file is referenced. */
void
rtx_gui_ensure_resources (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    rtx_gui_register_resource ();
    g_once_init_leave (&done, 1);
  }
}

/**
 * rtx_gui_format_time:
 *
 * Returns: a local date and time for people, such as "26 Nov 2026, 14:02"
 */
char *
rtx_gui_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_seconds <= 0)
    return g_strdup (_("never"));

  utc = g_date_time_new_from_unix_utc (unix_seconds);
  local = g_date_time_to_local (utc);
  /* Translators: a date and time format for g_date_time_format(), e.g. "26 Nov 2026, 14:02". */
  return g_date_time_format (local, _("%-d %b %Y, %H:%M"));
}

char *
rtx_gui_docs_uri (guint16 port)
{
  return g_strdup_printf ("http://127.0.0.1:%u/api/docs", port);
}

static void
on_launched_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_warning ("Could not open the browser: %s", error->message);
}

/* Opens @uri in the person's browser without blocking the main loop. */
void
rtx_gui_open_uri (GtkWidget  *parent,
                  const char *uri)
{
  g_autoptr(GAppLaunchContext) context = NULL;

  if (parent != NULL)
    context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                gtk_widget_get_display (parent)));
  g_app_info_launch_default_for_uri_async (uri, context, NULL, on_launched_cb, NULL);
}

/* Who acts through the GUI: the local operator, on the "gui" surface. */
const RtxActor *
rtx_gui_actor (void)
{
  static RtxActor actor = { NULL, "gui" };

  if (actor.name == NULL)
    actor.name = rtx_runtime_operator_name ();
  return &actor;
}

/* Reports a failed operation in a toast on @widget's window, or on stderr without one. */
void
rtx_gui_show_error (GtkWidget    *widget,
                    const char   *what,
                    const GError *error)
{
  GtkRoot *root = widget != NULL ? gtk_widget_get_root (widget) : NULL;
  g_autofree char *text = g_strdup_printf ("%s: %s", what, error->message);

  if (ADW_IS_PREFERENCES_WINDOW (root)) {
    AdwToast *toast = adw_toast_new (text);

    adw_toast_set_timeout (toast, 8);
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
    return;
  }

  g_printerr ("realtimex-runtime: %s\n", text);
}
