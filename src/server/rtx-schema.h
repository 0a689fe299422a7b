/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rtx-operation.h"
#include "rtx-router.h"

G_BEGIN_DECLS

gboolean     rtx_schema_validate             (RtxRouter     *router,
                                              JsonNode      *schema,
                                              JsonNode      *value,
                                              const char    *name,
                                              char         **out_field,
                                              GError       **error);
gboolean     rtx_schema_validate_params      (RtxRouter     *router,
                                              RtxOperation  *operation,
                                              GHashTable    *path_params,
                                              GHashTable    *query,
                                              char         **out_field,
                                              GError       **error);
JsonNode    *rtx_schema_request_body         (RtxRouter     *router,
                                              RtxOperation  *operation,
                                              gboolean      *out_required);
JsonObject  *rtx_schema_resolve_object       (RtxRouter     *router,
                                              JsonNode      *node);
gboolean     rtx_schema_keyword_is_supported (const char    *keyword);

G_END_DECLS
