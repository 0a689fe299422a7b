/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-thread-task.h"

/* The admin key routes (DESIGN.md §1). The dispatcher has already refused ordinary keys
 * (`x-rtx-admin`) and validated ids and bodies against openapi.json. Creating, rotating and
 * deactivating touch the keyring, which may block, so they run in a worker thread (with its
 * own database connection) while the message is paused; the reply unpauses it. */

typedef JsonNode *(*KeyJobFunc) (RtxRequest  *req,
                                 RtxApiKeys  *keys,
                                 GError     **error);

typedef struct {
  RtxRequest *req;
  KeyJobFunc  func;
} KeyJob;

static void
key_job_free (KeyJob *job)
{
  rtx_request_unref (job->req);
  g_free (job);
}

static void
key_job_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KeyJob *job = task_data;
  RtxApiKeys *keys = rtx_runtime_get_api_keys (rtx_request_get_runtime (job->req));
  GError *error = NULL;
  JsonNode *node = job->func (job->req, keys, &error);

  if (node != NULL)
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
  else
    g_task_return_error (task, error);
}

static void
on_key_job_done_cb (GObject      *source_object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  KeyJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = g_task_propagate_pointer (G_TASK (result), &error);

  if (node != NULL)
    rtx_request_reply_json (job->req, SOUP_STATUS_OK, node);
  else
    rtx_request_reply_gerror (job->req, error);
}

static void
run_key_job (RtxRequest *req,
             KeyJobFunc  func)
{
  g_autoptr(GTask) task = rtx_thread_task_new (NULL, NULL, on_key_job_done_cb, NULL);
  KeyJob *job = g_new0 (KeyJob, 1);

  job->req = rtx_request_ref (req);
  job->func = func;
  g_task_set_task_data (task, job, (GDestroyNotify) key_job_free);
  g_task_set_name (task, "[rtx] admin key job");

  rtx_request_pause (req);
  g_task_run_in_thread (task, key_job_thread);
}

/* The path's {id}, already validated as an integer ≥ 1. */
static gint64
request_key_id (RtxRequest *req)
{
  return g_ascii_strtoll (rtx_request_get_param (req, "id"), NULL, 10);
}

/* The one place a secret enters a response: beside the key it belongs to, once. */
static JsonNode *
key_with_secret (const RtxApiKey *key,
                 const char      *secret)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "apiKey");
  json_builder_add_value (builder, rtx_api_key_to_json (key));
  json_builder_set_member_name (builder, "secret");
  json_builder_add_string_value (builder, secret);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
create_job (RtxRequest  *req,
            RtxApiKeys  *keys,
            GError     **error)
{
  JsonObject *body = json_node_get_object (rtx_request_get_body (req));
  gboolean admin = json_object_get_boolean_member_with_default (body, "admin", FALSE);
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;

  key = rtx_api_keys_create (keys, json_object_get_string_member (body, "name"), admin,
                             rtx_request_get_actor (req), &secret, error);
  if (key == NULL)
    return NULL;

  return key_with_secret (key, secret);
}

static JsonNode *
rotate_job (RtxRequest  *req,
            RtxApiKeys  *keys,
            GError     **error)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;

  key = rtx_api_keys_rotate (keys, request_key_id (req), rtx_request_get_actor (req), &secret,
                             error);
  if (key == NULL)
    return NULL;

  return key_with_secret (key, secret);
}

static JsonNode *
deactivate_job (RtxRequest  *req,
                RtxApiKeys  *keys,
                GError     **error)
{
  gint64 id = request_key_id (req);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(RtxApiKey) key = NULL;

  if (!rtx_api_keys_deactivate (keys, id, rtx_request_get_actor (req), error))
    return NULL;

  key = rtx_api_keys_get (keys, id, error);
  if (key == NULL)
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "apiKey");
  json_builder_add_value (builder, rtx_api_key_to_json (key));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
handle_list_api_keys (RtxRequest *req)
{
  RtxApiKeys *keys = rtx_runtime_get_api_keys (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  list = rtx_api_keys_list (keys, &error);
  if (list == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "apiKeys");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    json_builder_add_value (builder, rtx_api_key_to_json (g_ptr_array_index (list, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_create_api_key (RtxRequest *req)
{
  run_key_job (req, create_job);
}

static void
handle_rotate_api_key (RtxRequest *req)
{
  run_key_job (req, rotate_job);
}

static void
handle_deactivate_api_key (RtxRequest *req)
{
  run_key_job (req, deactivate_job);
}

const RtxHandlerBinding rtx_handlers_standard_admin_keys[] = {
  { "listApiKeys", handle_list_api_keys },
  { "createApiKey", handle_create_api_key },
  { "rotateApiKey", handle_rotate_api_key },
  { "deactivateApiKey", handle_deactivate_api_key },
  { NULL, NULL },
};
