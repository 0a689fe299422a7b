/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void rtx_clipboard_copy_secret (GtkWidget  *widget,
                                const char *secret,
                                guint       clear_after_seconds);

G_END_DECLS
