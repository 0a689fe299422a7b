/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-body.h"
#include "rtx-chat.h"
#include "rtx-error.h"
#include "rtx-event-stream.h"
#include "rtx-handlers.h"
#include "rtx-reply.h"

/* The chat routes of the standard surface (standard-api.md §2.4, §2.5, §3): blocking and
 * streamed, in a workspace's default history or in a thread. Every envelope and event names
 * the exchange by both `id` and `uuid` (the same value), so that clients of either of
 * AnythingLLM's spellings find it in every event. */

#define MAX_ATTACHMENT_BYTES (8 * 1024 * 1024)

/* ---- Envelopes --------------------------------------------------------------------------- */

static void
add_identity (JsonBuilder *builder,
              const char  *uuid)
{
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, uuid);
}

/* The "abort" envelope, with the standard `success:false` beside it. */
static JsonNode *
abort_envelope (const char *uuid,
                const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  add_identity (builder, uuid);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "abort");
  json_builder_set_member_name (builder, "textResponse");
  json_builder_add_null_value (builder);
  rtx_chat_add_sources_json (builder, NULL);
  json_builder_set_member_name (builder, "close");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
reply_abort (RtxRequest   *req,
             const char   *uuid,
             const GError *error)
{
  guint status = rtx_reply_status_for_error (RTX_SURFACE_STANDARD, error);
  g_autoptr(JsonNode) body = abort_envelope (uuid, rtx_reply_client_message (error, status));

  rtx_request_reply_json (req, status, body);
}

/* The whole-reply envelope (§3.4), also the `finalizeResponseStream` event's base. */
static JsonNode *
reply_envelope (RtxChatOutput *output,
                const char    *type,
                gboolean       with_text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  add_identity (builder, output->uuid);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  if (with_text) {
    json_builder_set_member_name (builder, "textResponse");
    json_builder_add_string_value (builder, output->text);
  }
  rtx_chat_add_sources_json (builder, output->sources);
  json_builder_set_member_name (builder, "close");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  if (g_str_equal (type, "finalizeResponseStream"))
    json_builder_add_boolean_value (builder, FALSE);
  else
    json_builder_add_null_value (builder);
  if (output->chat_id > 0) {
    json_builder_set_member_name (builder, "chatId");
    json_builder_add_int_value (builder, output->chat_id);
  }
  rtx_chat_add_metrics_json (builder, output);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
chunk_event (const char *uuid,
             const char *token,
             gboolean    close)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  add_identity (builder, uuid);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "textResponseChunk");
  json_builder_set_member_name (builder, "textResponse");
  json_builder_add_string_value (builder, token);
  rtx_chat_add_sources_json (builder, NULL);
  json_builder_set_member_name (builder, "close");
  json_builder_add_boolean_value (builder, close);
  json_builder_set_member_name (builder, "error");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---- Reading the request ----------------------------------------------------------------- */

/* A text attachment's content: a data URL or raw base64 (AnythingLLM's two forms). */
static char *
decode_attachment (const char  *content,
                   GError     **error)
{
  const char *comma = NULL;
  g_autofree guchar *bytes = NULL;
  gsize length = 0;

  if (g_str_has_prefix (content, "data:")) {
    comma = strchr (content, ',');
    if (comma == NULL || strstr (content, ";base64") == NULL || strstr (content, ";base64") > comma)
      goto invalid;
    content = comma + 1;
  }

  for (const char *p = content; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=' && !g_ascii_isspace (*p))
      goto invalid;
  }

  bytes = g_base64_decode (content, &length);
  if (!g_utf8_validate ((const char *) bytes, length, NULL) ||
      memchr (bytes, '\0', length) != NULL)
    goto invalid;

  return g_strndup ((const char *) bytes, length);

invalid:
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               _("attachments[].contentString must be base64 (or a base64 data URL) of UTF-8 text"));
  return NULL;
}

static gboolean
read_attachments (JsonObject    *body,
                  RtxChatInput  *input,
                  GError       **error)
{
  JsonNode *node = json_object_get_member (body, "attachments");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    const char *name, *mime, *content;
    g_autofree char *text = NULL;
    g_autofree char *location = NULL;
    RtxSource *source;

    if (!JSON_NODE_HOLDS_OBJECT (item))
      goto invalid;
    name = rtx_body_get_string (json_node_get_object (item), "name");
    mime = rtx_body_get_string (json_node_get_object (item), "mime");
    content = rtx_body_get_string (json_node_get_object (item), "contentString");
    if (name == NULL || mime == NULL || content == NULL || strlen (content) > MAX_ATTACHMENT_BYTES)
      goto invalid;

    /* Images need a multimodal model; none of our providers takes them yet, so they are
     * left out rather than read as text. */
    if (g_str_has_prefix (mime, "image/"))
      continue;

    text = decode_attachment (content, error);
    if (text == NULL)
      return FALSE;
    location = g_strdup_printf ("attachment:%s", name);
    source = rtx_source_new (name, text, location, 1.0);
    source->pinned = TRUE;
    g_ptr_array_add (input->attachments, source);
  }
  return TRUE;

invalid:
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               _("attachments must be an array of {name, mime, contentString}"));
  return FALSE;
}

/* Reads and checks a chat body into an exchange for @ws (and @thread). */
static RtxChatInput *
read_chat (RtxRequest          *req,
           const RtxWorkspace  *ws,
           const RtxThread     *thread,
           GError             **error)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(RtxChatInput) input = NULL;
  JsonNode *message_node;
  const char *message, *mode, *session;

  body = rtx_body_parse_object (req, TRUE, error);
  if (body == NULL)
    return NULL;

  message_node = json_object_get_member (body, "message");
  if (message_node != NULL && !JSON_NODE_HOLDS_NULL (message_node) &&
      rtx_body_get_string (body, "message") == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("message must be a text"));
    return NULL;
  }
  message = rtx_body_get_string (body, "message");
  input = rtx_chat_input_new (ws, message != NULL ? message : "");
  input->reset = rtx_body_get_boolean (body, "reset", FALSE);
  g_strstrip (input->message);

  if (*input->message == '\0' && !input->reset) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("message cannot be empty"));
    return NULL;
  }

  mode = rtx_body_get_string (body, "mode");
  if (json_object_has_member (body, "mode") && !rtx_chat_mode_is_valid (mode)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("mode must be chat, query or automatic"));
    return NULL;
  }
  if (mode != NULL) {
    g_free (input->mode);
    input->mode = g_strdup (mode);
  }

  /* Threads have no sessions (§2.5); elsewhere sessionId picks the history partition. */
  session = rtx_body_get_string (body, "sessionId");
  if (thread == NULL && session != NULL && *session != '\0') {
    if (strlen (session) > 255) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("sessionId must be at most 255 characters"));
      return NULL;
    }
    input->session_id = g_strdup (session);
  }
  input->thread_id = thread != NULL ? thread->id : 0;

  if (!read_attachments (body, input, error))
    return NULL;

  return g_steal_pointer (&input);
}

static gboolean
resolve (RtxRequest     *req,
         gboolean        in_thread,
         RtxWorkspace  **out_ws,
         RtxThread     **out_thread,
         GError        **error)
{
  *out_ws = rtx_access_get_workspace (req, rtx_request_get_param (req, "slug"), error);
  if (*out_ws == NULL)
    return FALSE;
  if (!in_thread)
    return TRUE;

  *out_thread = rtx_access_get_thread (req, (*out_ws)->id,
                                       rtx_request_get_param (req, "threadSlug"), error);
  return *out_thread != NULL;
}

/* ---- Blocking ---------------------------------------------------------------------------- */

typedef struct {
  RtxRequest   *req;
  GCancellable *cancellable;
  gulong        finished_id;
  char         *uuid;
} BlockingCall;

static void
blocking_call_free (BlockingCall *call)
{
  SoupServerMessage *msg = rtx_request_get_message (call->req);

  g_clear_signal_handler (&call->finished_id, msg);
  g_clear_object (&call->cancellable);
  rtx_request_unref (call->req);
  g_free (call->uuid);
  g_free (call);
}

static void
on_blocking_finished_cb (SoupServerMessage *msg,
                         gpointer           user_data)
{
  BlockingCall *call = user_data;

  g_cancellable_cancel (call->cancellable);
}

static void
on_blocking_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  BlockingCall *call = user_data;
  SoupServerMessage *msg = rtx_request_get_message (call->req);
  g_autoptr(RtxChatOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) body = NULL;

  output = rtx_chat_run_finish (result, &error);
  if (g_cancellable_is_cancelled (call->cancellable)) {
    /* The client is gone; nobody to answer. */
    blocking_call_free (call);
    return;
  }

  if (output == NULL) {
    reply_abort (call->req, call->uuid, error);
  } else {
    body = reply_envelope (output, "textResponse", TRUE);
    rtx_request_reply_json (call->req, SOUP_STATUS_OK, body);
  }
  soup_server_message_unpause (msg);
  blocking_call_free (call);
}

static void
run_blocking (RtxRequest   *req,
              RtxChatInput *input)
{
  SoupServerMessage *msg = rtx_request_get_message (req);
  BlockingCall *call = g_new0 (BlockingCall, 1);

  call->req = rtx_request_ref (req);
  call->cancellable = g_cancellable_new ();
  call->uuid = g_strdup (input->uuid);
  call->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_blocking_finished_cb),
                                        call);
  soup_server_message_pause (msg);
  rtx_chat_run_async (rtx_request_get_runtime (req), input, NULL, NULL, call->cancellable,
                      on_blocking_done_cb, call);
}

/* ---- Streaming --------------------------------------------------------------------------- */

typedef struct {
  RtxRequest     *req;
  RtxEventStream *stream;
  char           *uuid;
} StreamCall;

static void
stream_call_free (StreamCall *call)
{
  rtx_request_unref (call->req);
  g_clear_object (&call->stream);
  g_free (call->uuid);
  g_free (call);
}

/* The hot path: the same event as chunk_event(), written without a JsonBuilder, with the
 * piece's escaped text as it came. */
static void
on_stream_token (const RtxLlmToken *token,
                 gpointer           user_data)
{
  static const char type[] = ",\"type\":\"textResponseChunk\",\"textResponse\":\"";
  static const char tail[] = "\",\"sources\":[],\"close\":false,\"error\":false}";
  StreamCall *call = user_data;
  GString *event = rtx_event_stream_begin_data (call->stream);

  if (event == NULL)
    return;
  g_string_append (event, "{\"id\":");
  rtx_json_append_string (event, call->uuid);
  g_string_append (event, ",\"uuid\":");
  rtx_json_append_string (event, call->uuid);
  g_string_append_len (event, type, sizeof type - 1);
  g_string_append_len (event, token->json, token->json_len);
  g_string_append_len (event, tail, sizeof tail - 1);
  rtx_event_stream_end_data (call->stream);
}

static void
on_stream_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  StreamCall *call = user_data;
  g_autoptr(RtxChatOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) event = NULL;

  output = rtx_chat_run_finish (result, &error);
  if (output == NULL) {
    guint status = rtx_reply_status_for_error (RTX_SURFACE_STANDARD, error);

    event = abort_envelope (call->uuid, rtx_reply_client_message (error, status));
    rtx_event_stream_send_json (call->stream, event);
  } else if (output->refused || output->reset_only) {
    /* Refusals and reset confirmations come whole, as `textResponse` (§3.2). */
    event = reply_envelope (output, "textResponse", TRUE);
    rtx_event_stream_send_json (call->stream, event);
  } else {
    g_autoptr(JsonNode) closing = chunk_event (call->uuid, "", TRUE);

    rtx_event_stream_send_json (call->stream, closing);
    event = reply_envelope (output, "finalizeResponseStream", FALSE);
    rtx_event_stream_send_json (call->stream, event);
  }

  rtx_event_stream_close (call->stream);
  stream_call_free (call);
}

static void
run_streaming (RtxRequest   *req,
               RtxChatInput *input)
{
  StreamCall *call = g_new0 (StreamCall, 1);

  call->req = rtx_request_ref (req);
  call->stream = rtx_event_stream_new (rtx_request_get_message (req));
  call->uuid = g_strdup (input->uuid);
  rtx_chat_run_async (rtx_request_get_runtime (req), input, on_stream_token, call,
                      rtx_event_stream_get_cancellable (call->stream), on_stream_done_cb, call);
}

/* ---- Routes ------------------------------------------------------------------------------ */

static void
handle_chat_common (RtxRequest *req,
                    gboolean    in_thread,
                    gboolean    stream)
{
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(RtxThread) thread = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  RtxChatInput *input;

  /* Checks come first, so that a stream only opens for a request that can be answered. */
  if (!resolve (req, in_thread, &ws, &thread, &error)) {
    reply_abort (req, uuid, error);
    return;
  }

  input = read_chat (req, ws, thread, &error);
  if (input == NULL) {
    reply_abort (req, uuid, error);
    return;
  }
  /* A request that only resets the history asks nothing, so no limit stops it. */
  if (*input->message != '\0' && !rtx_access_may_chat (req, &error)) {
    reply_abort (req, input->uuid, error);
    rtx_chat_input_free (input);
    return;
  }
  input->user_id = rtx_access_chat_user (req);

  if (stream)
    run_streaming (req, input);
  else
    run_blocking (req, input);
}

static void
handle_chat (RtxRequest *req)
{
  handle_chat_common (req, FALSE, FALSE);
}

static void
handle_stream_chat (RtxRequest *req)
{
  handle_chat_common (req, FALSE, TRUE);
}

static void
handle_thread_chat (RtxRequest *req)
{
  handle_chat_common (req, TRUE, FALSE);
}

static void
handle_thread_stream_chat (RtxRequest *req)
{
  handle_chat_common (req, TRUE, TRUE);
}

const RtxHandlerBinding rtx_handlers_standard_chat[] = {
  { "chatWorkspace", handle_chat },
  { "streamChatWorkspace", handle_stream_chat },
  { "chatThread", handle_thread_chat },
  { "streamChatThread", handle_thread_stream_chat },
  { NULL, NULL },
};
