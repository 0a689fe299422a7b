/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean rtx_json_text_read_escape (const char  **p,
                                    const char   *end,
                                    gunichar     *c,
                                    gboolean     *is_text);
void     rtx_json_text_escape      (GString      *out,
                                    const char   *text,
                                    gsize         length);
void     rtx_json_text_unescape    (GString      *out,
                                    const char   *json,
                                    gsize         length);

G_END_DECLS
