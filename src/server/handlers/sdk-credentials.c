/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-credentials-async.h"
#include "rtx-error.h"
#include "rtx-handlers.h"

/* Credentials for local apps (DESIGN.md §5). The server has already let in only a production
 * app holding the permission of the route: `credentials.read:<name>` for that very credential,
 * `credentials.list` for the names. API keys never get here (development mode reads no
 * credential). Each read of a payload is audited with the app as the actor. */

static void
reply_vault_error (RtxRequest   *req,
                   const GError *error)
{
  if (g_error_matches (error, RTX_ERROR, RTX_ERROR_KEYRING_UNAVAILABLE) ||
      g_error_matches (error, RTX_ERROR, RTX_ERROR_KEYRING_LOCKED)) {
    rtx_request_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE,
                             _("The keyring that holds the credentials is unavailable or "
                               "locked; try again once it is unlocked."));
    return;
  }

  rtx_request_reply_gerror (req, error);
}

static void
on_read_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredential) credential = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) body = NULL;

  payload = rtx_credentials_read_payload_finish (RTX_CREDENTIALS (source), result, &credential,
                                                 &error);
  if (payload == NULL) {
    reply_vault_error (req, error);
    return;
  }

  json_node_set_object (node, payload);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, credential->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, credential->type);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_value (builder, g_steal_pointer (&node));
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_get (RtxRequest *req)
{
  RtxCredentials *vault = rtx_runtime_get_credentials (rtx_request_get_runtime (req));
  GCancellable *cancellable = rtx_request_pause (req);

  rtx_credentials_read_payload_async (vault, rtx_request_get_param (req, "name"),
                                      rtx_request_get_actor (req), cancellable, on_read_cb,
                                      rtx_request_ref (req));
}

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  list = rtx_credentials_list_finish (RTX_CREDENTIALS (source), result, &error);
  if (list == NULL) {
    reply_vault_error (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "credentials");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++) {
    const RtxCredential *credential = g_ptr_array_index (list, i);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "name");
    json_builder_add_string_value (builder, credential->name);
    json_builder_set_member_name (builder, "type");
    json_builder_add_string_value (builder, credential->type);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_list (RtxRequest *req)
{
  RtxCredentials *vault = rtx_runtime_get_credentials (rtx_request_get_runtime (req));
  GCancellable *cancellable = rtx_request_pause (req);

  rtx_credentials_list_async (vault, cancellable, on_listed_cb, rtx_request_ref (req));
}

const RtxHandlerBinding rtx_handlers_sdk_credentials[] = {
  { "sdkGetCredential", handle_get },
  { "sdkListCredentials", handle_list },
  { NULL, NULL },
};
