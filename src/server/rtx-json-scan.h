/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper than this is refused before json-glib 1.6 (which recurses without a limit) sees it. */
#define RTX_JSON_MAX_DEPTH 64

gboolean  rtx_json_scan       (const char  *data,
                               gsize        length,
                               GError     **error);
JsonNode *rtx_json_parse_body (const char  *data,
                               gsize        length,
                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
