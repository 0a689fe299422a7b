/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-clipboard.h"

/*
 * Copying a key puts it on the clipboard for a while only, as password managers do: after the
 * delay the clipboard is emptied, unless something else was copied in the meantime (then it is
 * not ours to clear).
 */

typedef struct {
  GdkClipboard       *clipboard;
  GdkContentProvider *provider;
} PendingClear;

static void
pending_clear_free (PendingClear *pending)
{
  g_clear_object (&pending->clipboard);
  g_clear_object (&pending->provider);
  g_free (pending);
}

static gboolean
on_clear_timeout_cb (gpointer user_data)
{
  PendingClear *pending = user_data;

  if (gdk_clipboard_get_content (pending->clipboard) == pending->provider)
    gdk_clipboard_set_content (pending->clipboard, NULL);

  /* Stolen, not cleared: this source is ending by itself and must not be removed twice. */
  g_object_steal_data (G_OBJECT (pending->clipboard), "rtx-clear-source");
  return G_SOURCE_REMOVE;
}

static void
remove_source (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

/**
 * rtx_clipboard_copy_secret:
 * @widget: a widget whose display's clipboard receives @secret
 * @secret: the key
 * @clear_after_seconds: when to empty the clipboard again
 */
void
rtx_clipboard_copy_secret (GtkWidget  *widget,
                           const char *secret,
                           guint       clear_after_seconds)
{
  GdkClipboard *clipboard;
  PendingClear *pending;
  guint id;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (secret != NULL);

  clipboard = gtk_widget_get_clipboard (widget);
  pending = g_new0 (PendingClear, 1);
  pending->clipboard = g_object_ref (clipboard);
  pending->provider = gdk_content_provider_new_typed (G_TYPE_STRING, secret);
  gdk_clipboard_set_content (clipboard, pending->provider);

  /* A newer copy restarts the delay: the old timeout is removed with the old data. */
  id = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, clear_after_seconds,
                                   on_clear_timeout_cb, pending,
                                   (GDestroyNotify) pending_clear_free);
  g_object_set_data_full (G_OBJECT (clipboard), "rtx-clear-source",
                          GUINT_TO_POINTER (id), remove_source);
}
