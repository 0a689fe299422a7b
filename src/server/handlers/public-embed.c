/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-body.h"
#include "rtx-chat.h"
#include "rtx-error.h"
#include "rtx-event-stream.h"
#include "rtx-handlers.h"
#include "rtx-reply.h"

/* The public widget routes (standard-api.md §7): no key; an embed answers only to the pages of
 * its allowlisted origins. A page's own script calls with its `Origin`; the runtime's chat
 * frame, served from the runtime's own origin, names the page that frames it in
 * `X-Embed-Parent-Origin` (its frame-ancestors policy keeps it out of every other page). The
 * server's Origin guard has already refused (401) a page not on the allowlist and given the
 * CORS answer (the exact origin, `Vary: Origin`, never `*`) through
 * rtx_embed_origin_is_allowed(); the handlers check the allowlist again for the frame's
 * parent page. */

#define MAX_MESSAGE_CHARS 20000
#define PARENT_ORIGIN_HEADER "X-Embed-Parent-Origin"
/* The same words as the server's Origin guard, which refuses a foreign page first. */
#define NOT_ALLOWED "This website is not allowed to use this chat"

static gboolean
origin_is_own (RtxRequest *req,
               const char *origin)
{
  guint16 port = rtx_server_get_port (rtx_request_get_server (req));
  const char *hosts[] = { "127.0.0.1", "localhost", "[::1]" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++) {
    g_autofree char *own = g_strdup_printf ("http://%s:%u", hosts[i], port);

    if (g_strcmp0 (origin, own) == 0)
      return TRUE;
  }

  return FALSE;
}

/* The page that speaks: a foreign `Origin` itself, or for the runtime's own frame the page
 * that frames it. Returns: (transfer none) (nullable) */
static const char *
page_origin (RtxRequest *req,
             gboolean   *out_foreign)
{
  SoupMessageHeaders *headers =
    soup_server_message_get_request_headers (rtx_request_get_message (req));
  const char *origin = soup_message_headers_get_list (headers, "Origin");

  *out_foreign = origin != NULL && !origin_is_own (req, origin);
  if (*out_foreign)
    return origin;

  return soup_message_headers_get_list (headers, PARENT_ORIGIN_HEADER);
}

/**
 * rtx_embed_origin_is_allowed:
 * @embed_id: the id in the path, not yet checked
 * @origin: a foreign `Origin`
 *
 * The server's Origin guard asks this before any handler of `/api/embed/<id>/...` runs; it
 * then gives the only CORS answers of the server (the exact origin, `Vary: Origin`), preflight
 * included.
 *
 * Returns: %TRUE when @origin is on the allowlist of an existing embed @embed_id
 */
gboolean
rtx_embed_origin_is_allowed (RtxRuntime *runtime,
                             const char *embed_id,
                             const char *origin)
{
  g_autoptr(RtxEmbed) embed = NULL;

  if (!rtx_uuid_is_valid (embed_id))
    return FALSE;
  embed = rtx_embeds_get (rtx_runtime_get_embeds (runtime), embed_id, NULL);
  return embed != NULL && rtx_embed_allows_origin (embed, origin);
}

/* Finds the embed and checks the page's origin against its allowlist; replies and returns
 * %NULL when the request goes no further. */
static RtxEmbed *
open_embed (RtxRequest *req,
            gboolean    require_enabled,
            char      **out_host)
{
  RtxEmbeds *embeds = rtx_runtime_get_embeds (rtx_request_get_runtime (req));
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(GError) error = NULL;
  gboolean foreign = FALSE;
  const char *origin;

  embed = rtx_embeds_get (embeds, rtx_request_get_param (req, "embedId"), &error);
  if (embed == NULL) {
    rtx_request_reply_gerror (req, error);
    return NULL;
  }

  origin = page_origin (req, &foreign);
  if (!rtx_embed_allows_origin (embed, origin)) {
    rtx_request_reply_error (req, SOUP_STATUS_UNAUTHORIZED, NOT_ALLOWED);
    return NULL;
  }

  if (require_enabled && !embed->enabled) {
    rtx_request_reply_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE,
                             "This chat is not available right now.");
    return NULL;
  }

  if (out_host != NULL)
    *out_host = g_strdup (origin);
  return g_steal_pointer (&embed);
}

static gboolean
require_session (RtxRequest  *req,
                 const char  *session_id)
{
  if (rtx_uuid_is_valid (session_id))
    return TRUE;

  rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "sessionId must be a UUID string.");
  return FALSE;
}

/* ---- Preflight --------------------------------------------------------------------------- */

static void
handle_preflight (RtxRequest *req)
{
  SoupServerMessage *msg = rtx_request_get_message (req);
  SoupMessageHeaders *headers;
  g_autoptr(RtxEmbed) embed = open_embed (req, FALSE, NULL);

  if (embed == NULL)
    return;

  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "GET, POST, DELETE");
  soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "Content-Type");
  soup_message_headers_replace (headers, "Access-Control-Max-Age", "600");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
}

/* ---- Streamed chat ----------------------------------------------------------------------- */

typedef struct {
  RtxRequest     *req;
  RtxEmbed       *embed;
  RtxEventStream *stream;
  char           *uuid;
  char           *session_id;
  char           *prompt;
  char           *host;
  char           *username;
} EmbedCall;

static void
embed_call_free (EmbedCall *call)
{
  rtx_request_unref (call->req);
  rtx_embed_free (call->embed);
  g_clear_object (&call->stream);
  g_free (call->uuid);
  g_free (call->session_id);
  g_free (call->prompt);
  g_free (call->host);
  g_free (call->username);
  g_free (call);
}

/* §3.2's chunk, with `sources` always empty: the widget never receives them. */
static void
send_event (EmbedCall  *call,
            const char *type,
            const char *text,
            gboolean    close,
            const char *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) event = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, call->uuid);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "textResponse");
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "sources");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "close");
  json_builder_add_boolean_value (builder, close);
  json_builder_set_member_name (builder, "error");
  if (error != NULL)
    json_builder_add_string_value (builder, error);
  else
    json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  event = json_builder_get_root (builder);
  rtx_event_stream_send_json (call->stream, event);
}

static void
on_token (const RtxLlmToken *token,
          gpointer           user_data)
{
  g_autofree char *text = rtx_llm_token_dup_text (token);

  send_event (user_data, "textResponseChunk", text, FALSE, NULL);
}

static void
on_chat_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  EmbedCall *call = user_data;
  RtxEmbeds *embeds = rtx_runtime_get_embeds (rtx_request_get_runtime (call->req));
  g_autoptr(RtxChatOutput) output = NULL;
  g_autoptr(GError) error = NULL;

  output = rtx_chat_run_finish (result, &error);
  if (output == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_warning ("Embed chat failed: %s", error->message);
    send_event (call, "abort", NULL, TRUE, "The chat could not answer; try again later.");
  } else {
    if (rtx_embeds_add_exchange (embeds, call->embed, call->session_id, call->prompt,
                                 output->text, call->host, call->username, &error) == 0)
      g_warning ("Could not store an embed chat: %s", error->message);
    /* A refusal comes whole; a streamed answer already went out in pieces. */
    if (output->refused)
      send_event (call, "textResponse", output->text, TRUE, NULL);
    else
      send_event (call, "textResponseChunk", "", TRUE, NULL);
  }

  rtx_event_stream_close (call->stream);
  embed_call_free (call);
}

/* The stored exchanges of the session, as the conversation so far. */
static GPtrArray *
history_messages (RtxRequest     *req,
                  const RtxEmbed *embed,
                  const char     *session_id)
{
  RtxEmbeds *embeds = rtx_runtime_get_embeds (rtx_request_get_runtime (req));
  g_autoptr(GPtrArray) exchanges = NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_llm_message_free);

  exchanges = rtx_embeds_list_exchanges (embeds, embed, session_id, TRUE,
                                         (guint) embed->message_limit, NULL);
  for (guint i = 0; exchanges != NULL && i < exchanges->len; i++) {
    RtxEmbedExchange *exchange = g_ptr_array_index (exchanges, i);

    g_ptr_array_add (messages, rtx_llm_message_new ("user", exchange->prompt));
    g_ptr_array_add (messages, rtx_llm_message_new ("assistant", exchange->text));
  }

  return messages;
}

static gboolean
read_string (JsonObject  *body,
             const char  *name,
             gsize        max_chars,
             const char **out_value,
             GError     **error)
{
  if (!rtx_body_read_string (body, name, out_value, error))
    return FALSE;

  if (*out_value != NULL && g_utf8_strlen (*out_value, -1) > (glong) max_chars) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "“%s” is too long.", name);
    return FALSE;
  }

  return TRUE;
}

/* The overrides the embed allows; the others are ignored, as in AnythingLLM. */
static gboolean
apply_overrides (JsonObject     *body,
                 const RtxEmbed *embed,
                 RtxChatInput   *input,
                 GError        **error)
{
  const char *prompt = NULL, *model = NULL;
  JsonNode *temperature = json_object_get_member (body, "temperature");

  if (!read_string (body, "prompt", 10000, &prompt, error) ||
      !read_string (body, "model", 200, &model, error))
    return FALSE;

  if (temperature != NULL && !JSON_NODE_HOLDS_NULL (temperature)) {
    GType type = json_node_get_value_type (temperature);
    double value = type == G_TYPE_DOUBLE || type == G_TYPE_INT64
                   ? json_node_get_double (temperature) : NAN;

    if (!(value >= 0.0 && value <= 2.0)) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                           "“temperature” is a number from 0 to 2.");
      return FALSE;
    }
    if (embed->allow_temperature_override)
      input->temperature = value;
  }

  if (prompt != NULL && *prompt != '\0' && embed->allow_prompt_override)
    input->system_prompt = g_strdup (prompt);
  if (model != NULL && *model != '\0' && embed->allow_model_override) {
    g_free (input->workspace->chat_model);
    input->workspace->chat_model = g_strdup (model);
  }

  return TRUE;
}

static RtxChatInput *
read_chat (RtxRequest      *req,
           const RtxEmbed  *embed,
           const char     **out_session,
           const char     **out_username,
           JsonObject     **out_body,
           GError         **error)
{
  static const char * const allowed[] = {
    "sessionId", "message", "prompt", "model", "temperature", "username", NULL,
  };
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(JsonObject) body = rtx_body_parse_object (req, TRUE, error);
  g_autoptr(RtxWorkspace) workspace = NULL;
  g_autoptr(RtxChatInput) input = NULL;
  JsonNode *session;
  const char *message = NULL;

  if (body == NULL || !rtx_body_check_members (body, allowed, error))
    return NULL;

  /* CVE-2024-8251: {"sessionId":{"not":"a"}} reached a database filter. Only a UUID string
   * goes anywhere here. */
  session = json_object_get_member (body, "sessionId");
  if (session == NULL || json_node_get_value_type (session) != G_TYPE_STRING ||
      !rtx_uuid_is_valid (json_node_get_string (session))) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "sessionId must be a UUID string.");
    return NULL;
  }

  if (!read_string (body, "message", MAX_MESSAGE_CHARS, &message, error) ||
      !read_string (body, "username", 100, out_username, error))
    return NULL;
  if (message == NULL || message[strspn (message, " \t\r\n")] == '\0') {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "Send a message.");
    return NULL;
  }

  workspace = rtx_workspaces_get_by_id (rtx_runtime_get_workspaces (runtime),
                                        embed->workspace_id, error);
  if (workspace == NULL)
    return NULL;

  input = rtx_chat_input_new (workspace, message);
  g_free (input->mode);
  input->mode = g_strdup (embed->chat_mode);
  input->no_store = TRUE;
  input->messages = history_messages (req, embed, json_node_get_string (session));
  if (!apply_overrides (body, embed, input, error))
    return NULL;

  *out_session = json_node_get_string (session);
  *out_body = g_steal_pointer (&body);
  return g_steal_pointer (&input);
}

static void
handle_stream_chat (RtxRequest *req)
{
  RtxEmbeds *embeds = rtx_runtime_get_embeds (rtx_request_get_runtime (req));
  g_autoptr(RtxEmbed) embed = NULL;
  g_autoptr(RtxChatInput) input = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  const char *session_id = NULL, *username = NULL;
  EmbedCall *call;

  embed = open_embed (req, TRUE, &host);
  if (embed == NULL)
    return;

  input = read_chat (req, embed, &session_id, &username, &body, &error);
  if (input == NULL || !rtx_embeds_check_limits (embeds, embed, session_id, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  call = g_new0 (EmbedCall, 1);
  call->req = rtx_request_ref (req);
  call->uuid = g_strdup (input->uuid);
  call->session_id = g_strdup (session_id);
  call->prompt = g_strdup (input->message);
  call->host = g_steal_pointer (&host);
  call->username = g_strdup (username);
  call->embed = g_steal_pointer (&embed);
  call->stream = rtx_event_stream_new (rtx_request_get_message (req));
  rtx_chat_run_async (rtx_request_get_runtime (req), g_steal_pointer (&input), on_token, call,
                      rtx_event_stream_get_cancellable (call->stream), on_chat_done_cb, call);
}

/* ---- History and reset ------------------------------------------------------------------- */

static void
handle_history (RtxRequest *req)
{
  RtxEmbeds *embeds = rtx_runtime_get_embeds (rtx_request_get_runtime (req));
  const char *session_id = rtx_request_get_param (req, "sessionId");
  g_autoptr(RtxEmbed) embed = open_embed (req, FALSE, NULL);
  g_autoptr(GPtrArray) exchanges = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  if (embed == NULL || !require_session (req, session_id))
    return;

  exchanges = rtx_embeds_list_exchanges (embeds, embed, session_id, TRUE, 0, &error);
  if (exchanges == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  /* AnythingLLM's history shape, without sources. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  for (guint i = 0; i < exchanges->len; i++) {
    RtxEmbedExchange *exchange = g_ptr_array_index (exchanges, i);
    g_autofree char *sent = rtx_format_timestamp (exchange->created_at);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "role");
    json_builder_add_string_value (builder, "user");
    json_builder_set_member_name (builder, "content");
    json_builder_add_string_value (builder, exchange->prompt);
    json_builder_set_member_name (builder, "sentAt");
    json_builder_add_string_value (builder, sent);
    json_builder_end_object (builder);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "role");
    json_builder_add_string_value (builder, "assistant");
    json_builder_set_member_name (builder, "content");
    json_builder_add_string_value (builder, exchange->text);
    json_builder_set_member_name (builder, "sources");
    json_builder_begin_array (builder);
    json_builder_end_array (builder);
    json_builder_set_member_name (builder, "sentAt");
    json_builder_add_string_value (builder, sent);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_reset (RtxRequest *req)
{
  RtxEmbeds *embeds = rtx_runtime_get_embeds (rtx_request_get_runtime (req));
  const char *session_id = rtx_request_get_param (req, "sessionId");
  g_autoptr(RtxEmbed) embed = open_embed (req, FALSE, NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  if (embed == NULL || !require_session (req, session_id))
    return;

  if (!rtx_embeds_reset_session (embeds, embed, session_id, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

const RtxHandlerBinding rtx_handlers_public_embed[] = {
  { "optionsEmbedStreamChat", handle_preflight },
  { "embedStreamChat", handle_stream_chat },
  { "optionsEmbedSession", handle_preflight },
  { "getEmbedSession", handle_history },
  { "deleteEmbedSession", handle_reset },
  { NULL, NULL },
};
