/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "rtx-actor.h"

G_BEGIN_DECLS

void            rtx_gui_ensure_resources (void);
char           *rtx_gui_format_time      (gint64       unix_seconds) G_GNUC_WARN_UNUSED_RESULT;
char           *rtx_gui_docs_uri         (guint16      port) G_GNUC_WARN_UNUSED_RESULT;
void            rtx_gui_open_uri         (GtkWidget   *parent,
                                          const char  *uri);
const RtxActor *rtx_gui_actor            (void);
void            rtx_gui_show_error       (GtkWidget   *widget,
                                          const char  *what,
                                          const GError *error);

G_END_DECLS
