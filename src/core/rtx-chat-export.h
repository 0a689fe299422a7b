/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-db.h"

G_BEGIN_DECLS

gboolean  rtx_chat_export_format_is_valid (const char  *format);
GBytes   *rtx_chat_export                 (RtxDb       *db,
                                           const char  *format,
                                           const char **out_content_type,
                                           GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
