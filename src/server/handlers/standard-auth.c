/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-handlers.h"

/* The dispatcher has already refused requests without an active key, so reaching this
 * handler is the answer. */
static JsonNode *
build_authenticated (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "authenticated");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The dispatcher has already refused requests without an active key, so reaching this
 * handler is the answer. It is the route clients poll, so the (immutable) body is built once. */
static void
handle_get_auth (RtxRequest *req)
{
  static gsize body = 0;

  if (g_once_init_enter (&body))
    g_once_init_leave (&body, (gsize) build_authenticated ());

  rtx_request_reply_json (req, SOUP_STATUS_OK, (JsonNode *) body);
}

const RtxHandlerBinding rtx_handlers_standard_auth[] = {
  { "getAuth", handle_get_auth },
  { NULL, NULL },
};
