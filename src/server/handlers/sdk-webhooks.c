/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-body.h"
#include "rtx-chat.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-json.h"

/* `POST /webhooks/realtimex` (local-app-protocol.md §2.4): one route for `sdk.webhook`
 * (trigger-agent, ping; family B) and `sdk.task` (task-start, task-complete, task-fail;
 * family E). Any other event is refused with 400. A task belongs to the identity that
 * triggered it: another app neither reads nor reports on it. */

#define CREATE_NEW_THREAD "create_new"

typedef struct {
  JsonObject *body;
  JsonObject *payload;     /* never NULL: an empty object when absent */
  const char *app_name;
} Webhook;

static void
reply_object (RtxRequest  *req,
              JsonBuilder *builder)
{
  g_autoptr(JsonNode) body = NULL;

  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static JsonBuilder *
begin_success (void)
{
  JsonBuilder *builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  return builder;
}

/* ---- ping -------------------------------------------------------------------------------- */

static void
handle_ping (RtxRequest    *req,
             const Webhook *hook)
{
  const RtxCaller *caller = rtx_request_get_caller (req);
  g_autoptr(JsonBuilder) builder = begin_success ();
  const char *name = hook->app_name;

  if (name == NULL)
    name = caller->app != NULL ? caller->app->name : "Local App";
  add_string (builder, "app_name", name);
  add_string (builder, "message", "Webhook received");
  reply_object (req, builder);
}

/* ---- task-start, task-complete, task-fail ------------------------------------------------ */

static void
handle_task_event (RtxRequest    *req,
                   const Webhook *hook,
                   const char    *status)
{
  RtxTasks *tasks = rtx_runtime_get_tasks (rtx_request_get_runtime (req));
  static const char * const allowed[] = { "task_uuid", "machine_id", "result", "error", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *message = NULL;
  const char *uuid = NULL, *machine = NULL, *failure = NULL;
  JsonNode *result = json_object_get_member (hook->payload, "result");

  if (!rtx_body_check_members (hook->payload, allowed, &error) ||
      !rtx_body_read_string (hook->payload, "task_uuid", &uuid, &error) ||
      !rtx_body_read_string (hook->payload, "machine_id", &machine, &error) ||
      !rtx_body_read_string (hook->payload, "error", &failure, &error))
    goto fail;
  if (uuid == NULL || *uuid == '\0') {
    g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "payload.task_uuid is required");
    goto fail;
  }
  if (result != NULL && !JSON_NODE_HOLDS_OBJECT (result) && !JSON_NODE_HOLDS_NULL (result)) {
    g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "payload.result must be an object");
    goto fail;
  }
  if (g_str_equal (status, "failed") && (failure == NULL || *failure == '\0')) {
    g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "payload.error is required");
    goto fail;
  }

  if (!rtx_tasks_set_status (tasks, uuid, rtx_request_get_identity (req), status,
                             result != NULL && JSON_NODE_HOLDS_OBJECT (result) ? result : NULL,
                             g_str_equal (status, "failed") ? failure : NULL, machine, &error))
    goto fail;

  builder = begin_success ();
  add_string (builder, "task_uuid", uuid);
  add_string (builder, "status", status);
  message = g_strdup_printf ("Task marked as %s", status);
  add_string (builder, "message", message);
  reply_object (req, builder);
  return;

fail:
  rtx_request_reply_gerror (req, error);
}

/* ---- trigger-agent ----------------------------------------------------------------------- */

/* An agent run outlives the webhook's request: it is answered as soon as the run starts. */
typedef struct {
  RtxRuntime *runtime;
  gint64      run_id;
} AgentRun;

static void
on_agent_run_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  AgentRun *run = user_data;
  g_autoptr(RtxChatOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;

  output = rtx_chat_run_finish (result, &error);
  if (!rtx_tasks_finish_run (rtx_runtime_get_tasks (run->runtime), run->run_id,
                             output == NULL ? error->message : NULL, &store_error))
    g_warning ("Could not record the end of an agent run: %s", store_error->message);

  g_object_unref (run->runtime);
  g_free (run);
}

typedef struct {
  const char *agent_name;
  const char *workspace_slug;
  const char *thread_slug;
  const char *prompt;
  gboolean    auto_run;
  JsonNode   *raw_data;
} Trigger;

static gboolean
read_trigger (const Webhook  *hook,
              Trigger        *trigger,
              GError        **error)
{
  static const char * const allowed[] = {
    "raw_data", "auto_run", "agent_name", "workspace_slug", "thread_slug", "prompt", NULL,
  };
  gboolean present;

  memset (trigger, 0, sizeof *trigger);
  if (!rtx_body_check_members (hook->payload, allowed, error) ||
      !rtx_body_read_string (hook->payload, "agent_name", &trigger->agent_name, error) ||
      !rtx_body_read_string (hook->payload, "workspace_slug", &trigger->workspace_slug, error) ||
      !rtx_body_read_string (hook->payload, "thread_slug", &trigger->thread_slug, error) ||
      !rtx_body_read_string (hook->payload, "prompt", &trigger->prompt, error) ||
      !rtx_body_read_boolean (hook->payload, "auto_run", FALSE, &present, &trigger->auto_run,
                              error))
    return FALSE;

  trigger->raw_data = json_object_get_member (hook->payload, "raw_data");
  if (trigger->raw_data != NULL && !JSON_NODE_HOLDS_OBJECT (trigger->raw_data)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "payload.raw_data must be an object");
    return FALSE;
  }

  return TRUE;
}

/* The thread a run writes in: the named one, a new one for `create_new`, or none (the
 * workspace's default history). */
static RtxThread *
resolve_thread (RtxRuntime          *runtime,
                const RtxWorkspace  *ws,
                const RtxAgent      *agent,
                const char          *thread_slug,
                gboolean            *out_ok,
                GError             **error)
{
  RtxThreads *threads = rtx_runtime_get_threads (runtime);
  g_autofree char *name = NULL;
  RtxThread *thread;

  *out_ok = TRUE;
  if (thread_slug == NULL || *thread_slug == '\0')
    return NULL;

  if (g_str_equal (thread_slug, CREATE_NEW_THREAD)) {
    name = g_strdup_printf (_("%s run"), agent->name);
    thread = rtx_threads_create (threads, ws->id, 0, name, NULL, error);
  } else {
    thread = rtx_threads_get (threads, ws->id, thread_slug, error);
  }

  *out_ok = thread != NULL;
  return thread;
}

static char *
run_message (const Trigger *trigger)
{
  g_autofree char *data = trigger->raw_data != NULL ? rtx_json_to_string (trigger->raw_data, TRUE)
                                                    : g_strdup ("{}");
  const char *prompt = trigger->prompt != NULL && *trigger->prompt != '\0'
                       ? trigger->prompt : _("Handle this event.");

  return g_strdup_printf ("%s\n\n%s\n```json\n%s\n```", prompt, _("Event data:"), data);
}

/* Starts the agent's run in @ws; returns the thread's slug (or NULL for the default
 * history) through @out_thread_slug. */
static gboolean
start_run (RtxRequest      *req,
           const char      *task_uuid,
           const RtxAgent  *agent,
           RtxWorkspace    *ws,
           const Trigger   *trigger,
           char           **out_thread_slug,
           GError         **error)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(RtxThread) thread = NULL;
  g_autofree char *message = run_message (trigger);
  RtxChatInput *input;
  AgentRun *run;
  gboolean ok;

  thread = resolve_thread (runtime, ws, agent, trigger->thread_slug, &ok, error);
  if (!ok)
    return FALSE;

  run = g_new0 (AgentRun, 1);
  run->run_id = rtx_tasks_start_run (rtx_runtime_get_tasks (runtime), task_uuid, agent->slug,
                                     ws->slug, thread != NULL ? thread->slug : NULL, error);
  if (run->run_id == 0) {
    g_free (run);
    return FALSE;
  }
  run->runtime = g_object_ref (runtime);

  input = rtx_chat_input_new (ws, message);
  input->thread_id = thread != NULL ? thread->id : 0;
  input->mode = (g_free (input->mode), g_strdup ("chat"));
  if (*agent->system_prompt != '\0')
    input->system_prompt = g_strdup (agent->system_prompt);
  rtx_chat_run_async (runtime, input, NULL, NULL, NULL, on_agent_run_done_cb, run);

  *out_thread_slug = thread != NULL ? g_strdup (thread->slug) : NULL;
  return TRUE;
}

static void
handle_trigger (RtxRequest    *req,
                const Webhook *hook)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxAgent) agent = NULL;
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *task_uuid = NULL;
  g_autofree char *event_uuid = NULL;
  g_autofree char *title = NULL;
  g_autofree char *thread_slug = NULL;
  const char *workspace_slug;
  Trigger trigger;

  if (!read_trigger (hook, &trigger, &error))
    goto fail;

  if (trigger.agent_name != NULL) {
    agent = rtx_agents_get (rtx_runtime_get_agents (runtime), trigger.agent_name, &error);
    if (agent == NULL)
      goto fail;
  }
  workspace_slug = trigger.workspace_slug != NULL ? trigger.workspace_slug
                   : agent != NULL ? agent->workspace_slug : NULL;
  if (trigger.auto_run && (agent == NULL || workspace_slug == NULL)) {
    g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "auto_run requires agent_name and workspace_slug");
    goto fail;
  }
  if (workspace_slug != NULL) {
    ws = rtx_access_get_workspace (req, workspace_slug, &error);
    if (ws == NULL)
      goto fail;
  }

  title = g_strdup_printf ("%s: %s", hook->app_name != NULL ? hook->app_name : "Local App",
                           agent != NULL ? agent->name : _("webhook event"));
  {
    RtxTaskSpec spec = {
      title, rtx_request_get_identity (req), agent != NULL ? agent->slug : NULL,
      ws != NULL ? ws->slug : NULL, trigger.thread_slug, trigger.raw_data,
    };

    if (!rtx_tasks_create (rtx_runtime_get_tasks (runtime), &spec, &task_uuid, &event_uuid,
                           &error))
      goto fail;
  }

  if (trigger.auto_run &&
      !start_run (req, task_uuid, agent, ws, &trigger, &thread_slug, &error)) {
    g_autoptr(GError) ignored = NULL;

    rtx_tasks_set_status (rtx_runtime_get_tasks (runtime), task_uuid, NULL, "failed", NULL,
                          error->message, NULL, &ignored);
    goto fail;
  }

  builder = begin_success ();
  add_string (builder, "task_uuid", task_uuid);
  add_string (builder, "calendar_event_uuid", event_uuid);
  json_builder_set_member_name (builder, "auto_run");
  json_builder_add_boolean_value (builder, trigger.auto_run);
  if (thread_slug != NULL)
    add_string (builder, "thread_slug", thread_slug);
  add_string (builder, "message", trigger.auto_run ? "Task created; the agent is running"
                                                   : "Task created for review");
  reply_object (req, builder);
  return;

fail:
  rtx_request_reply_gerror (req, error);
}

/* ---- The route --------------------------------------------------------------------------- */

static gboolean
read_webhook (RtxRequest  *req,
              Webhook     *hook,
              const char **out_event,
              GError     **error)
{
  static const char * const allowed[] = { "app_id", "app_name", "event", "payload", NULL };
  JsonNode *payload;

  hook->body = rtx_body_parse_object (req, TRUE, error);
  if (hook->body == NULL ||
      !rtx_body_check_members (hook->body, allowed, error) ||
      !rtx_body_read_string (hook->body, "event", out_event, error) ||
      !rtx_body_read_string (hook->body, "app_name", &hook->app_name, error))
    return FALSE;

  if (*out_event == NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "event is required");
    return FALSE;
  }

  payload = json_object_get_member (hook->body, "payload");
  if (payload != NULL && !JSON_NODE_HOLDS_OBJECT (payload) && !JSON_NODE_HOLDS_NULL (payload)) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "payload must be an object");
    return FALSE;
  }
  hook->payload = payload != NULL && JSON_NODE_HOLDS_OBJECT (payload)
                  ? json_object_ref (json_node_get_object (payload)) : json_object_new ();
  return TRUE;
}

static void
handle_webhook (RtxRequest *req)
{
  Webhook hook = { NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;
  const char *event = NULL;

  if (!read_webhook (req, &hook, &event, &error))
    rtx_request_reply_gerror (req, error);
  else if (g_str_equal (event, "trigger-agent"))
    handle_trigger (req, &hook);
  else if (g_str_equal (event, "ping"))
    handle_ping (req, &hook);
  else if (g_str_equal (event, "task-start"))
    handle_task_event (req, &hook, "processing");
  else if (g_str_equal (event, "task-complete"))
    handle_task_event (req, &hook, "completed");
  else if (g_str_equal (event, "task-fail"))
    handle_task_event (req, &hook, "failed");
  else {
    g_autofree char *message = g_strdup_printf ("Unknown event: %s", event);

    g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, message);
    rtx_request_reply_gerror (req, error);
  }

  g_clear_pointer (&hook.payload, json_object_unref);
  g_clear_pointer (&hook.body, json_object_unref);
}

const RtxHandlerBinding rtx_handlers_sdk_webhooks[] = {
  { "sdkWebhook", handle_webhook },
  { NULL, NULL },
};
