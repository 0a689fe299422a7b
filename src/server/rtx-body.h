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

G_END_DECLS
