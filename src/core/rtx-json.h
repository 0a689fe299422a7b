/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *rtx_json_to_string      (JsonNode *node,
                               gboolean  pretty) G_GNUC_WARN_UNUSED_RESULT;
char *rtx_json_fix_generated  (char     *text,
                               gsize    *length) G_GNUC_WARN_UNUSED_RESULT;

JsonNode   *rtx_json_node_deep_copy   (JsonNode   *node) G_GNUC_WARN_UNUSED_RESULT;
JsonObject *rtx_json_object_deep_copy (JsonObject *object) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
