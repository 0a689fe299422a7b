/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-api-key.h"
#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-reply.h"
#include "rtx-worker.h"

/* Threads and chat histories of the standard surface (standard-api.md §2.4, §2.5, §3.5).
 * Errors are `{success:false, error, message}`: 404 for an unknown workspace or thread. */

#define DEFAULT_HISTORY_LIMIT 100
#define MAX_HISTORY_LIMIT 10000

static void
reply_error (RtxRequest   *req,
             const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;
  guint status = rtx_reply_status_for_error (RTX_SURFACE_STANDARD, error);
  const char *message = rtx_reply_client_message (error, status);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, status, body);
}

static RtxWorkspace *
get_workspace (RtxRequest  *req,
               GError     **error)
{
  return rtx_access_get_workspace (req, rtx_request_get_param (req, "slug"), error);
}

static JsonNode *
thread_reply (const RtxThread *thread,
              const char      *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "thread");
  json_builder_add_value (builder, rtx_thread_to_json (thread));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* What a worker writes; the workspace was resolved and the body read on the main context. */
typedef struct {
  gint64  workspace_id;
  gint64  user_id;
  char   *thread_slug;
  char   *name;
  char   *new_slug;
} ThreadWrite;

static void
thread_write_free (ThreadWrite *w)
{
  g_free (w->thread_slug);
  g_free (w->name);
  g_free (w->new_slug);
  g_free (w);
}

static JsonNode *
create_in_worker (RtxRequest  *req,
                  gpointer     data,
                  guint       *status,
                  GError     **error)
{
  ThreadWrite *w = data;
  RtxThreads *threads = rtx_runtime_get_threads (rtx_request_get_runtime (req));
  g_autoptr(RtxThread) thread = rtx_threads_create (threads, w->workspace_id, w->user_id,
                                                    w->name, w->new_slug, error);

  return thread != NULL ? thread_reply (thread, _("Thread created")) : NULL;
}

static void
handle_new (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  ThreadWrite *w;

  ws = get_workspace (req, &error);
  if (ws != NULL)
    body = rtx_body_parse_object (req, FALSE, &error);
  if (body == NULL) {
    reply_error (req, error);
    return;
  }

  /* The thread belongs to the key's owner in multi-user mode. A `userId` in the body is
   * ignored: AnythingLLM took it unchecked (§2.5), which let anyone file threads under anyone. */
  w = g_new0 (ThreadWrite, 1);
  w->workspace_id = ws->id;
  w->user_id = rtx_access_chat_user (req);
  w->name = g_strdup (rtx_body_get_string (body, "name"));
  w->new_slug = g_strdup (rtx_body_get_string (body, "slug"));
  rtx_worker_reply (req, create_in_worker, w, (GDestroyNotify) thread_write_free, reply_error);
}

static JsonNode *
rename_in_worker (RtxRequest  *req,
                  gpointer     data,
                  guint       *status,
                  GError     **error)
{
  ThreadWrite *w = data;
  RtxThreads *threads = rtx_runtime_get_threads (rtx_request_get_runtime (req));
  g_autoptr(RtxThread) mine = rtx_access_get_thread (req, w->workspace_id, w->thread_slug, error);
  g_autoptr(RtxThread) thread = NULL;

  if (mine == NULL)
    return NULL;
  thread = rtx_threads_rename (threads, w->workspace_id, w->thread_slug, w->name, error);
  return thread != NULL ? thread_reply (thread, _("Thread updated")) : NULL;
}

static void
handle_update (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  ThreadWrite *w;

  ws = get_workspace (req, &error);
  if (ws != NULL)
    body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL) {
    reply_error (req, error);
    return;
  }

  w = g_new0 (ThreadWrite, 1);
  w->workspace_id = ws->id;
  w->thread_slug = g_strdup (rtx_request_get_param (req, "threadSlug"));
  w->name = g_strdup (rtx_body_get_string (body, "name"));
  rtx_worker_reply (req, rename_in_worker, w, (GDestroyNotify) thread_write_free, reply_error);
}

static JsonNode *
delete_in_worker (RtxRequest  *req,
                  gpointer     data,
                  guint       *status,
                  GError     **error)
{
  ThreadWrite *w = data;
  RtxThreads *threads = rtx_runtime_get_threads (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(RtxThread) mine = NULL;
  g_autoptr(GError) local_error = NULL;

  /* Deleting is idempotent: a thread that is not there, or not the caller's to see, is
   * answered as gone, and another user's thread is left alone. */
  mine = rtx_access_get_thread (req, w->workspace_id, w->thread_slug, &local_error);
  if (mine == NULL && !g_error_matches (local_error, RTX_ERROR, RTX_ERROR_NOT_FOUND)) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return NULL;
  }
  if (mine != NULL && !rtx_threads_delete (threads, w->workspace_id, w->thread_slug, error))
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, _("Thread deleted"));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
handle_delete (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(GError) error = NULL;
  ThreadWrite *w;

  ws = get_workspace (req, &error);
  if (ws == NULL) {
    reply_error (req, error);
    return;
  }

  w = g_new0 (ThreadWrite, 1);
  w->workspace_id = ws->id;
  w->thread_slug = g_strdup (rtx_request_get_param (req, "threadSlug"));
  rtx_worker_reply (req, delete_in_worker, w, (GDestroyNotify) thread_write_free, reply_error);
}

/* One stored exchange as two history entries (§3.5). */
static void
add_history_entries (JsonBuilder   *builder,
                     RtxChatRecord *record)
{
  JsonObject *response = record->response;
  JsonNode *sources = json_object_get_member (response, "sources");
  JsonNode *metrics = json_object_get_member (response, "metrics");
  JsonNode *attachments = json_object_get_member (response, "attachments");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "user");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, record->prompt);
  json_builder_set_member_name (builder, "sentAt");
  json_builder_add_int_value (builder, record->created_at);
  json_builder_set_member_name (builder, "attachments");
  if (attachments != NULL)
    json_builder_add_value (builder, json_node_copy (attachments));
  else {
    json_builder_begin_array (builder);
    json_builder_end_array (builder);
  }
  json_builder_set_member_name (builder, "chatId");
  json_builder_add_int_value (builder, record->id);
  json_builder_end_object (builder);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder,
                                 json_object_get_string_member_with_default (response, "type",
                                                                             "chat"));
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder,
                                 json_object_get_string_member_with_default (response, "text", ""));
  json_builder_set_member_name (builder, "sources");
  if (sources != NULL)
    json_builder_add_value (builder, json_node_copy (sources));
  else {
    json_builder_begin_array (builder);
    json_builder_end_array (builder);
  }
  json_builder_set_member_name (builder, "chatId");
  json_builder_add_int_value (builder, record->id);
  json_builder_set_member_name (builder, "sentAt");
  json_builder_add_int_value (builder, record->created_at);
  json_builder_set_member_name (builder, "feedbackScore");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "metrics");
  if (metrics != NULL)
    json_builder_add_value (builder, json_node_copy (metrics));
  else {
    json_builder_begin_object (builder);
    json_builder_end_object (builder);
  }
  json_builder_end_object (builder);
}

static void
reply_history (RtxRequest             *req,
               const RtxChatPartition *partition,
               guint                   limit,
               gboolean                newest_first)
{
  RtxChats *chats = rtx_runtime_get_chats (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  history = rtx_chats_history (chats, partition, limit, newest_first, &error);
  if (history == NULL) {
    reply_error (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  for (guint i = 0; i < history->len; i++)
    add_history_entries (builder, g_ptr_array_index (history, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static gboolean
parse_limit (const char  *text,
             guint       *out,
             GError     **error)
{
  guint64 value = 0;

  if (text == NULL) {
    *out = DEFAULT_HISTORY_LIMIT;
    return TRUE;
  }
  if (!g_ascii_string_to_unsigned (text, 10, 1, MAX_HISTORY_LIMIT, &value, NULL)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("limit must be a whole number from 1 to %d"), MAX_HISTORY_LIMIT);
    return FALSE;
  }
  *out = (guint) value;
  return TRUE;
}

static void
handle_workspace_chats (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(GError) error = NULL;
  const char *order = rtx_request_get_query (req, "orderBy");
  guint limit = 0;

  ws = get_workspace (req, &error);
  if (ws != NULL && !parse_limit (rtx_request_get_query (req, "limit"), &limit, &error))
    g_clear_pointer (&ws, rtx_workspace_free);
  if (ws != NULL && order != NULL && !g_str_equal (order, "asc") && !g_str_equal (order, "desc")) {
    g_set_error (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("orderBy must be asc or desc"));
    g_clear_pointer (&ws, rtx_workspace_free);
  }
  if (ws == NULL) {
    reply_error (req, error);
    return;
  }

  {
    RtxChatPartition partition = {
      ws->id, 0, rtx_request_get_query (req, "apiSessionId"), rtx_access_chat_user (req),
    };

    reply_history (req, &partition, limit, g_strcmp0 (order, "desc") == 0);
  }
}

static void
handle_thread_chats (RtxRequest *req)
{
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(RtxThread) thread = NULL;
  g_autoptr(GError) error = NULL;

  ws = get_workspace (req, &error);
  if (ws != NULL)
    thread = rtx_access_get_thread (req, ws->id, rtx_request_get_param (req, "threadSlug"),
                                    &error);
  if (thread == NULL) {
    reply_error (req, error);
    return;
  }

  {
    RtxChatPartition partition = { ws->id, thread->id, NULL, rtx_access_chat_user (req) };

    reply_history (req, &partition, MAX_HISTORY_LIMIT, FALSE);
  }
}

const RtxHandlerBinding rtx_handlers_standard_threads[] = {
  { "createThread", handle_new },
  { "updateThread", handle_update },
  { "deleteThread", handle_delete },
  { "getWorkspaceChats", handle_workspace_chats },
  { "getThreadChats", handle_thread_chats },
  { NULL, NULL },
};
