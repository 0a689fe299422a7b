/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"

/* Managing embeds through the API (standard-api.md §2.7); `x-rtx-admin` operations. */

static RtxEmbeds *
get_embeds (RtxRequest *req)
{
  return rtx_runtime_get_embeds (rtx_request_get_runtime (req));
}

static void
reply_embed (RtxRequest     *req,
             const RtxEmbed *embed,
             gboolean        success_form)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (success_form) {
    json_builder_set_member_name (builder, "success");
    json_builder_add_boolean_value (builder, TRUE);
  }
  json_builder_set_member_name (builder, "embed");
  json_builder_add_value (builder, rtx_embed_to_json (embed));
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_list (RtxRequest *req)
{
  g_autoptr(GPtrArray) embeds = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  embeds = rtx_embeds_list (get_embeds (req), &error);
  if (embeds == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "embeds");
  json_builder_begin_array (builder);
  for (guint i = 0; i < embeds->len; i++)
    json_builder_add_value (builder, rtx_embed_to_json (g_ptr_array_index (embeds, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_create (RtxRequest *req)
{
  RtxWorkspaces *workspaces = rtx_runtime_get_workspaces (rtx_request_get_runtime (req));
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(RtxWorkspace) workspace = NULL;
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GError) error = NULL;
  const char *slug = NULL;

  fields = rtx_body_parse_object (req, TRUE, &error);
  if (fields != NULL && rtx_body_read_string (fields, "workspace_slug", &slug, &error)) {
    if (slug == NULL)
      g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                           "“workspace_slug” names the workspace that answers.");
    else
      workspace = rtx_workspaces_get_by_slug (workspaces, slug, &error);
  }

  if (workspace != NULL) {
    json_object_remove_member (fields, "workspace_slug");
    embed = rtx_embeds_create (get_embeds (req), workspace->id, fields,
                               rtx_request_get_actor (req), &error);
  }

  if (embed == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_embed (req, embed, FALSE);
}

static void
handle_update (RtxRequest *req)
{
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GError) error = NULL;

  fields = rtx_body_parse_object (req, TRUE, &error);
  if (fields != NULL)
    embed = rtx_embeds_update (get_embeds (req), rtx_request_get_param (req, "embedUuid"),
                               fields, rtx_request_get_actor (req), &error);
  if (embed == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_embed (req, embed, TRUE);
}

static void
handle_delete (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  if (!rtx_embeds_delete (get_embeds (req), rtx_request_get_param (req, "embedUuid"),
                          rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
reply_chats (RtxRequest *req,
             const char *session_id)
{
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GPtrArray) exchanges = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  if (session_id != NULL && !rtx_uuid_is_valid (session_id)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "A session id is a UUID.");
    return;
  }

  embed = rtx_embeds_get (get_embeds (req), rtx_request_get_param (req, "embedUuid"), &error);
  if (embed != NULL)
    exchanges = rtx_embeds_list_exchanges (get_embeds (req), embed, session_id, FALSE, 0,
                                           &error);
  if (exchanges == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  /* Newest first, as AnythingLLM lists them. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "chats");
  json_builder_begin_array (builder);
  for (guint i = exchanges->len; i > 0; i--)
    json_builder_add_value (builder, rtx_embed_exchange_to_json (g_ptr_array_index (exchanges,
                                                                                    i - 1)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_chats (RtxRequest *req)
{
  reply_chats (req, NULL);
}

static void
handle_session_chats (RtxRequest *req)
{
  reply_chats (req, rtx_request_get_param (req, "sessionUuid"));
}

const RtxHandlerBinding rtx_handlers_standard_embeds[] = {
  { "listEmbeds", handle_list },
  { "createEmbed", handle_create },
  { "updateEmbed", handle_update },
  { "deleteEmbed", handle_delete },
  { "getEmbedChats", handle_chats },
  { "getEmbedSessionChats", handle_session_chats },
  { NULL, NULL },
};
