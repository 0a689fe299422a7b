/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-access.h"
#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"

/* Agents on the standard surface: a named prompt with a slug, a description and a default
 * workspace, which the SDK's `/agents` lists and `trigger-agent` webhooks run. Changing them
 * takes a key that manages workspaces (any key in single-user mode). */

static RtxAgents *
agents (RtxRequest *req)
{
  return rtx_runtime_get_agents (rtx_request_get_runtime (req));
}

static void
reply_agent (RtxRequest     *req,
             guint           status,
             const RtxAgent *agent)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "agent");
  json_builder_add_value (builder, rtx_agent_to_json (agent));
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, status, body);
}

static void
handle_list (RtxRequest *req)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  list = rtx_agents_list (agents (req), &error);
  if (list == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "agents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    json_builder_add_value (builder, rtx_agent_to_json (g_ptr_array_index (list, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* An agent's default workspace must be one the caller can see. */
static gboolean
check_workspace (RtxRequest  *req,
                 JsonObject  *body,
                 GError     **error)
{
  const char *slug = rtx_body_get_string (body, "workspaceSlug");
  g_autoptr(RtxWorkspace) ws = NULL;

  if (slug == NULL || *slug == '\0')
    return TRUE;

  ws = rtx_access_get_workspace (req, slug, error);
  return ws != NULL;
}

static void
handle_create (RtxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(RtxAgent) agent = NULL;
  g_autoptr(GError) error = NULL;

  if (rtx_access_manages_workspaces (req, &error)) {
    body = rtx_body_parse_object (req, TRUE, &error);
    if (body != NULL && check_workspace (req, body, &error))
      agent = rtx_agents_create (agents (req), body, &error);
  }
  if (agent == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_agent (req, SOUP_STATUS_OK, agent);
}

static void
handle_update (RtxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(RtxAgent) agent = NULL;
  g_autoptr(GError) error = NULL;

  if (rtx_access_manages_workspaces (req, &error)) {
    body = rtx_body_parse_object (req, TRUE, &error);
    if (body != NULL && check_workspace (req, body, &error))
      agent = rtx_agents_update (agents (req), rtx_request_get_param (req, "slug"), body, &error);
  }
  if (agent == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_agent (req, SOUP_STATUS_OK, agent);
}

static void
handle_delete (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  if (!rtx_access_manages_workspaces (req, &error) ||
      !rtx_agents_delete (agents (req), rtx_request_get_param (req, "slug"), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "Agent deleted");
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

const RtxHandlerBinding rtx_handlers_standard_agents[] = {
  { "listAgents", handle_list },
  { "createAgent", handle_create },
  { "updateAgent", handle_update },
  { "deleteAgent", handle_delete },
  { NULL, NULL },
};
