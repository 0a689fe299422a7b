/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-access.h"
#include "rtx-body.h"
#include "rtx-chat.h"
#include "rtx-error.h"
#include "rtx-event-stream.h"
#include "rtx-handlers.h"
#include "rtx-llm.h"
#include "rtx-reply.h"

/* The OpenAI-compatible surface (standard-api.md §2.10, with §9's fixes): workspaces are the
 * models; chat completions whole and streamed (`chat.completion.chunk`, `data: [DONE]`);
 * embeddings from the runtime's embedder; workspaces as vector stores. Errors are OpenAI
 * error objects. */

#define MAX_EMBED_INPUTS 2048
#define MAX_EMBED_CHARS (1024 * 1024)

/* Members of a chat request that are passed to an OpenAI-compatible provider as they are. */
static const char * const passthrough[] = {
  "top_p", "presence_penalty", "frequency_penalty", "seed", "response_format", "logit_bias",
  "user", NULL,
};

static void
reply_openai_error (RtxRequest *req,
                    guint       status,
                    const char *code,
                    const char *message)
{
  rtx_reply_error_with_code (rtx_request_get_message (req), RTX_SURFACE_OPENAI, status, code,
                             message);
}

static void
reply_gerror (RtxRequest   *req,
              const GError *error)
{
  rtx_request_reply_gerror (req, error);
}

static gint64
workspace_created (const RtxWorkspace *ws)
{
  return ws->created_at;
}

/* ---- Models and vector stores ------------------------------------------------------------ */

static void
handle_models (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  RtxLlm *llm = rtx_llm_get (runtime);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  list = rtx_access_list_workspaces (req, &error);
  if (list == NULL) {
    reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++) {
    RtxWorkspace *ws = g_ptr_array_index (list, i);
    g_autoptr(RtxLlmProvider) provider = rtx_llm_get_chat_provider (llm, ws);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_string_value (builder, ws->slug);
    json_builder_set_member_name (builder, "object");
    json_builder_add_string_value (builder, "model");
    json_builder_set_member_name (builder, "created");
    json_builder_add_int_value (builder, workspace_created (ws));
    json_builder_set_member_name (builder, "owned_by");
    json_builder_add_string_value (builder, rtx_llm_provider_get_name (provider));
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_vector_stores (RtxRequest *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *after = rtx_request_get_query (req, "after");
  gboolean skipping = after != NULL;
  const char *first = NULL, *last = NULL;

  list = rtx_access_list_workspaces (req, &error);
  if (list == NULL) {
    reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++) {
    RtxWorkspace *ws = g_ptr_array_index (list, i);

    /* Cursor pagination: everything after the `after` id (all fits in one page). */
    if (skipping) {
      skipping = !g_str_equal (ws->slug, after);
      continue;
    }
    if (first == NULL)
      first = ws->slug;
    last = ws->slug;
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "id");
    json_builder_add_string_value (builder, ws->slug);
    json_builder_set_member_name (builder, "object");
    json_builder_add_string_value (builder, "vector_store");
    json_builder_set_member_name (builder, "name");
    json_builder_add_string_value (builder, ws->name);
    json_builder_set_member_name (builder, "created_at");
    json_builder_add_int_value (builder, workspace_created (ws));
    json_builder_set_member_name (builder, "status");
    json_builder_add_string_value (builder, "completed");
    json_builder_set_member_name (builder, "file_counts");
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "total");
    json_builder_add_int_value (builder, 0);
    json_builder_end_object (builder);
    json_builder_set_member_name (builder, "provider");
    json_builder_add_string_value (builder, "sqlite");
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "first_id");
  if (first != NULL)
    json_builder_add_string_value (builder, first);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "last_id");
  if (last != NULL)
    json_builder_add_string_value (builder, last);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "has_more");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* ---- Chat completions: reading the request ----------------------------------------------- */

/* A message's content: a string, or an array of parts whose text parts are joined with "\n".
 * Image parts are left out (no provider takes images yet). */
static char *
read_content (JsonNode  *content,
              GError   **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *parts;

  if (content == NULL || JSON_NODE_HOLDS_NULL (content))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (content));
  if (!JSON_NODE_HOLDS_ARRAY (content))
    goto invalid;

  parts = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (parts); i++) {
    JsonNode *part = json_array_get_element (parts, i);
    const char *type, *part_text;

    if (!JSON_NODE_HOLDS_OBJECT (part))
      goto invalid;
    type = rtx_body_get_string (json_node_get_object (part), "type");
    if (g_strcmp0 (type, "text") != 0)
      continue;
    part_text = rtx_body_get_string (json_node_get_object (part), "text");
    if (part_text == NULL)
      goto invalid;
    if (text->len > 0)
      g_string_append_c (text, '\n');
    g_string_append (text, part_text);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);

invalid:
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               _("messages[].content must be a string or an array of content parts"));
  return NULL;
}

/* Fills @input from `messages`: the first system message replaces the workspace prompt, the
 * last message (which must be the user's) is the question, the others are the history. */
static gboolean
read_messages (JsonObject    *body,
               RtxChatInput  *input,
               GError       **error)
{
  JsonNode *node = json_object_get_member (body, "messages");
  JsonArray *messages;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      (n = json_array_get_length (json_node_get_array (node))) == 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("messages must be a non-empty array"));
    return FALSE;
  }

  messages = json_node_get_array (node);
  input->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_llm_message_free);
  for (guint i = 0; i < n; i++) {
    JsonNode *item = json_array_get_element (messages, i);
    JsonObject *message = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
    const char *role = message != NULL ? rtx_body_get_string (message, "role") : NULL;
    g_autofree char *content = NULL;

    if (role == NULL) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("messages[%u] needs a role"), i);
      return FALSE;
    }
    content = read_content (json_object_get_member (message, "content"), error);
    if (content == NULL)
      return FALSE;

    if (i == n - 1) {
      if (!g_str_equal (role, "user")) {
        g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                     _("The last message must have the role “user”"));
        return FALSE;
      }
      g_free (input->message);
      input->message = g_steal_pointer (&content);
    } else if (g_str_equal (role, "system") || g_str_equal (role, "developer")) {
      if (input->system_prompt == NULL)
        input->system_prompt = g_steal_pointer (&content);
    } else if (g_str_equal (role, "user") || g_str_equal (role, "assistant")) {
      g_ptr_array_add (input->messages, rtx_llm_message_new (role, content));
    }
    /* tool and function messages carry nothing a workspace chat uses. */
  }

  if (*input->message == '\0') {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("The last user message is empty"));
    return FALSE;
  }
  return TRUE;
}

static gboolean
read_options (JsonObject    *body,
              RtxChatInput  *input,
              GError       **error)
{
  JsonNode *temperature = json_object_get_member (body, "temperature");
  JsonNode *max_tokens = json_object_get_member (body, "max_completion_tokens");
  JsonNode *stop = json_object_get_member (body, "stop");

  if (max_tokens == NULL || JSON_NODE_HOLDS_NULL (max_tokens))
    max_tokens = json_object_get_member (body, "max_tokens");

  if (temperature != NULL && !JSON_NODE_HOLDS_NULL (temperature)) {
    GType type = JSON_NODE_HOLDS_VALUE (temperature) ? json_node_get_value_type (temperature)
                                                     : G_TYPE_INVALID;

    if ((type != G_TYPE_DOUBLE && type != G_TYPE_INT64) ||
        json_node_get_double (temperature) < 0 || json_node_get_double (temperature) > 2) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("temperature must be a number from 0 to 2"));
      return FALSE;
    }
    input->temperature = json_node_get_double (temperature);
  }

  if (max_tokens != NULL && !JSON_NODE_HOLDS_NULL (max_tokens)) {
    if (!JSON_NODE_HOLDS_VALUE (max_tokens) || json_node_get_value_type (max_tokens) != G_TYPE_INT64 ||
        json_node_get_int (max_tokens) < 1 || json_node_get_int (max_tokens) > G_MAXINT) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("max_tokens must be a positive whole number"));
      return FALSE;
    }
    input->max_tokens = (gint) json_node_get_int (max_tokens);
  }

  if (stop != NULL && !JSON_NODE_HOLDS_NULL (stop)) {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    if (JSON_NODE_HOLDS_VALUE (stop) && json_node_get_value_type (stop) == G_TYPE_STRING) {
      g_strv_builder_add (builder, json_node_get_string (stop));
    } else if (JSON_NODE_HOLDS_ARRAY (stop) && json_array_get_length (json_node_get_array (stop)) <= 4) {
      JsonArray *array = json_node_get_array (stop);

      for (guint i = 0; i < json_array_get_length (array); i++) {
        JsonNode *item = json_array_get_element (array, i);

        if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
          goto bad_stop;
        g_strv_builder_add (builder, json_node_get_string (item));
      }
    } else {
      goto bad_stop;
    }
    input->stop = g_strv_builder_end (builder);
  }

  input->extra = json_object_new ();
  for (guint i = 0; passthrough[i] != NULL; i++) {
    JsonNode *value = json_object_get_member (body, passthrough[i]);

    if (value != NULL)
      json_object_set_member (input->extra, passthrough[i], json_node_copy (value));
  }
  return TRUE;

bad_stop:
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               _("stop must be a string or an array of at most 4 strings"));
  return FALSE;
}

/* ---- Chat completions: answering --------------------------------------------------------- */

typedef struct {
  RtxRequest     *req;
  RtxEventStream *stream;       /* NULL when not streamed */
  char           *id;
  char           *model;
  gint64          created;
  gboolean        include_usage;
  GString        *chunk_prefix;   /* a content chunk up to its content, built once */
} Completion;

static void
completion_free (Completion *c)
{
  rtx_request_unref (c->req);
  g_clear_object (&c->stream);
  g_free (c->id);
  g_free (c->model);
  if (c->chunk_prefix != NULL)
    g_string_free (c->chunk_prefix, TRUE);
  g_free (c);
}

static void
add_usage (JsonBuilder   *builder,
           RtxChatOutput *output)
{
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, output->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, output->completion_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, output->prompt_tokens + output->completion_tokens);
  json_builder_end_object (builder);
}

static void
begin_completion_object (JsonBuilder *builder,
                         Completion  *c,
                         const char  *object)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, c->id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, object);
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, c->created);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, c->model);
}

static const char *
finish_reason (RtxChatOutput *output)
{
  return output->refused ? "no_content"
       : g_strcmp0 (output->finish_reason, "length") == 0 ? "length" : "stop";
}

/* One streamed chunk: a piece of content, or (with @reason) the last choice chunk. Streamed
 * chunks leave out `logprobs` (always null here, and optional in OpenAI's chunk): a client
 * parses every byte of every chunk, a thousand of them per reply. */
static void
send_chunk (Completion    *c,
            const char    *content,
            gboolean       with_role,
            const char    *reason,
            RtxChatOutput *usage)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;

  begin_completion_object (builder, c, "chat.completion.chunk");
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "delta");
  json_builder_begin_object (builder);
  if (with_role) {
    json_builder_set_member_name (builder, "role");
    json_builder_add_string_value (builder, "assistant");
  }
  if (content != NULL) {
    json_builder_set_member_name (builder, "content");
    json_builder_add_string_value (builder, content);
  }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "finish_reason");
  if (reason != NULL)
    json_builder_add_string_value (builder, reason);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  if (usage != NULL)
    add_usage (builder, usage);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  rtx_event_stream_send_json (c->stream, node);
}

/* The hot path: one content chunk per token, written without a JsonBuilder, straight into the
 * stream, with the piece's escaped text as it came. */
static void
on_completion_token (const RtxLlmToken *token,
                     gpointer           user_data)
{
  static const char tail[] = "\"},\"finish_reason\":null}]}";
  Completion *c = user_data;
  GString *event = rtx_event_stream_begin_data (c->stream);

  if (event == NULL)
    return;
  if (c->chunk_prefix == NULL) {
    c->chunk_prefix = g_string_new ("{\"id\":");
    rtx_json_append_string (c->chunk_prefix, c->id);
    g_string_append (c->chunk_prefix, ",\"object\":\"chat.completion.chunk\",\"created\":");
    g_string_append_printf (c->chunk_prefix, "%" G_GINT64_FORMAT, c->created);
    g_string_append (c->chunk_prefix, ",\"model\":");
    rtx_json_append_string (c->chunk_prefix, c->model);
    g_string_append (c->chunk_prefix, ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
  }

  g_string_append_len (event, c->chunk_prefix->str, c->chunk_prefix->len);
  g_string_append_len (event, token->json, token->json_len);
  g_string_append_len (event, tail, sizeof tail - 1);
  rtx_event_stream_end_data (c->stream);
}

static void
send_usage_chunk (Completion    *c,
                  RtxChatOutput *output)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;

  begin_completion_object (builder, c, "chat.completion.chunk");
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  add_usage (builder, output);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  rtx_event_stream_send_json (c->stream, node);
}

static void
finish_stream (Completion    *c,
               RtxChatOutput *output,
               const GError  *error)
{
  if (error != NULL) {
    guint status = rtx_reply_status_for_error (RTX_SURFACE_OPENAI, error);
    g_autoptr(JsonNode) body = rtx_reply_error_body (RTX_SURFACE_OPENAI, status, NULL,
                                                     rtx_reply_client_message (error, status));

    rtx_event_stream_send_json (c->stream, body);
  } else {
    /* A refusal's text was not streamed: it comes whole in the last chunk. */
    if (output->refused)
      send_chunk (c, output->text, FALSE, NULL, NULL);
    send_chunk (c, NULL, FALSE, finish_reason (output), output);
    if (c->include_usage)
      send_usage_chunk (c, output);
  }

  rtx_event_stream_send_data (c->stream, "[DONE]");
  rtx_event_stream_close (c->stream);
}

static void
reply_completion (Completion    *c,
                  RtxChatOutput *output)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  begin_completion_object (builder, c, "chat.completion");
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, output->text);
  json_builder_set_member_name (builder, "refusal");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "logprobs");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "finish_reason");
  json_builder_add_string_value (builder, finish_reason (output));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  add_usage (builder, output);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (c->req, SOUP_STATUS_OK, body);
}

static void
on_completion_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Completion *c = user_data;
  g_autoptr(RtxChatOutput) output = NULL;
  g_autoptr(GError) error = NULL;

  output = rtx_chat_run_finish (result, &error);
  if (c->stream != NULL)
    finish_stream (c, output, error);
  else if (output == NULL)
    reply_gerror (c->req, error);   /* does nothing if the client went away */
  else
    reply_completion (c, output);

  completion_free (c);
}

static void
handle_chat_completions (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(RtxWorkspace) ws = NULL;
  g_autoptr(RtxChatInput) input = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *stream_options;
  const char *model;
  Completion *c;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL) {
    reply_gerror (req, error);
    return;
  }

  model = rtx_body_get_string (body, "model");
  if (model == NULL || *model == '\0') {
    reply_openai_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                        _("model is required: the slug of a workspace"));
    return;
  }
  ws = rtx_workspaces_get_by_slug (rtx_runtime_get_workspaces (runtime), model, &error);
  if (ws == NULL) {
    if (g_error_matches (error, RTX_ERROR, RTX_ERROR_NOT_FOUND)) {
      g_autofree char *message = g_strdup_printf (_("The model “%s” does not exist: models are "
                                                    "workspace slugs (GET /api/v1/openai/models)"),
                                                  model);

      reply_openai_error (req, SOUP_STATUS_NOT_FOUND, "model_not_found", message);
    } else {
      reply_gerror (req, error);
    }
    return;
  }
  if (!rtx_access_sees_workspace (req, ws, &error) || !rtx_access_may_chat (req, &error)) {
    reply_gerror (req, error);
    return;
  }

  input = rtx_chat_input_new (ws, "");
  input->user_id = rtx_access_chat_user (req);
  if (!read_messages (body, input, &error) || !read_options (body, input, &error)) {
    reply_gerror (req, error);
    return;
  }

  c = g_new0 (Completion, 1);
  c->req = rtx_request_ref (req);
  c->id = g_strconcat ("chatcmpl-", input->uuid, NULL);
  c->model = g_strdup (ws->slug);
  c->created = g_get_real_time () / G_USEC_PER_SEC;
  stream_options = json_object_get_member (body, "stream_options");
  c->include_usage = stream_options != NULL && JSON_NODE_HOLDS_OBJECT (stream_options) &&
                     rtx_body_get_boolean (json_node_get_object (stream_options),
                                           "include_usage", FALSE);

  if (rtx_body_get_boolean (body, "stream", FALSE)) {
    c->stream = rtx_event_stream_new (rtx_request_get_message (req));
    send_chunk (c, "", TRUE, NULL, NULL);
    rtx_chat_run_async (runtime, g_steal_pointer (&input), on_completion_token, c,
                        rtx_event_stream_get_cancellable (c->stream), on_completion_done_cb, c);
  } else {
    GCancellable *cancellable = rtx_request_pause (req);

    rtx_chat_run_async (runtime, g_steal_pointer (&input), NULL, NULL, cancellable,
                        on_completion_done_cb, c);
  }
}

/* ---- Embeddings -------------------------------------------------------------------------- */

typedef struct {
  RtxRequest     *req;
  RtxLlmProvider *provider;
  gboolean        base64;
} Embedding;

static void
embedding_free (Embedding *e)
{
  rtx_request_unref (e->req);
  g_clear_object (&e->provider);
  g_free (e);
}

static GStrv
read_inputs (JsonObject  *body,
             GError     **error)
{
  JsonNode *node = json_object_get_member (body, "input");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  guint n;

  if (node == NULL)
    node = json_object_get_member (body, "inputs");   /* AnythingLLM's legacy name */
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING) {
    if (*json_node_get_string (node) == '\0' ||
        strlen (json_node_get_string (node)) > MAX_EMBED_CHARS)
      goto invalid;
    g_strv_builder_add (builder, json_node_get_string (node));
    return g_strv_builder_end (builder);
  }
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0 || n > MAX_EMBED_INPUTS)
    goto invalid;
  for (guint i = 0; i < n; i++) {
    JsonNode *item = json_array_get_element (array, i);

    if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
        *json_node_get_string (item) == '\0' ||
        strlen (json_node_get_string (item)) > MAX_EMBED_CHARS)
      goto invalid;
    g_strv_builder_add (builder, json_node_get_string (item));
  }
  return g_strv_builder_end (builder);

invalid:
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               _("input must be a non-empty string or an array of 1 to %d non-empty strings "
                 "(token arrays are not supported)"), MAX_EMBED_INPUTS);
  return NULL;
}

/* OpenAI's base64 form: the little-endian float32 bytes of the vector. */
static char *
vector_base64 (const float *vector,
               guint        dim)
{
  g_autofree guint32 *le = g_new (guint32, dim);

  for (guint i = 0; i < dim; i++) {
    guint32 bits;

    memcpy (&bits, &vector[i], sizeof bits);
    le[i] = GUINT32_TO_LE (bits);
  }
  return g_base64_encode ((const guchar *) le, (gsize) dim * sizeof (guint32));
}

static void
on_embedded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Embedding *e = user_data;
  g_autoptr(RtxEmbeddings) emb = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  emb = rtx_llm_provider_embed_finish (RTX_LLM_PROVIDER (source), result, &error);
  if (emb == NULL) {
    reply_gerror (e->req, error);
    embedding_free (e);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < emb->n_vectors; i++) {
    const float *vector = rtx_embeddings_get_vector (emb, i);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "object");
    json_builder_add_string_value (builder, "embedding");
    json_builder_set_member_name (builder, "index");
    json_builder_add_int_value (builder, i);
    json_builder_set_member_name (builder, "embedding");
    if (e->base64) {
      g_autofree char *encoded = vector_base64 (vector, emb->dim);

      json_builder_add_string_value (builder, encoded);
    } else {
      json_builder_begin_array (builder);
      for (guint j = 0; j < emb->dim; j++)
        json_builder_add_double_value (builder, vector[j]);
      json_builder_end_array (builder);
    }
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, emb->model != NULL ? emb->model : "");
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, emb->prompt_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, emb->prompt_tokens);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (e->req, SOUP_STATUS_OK, body);
  embedding_free (e);
}

static void
handle_embeddings (RtxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_auto(GStrv) inputs = NULL;
  g_autoptr(GError) error = NULL;
  const char *format;
  GCancellable *cancellable;
  Embedding *e;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body != NULL)
    inputs = read_inputs (body, &error);
  if (inputs == NULL) {
    reply_gerror (req, error);
    return;
  }

  format = rtx_body_get_string (body, "encoding_format");
  if (json_object_has_member (body, "encoding_format") &&
      g_strcmp0 (format, "float") != 0 && g_strcmp0 (format, "base64") != 0) {
    reply_openai_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                        _("encoding_format must be float or base64"));
    return;
  }

  e = g_new0 (Embedding, 1);
  e->req = rtx_request_ref (req);
  e->base64 = g_strcmp0 (format, "base64") == 0;
  e->provider = rtx_llm_get_embedding_provider (rtx_llm_get (rtx_request_get_runtime (req)));
  cancellable = rtx_request_pause (req);
  rtx_llm_provider_embed_async (e->provider, (const char * const *) inputs, cancellable,
                                on_embedded_cb, e);
}

const RtxHandlerBinding rtx_handlers_openai_compat[] = {
  { "openaiListModels", handle_models },
  { "openaiChatCompletions", handle_chat_completions },
  { "openaiEmbeddings", handle_embeddings },
  { "openaiListVectorStores", handle_vector_stores },
  { NULL, NULL },
};
