/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-access.h"
#include "rtx-api-key.h"
#include "rtx-error.h"
#include "rtx-handlers.h"

/* The SDK's platform API, `sdk.api` (local-app-protocol.md §2.2): agents, workspaces, a
 * workspace's threads and a task, at the server's root. Family A: errors are
 * `{"success":false,"error"}` with their status. */

static void
begin_reply (JsonBuilder *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
}

static void
add_time (JsonBuilder *builder,
          gint64       unix_seconds)
{
  g_autofree char *text = rtx_format_timestamp (unix_seconds);

  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, text != NULL ? text : "");
}

static void
finish_reply (RtxRequest  *req,
              JsonBuilder *builder)
{
  g_autoptr(JsonNode) body = NULL;

  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_agents (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(GPtrArray) agents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  agents = rtx_agents_list (rtx_runtime_get_agents (runtime), &error);
  if (agents == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  begin_reply (builder);
  json_builder_set_member_name (builder, "agents");
  json_builder_begin_array (builder);
  for (guint i = 0; i < agents->len; i++)
    json_builder_add_value (builder, rtx_agent_to_json (g_ptr_array_index (agents, i)));
  json_builder_end_array (builder);
  finish_reply (req, builder);
}

static void
add_workspace (JsonBuilder        *builder,
               const RtxWorkspace *ws)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, ws->id);
  json_builder_set_member_name (builder, "slug");
  json_builder_add_string_value (builder, ws->slug);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, ws->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "workspace");
  add_time (builder, ws->created_at);
  json_builder_end_object (builder);
}

static void
handle_workspaces (RtxRequest *req)
{
  g_autoptr(GPtrArray) workspaces = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  workspaces = rtx_access_list_workspaces (req, &error);
  if (workspaces == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  begin_reply (builder);
  json_builder_set_member_name (builder, "workspaces");
  json_builder_begin_array (builder);
  for (guint i = 0; i < workspaces->len; i++)
    add_workspace (builder, g_ptr_array_index (workspaces, i));
  json_builder_end_array (builder);
  finish_reply (req, builder);
}

static void
handle_threads (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  ws = rtx_access_get_workspace (req, rtx_request_get_param (req, "slug"), &error);
  if (ws != NULL)
    threads = rtx_threads_list (rtx_runtime_get_threads (runtime), ws->id, &error);
  if (threads == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  begin_reply (builder);
  json_builder_set_member_name (builder, "workspace");
  add_workspace (builder, ws);
  json_builder_set_member_name (builder, "threads");
  json_builder_begin_array (builder);
  for (guint i = 0; i < threads->len; i++) {
    RtxThread *thread = g_ptr_array_index (threads, i);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_int_value (builder, thread->id);
    json_builder_set_member_name (builder, "slug");
    json_builder_add_string_value (builder, thread->slug);
    json_builder_set_member_name (builder, "name");
    json_builder_add_string_value (builder, thread->name);
    add_time (builder, thread->created_at);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  finish_reply (req, builder);
}

/* An app sees the tasks it triggered; a key (development mode) those of its identity. */
static void
handle_task (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  body = rtx_tasks_get_json (rtx_runtime_get_tasks (runtime), rtx_request_get_param (req, "uuid"),
                             rtx_request_get_identity (req), &error);
  if (body == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

const RtxHandlerBinding rtx_handlers_sdk_platform[] = {
  { "sdkListAgents", handle_agents },
  { "sdkListWorkspaces", handle_workspaces },
  { "sdkListThreads", handle_threads },
  { "sdkGetTask", handle_task },
  { NULL, NULL },
};
