/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"
#include "rtx-server.h"

G_BEGIN_DECLS

#define RTX_TYPE_EMBED_ROW (rtx_embed_row_get_type ())
G_DECLARE_FINAL_TYPE (RtxEmbedRow, rtx_embed_row, RTX, EMBED_ROW, AdwExpanderRow)

GtkWidget  *rtx_embed_row_new         (RtxServer      *server,
                                       RtxEmbed       *embed) G_GNUC_WARN_UNUSED_RESULT;
const char *rtx_embed_row_get_uuid    (RtxEmbedRow    *self);
char       *rtx_embed_snippet         (guint16         port,
                                       const char     *uuid) G_GNUC_WARN_UNUSED_RESULT;

/* For the GUI tests, which drive the real widgets. */
GtkWidget     *_rtx_embed_row_get_copy_button   (RtxEmbedRow *self);
GtkSwitch     *_rtx_embed_row_get_enabled       (RtxEmbedRow *self);
AdwEntryRow   *_rtx_embed_row_get_domains       (RtxEmbedRow *self);
GtkSpinButton *_rtx_embed_row_get_day_limit     (RtxEmbedRow *self);
GtkSpinButton *_rtx_embed_row_get_session_limit (RtxEmbedRow *self);
GtkWidget     *_rtx_embed_row_get_delete_button (RtxEmbedRow *self);
GPtrArray     *_rtx_embed_row_get_chat_rows     (RtxEmbedRow *self);

G_END_DECLS
