/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rtx-request.h"

G_BEGIN_DECLS

JsonObject *rtx_body_parse_object (RtxRequest   *req,
                                   gboolean      required,
                                   GError      **error);
const char *rtx_body_get_string   (JsonObject   *object,
                                   const char   *member);
gboolean    rtx_body_get_boolean  (JsonObject   *object,
                                   const char   *member,
                                   gboolean      fallback);

/* Typed reads that refuse a wrong type with an %RTX_ERROR_INVALID_ARGUMENT naming the field,
 * where a wrong type must be an error rather than "absent". */
gboolean    rtx_body_check_members (JsonObject          *object,
                                    const char * const  *allowed,
                                    GError             **error);
gboolean    rtx_body_read_string   (JsonObject          *object,
                                    const char          *member,
                                    const char         **out_value,
                                    GError             **error);
gboolean    rtx_body_read_boolean  (JsonObject          *object,
                                    const char          *member,
                                    gboolean             accept_0_1,
                                    gboolean            *out_present,
                                    gboolean            *out_value,
                                    GError             **error);
gboolean    rtx_body_read_count    (JsonObject          *object,
                                    const char          *member,
                                    gboolean            *out_present,
                                    gint64              *out_value,
                                    GError             **error);
gboolean    rtx_parse_id           (const char          *text,
                                    gint64              *out_id);

G_END_DECLS
