/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-handlers.h"

static void
handle_ping (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "online");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

const RtxHandlerBinding rtx_handlers_public_system[] = {
  { "ping", handle_ping },
  { NULL, NULL },
};
