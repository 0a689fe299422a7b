/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-body.h"
#include "rtx-embedder-builtin.h"
#include "rtx-error.h"
#include "rtx-event-stream.h"
#include "rtx-handlers.h"
#include "rtx-json.h"
#include "rtx-llm.h"
#include "rtx-reply.h"
#include "rtx-sdk-llm.h"

/* `sdk.llm` (local-app-protocol.md §2.5, §2.9): chat whole and streamed, embeddings, and the
 * providers an app may name. Family C reads the body, not the status: success bodies say
 * `success: true`, failures `success: false` with `error` and a `code` (`LLM_ERROR` for the
 * provider's failures, which the SDK raises as LLMProviderError). A stream that fails after it
 * opened says so with `event: error`; every stream ends by closing the response. */

#define MAX_MESSAGES 1000
#define MAX_EMBED_INPUTS 2048
#define MAX_TOKENS_LIMIT (1 << 20)

/* ---- Errors ------------------------------------------------------------------------------ */

const char *
rtx_sdk_llm_error_code (const GError *error,
                        guint        *out_status)
{
  guint status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  const char *code = "LLM_ERROR";

  if (g_error_matches (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT)) {
    status = SOUP_STATUS_BAD_REQUEST;
    code = "VALIDATION_ERROR";
  } else if (g_error_matches (error, RTX_ERROR, RTX_ERROR_NOT_FOUND)) {
    status = SOUP_STATUS_BAD_REQUEST;
    code = "PROVIDER_UNAVAILABLE";
  } else if (g_error_matches (error, RTX_ERROR, RTX_ERROR_UPSTREAM)) {
    status = SOUP_STATUS_BAD_GATEWAY;
  } else if (g_error_matches (error, RTX_ERROR, RTX_ERROR_UPSTREAM_TIMEOUT)) {
    status = SOUP_STATUS_GATEWAY_TIMEOUT;
  }

  if (out_status != NULL)
    *out_status = status;
  return code;
}

/* The failure body of family C: `{success: false, error, code}`. */
void
rtx_sdk_llm_reply_error (RtxRequest   *req,
                         const GError *error)
{
  guint status;
  const char *code = rtx_sdk_llm_error_code (error, &status);
  g_autoptr(JsonNode) body = rtx_reply_error_body (RTX_SURFACE_SDK, status, code,
                                                   rtx_reply_client_message (error, status));
  rtx_request_reply_json (req, status, body);
}

/* ---- Reading a chat ---------------------------------------------------------------------- */

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

static gboolean
read_messages (JsonObject     *body,
               RtxLlmRequest  *request,
               GError        **error)
{
  static const char * const roles[] = { "system", "user", "assistant", NULL };
  JsonNode *node = json_object_get_member (body, "messages");
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) == 0 ||
      json_array_get_length (array) > MAX_MESSAGES)
    return invalid (error, "messages must be a list of 1 to 1000 {role, content}");

  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    const char *role, *content;

    if (!JSON_NODE_HOLDS_OBJECT (item))
      return invalid (error, "messages must be a list of {role, content}");
    role = rtx_body_get_string (json_node_get_object (item), "role");
    content = rtx_body_get_string (json_node_get_object (item), "content");
    if (role == NULL || !g_strv_contains (roles, role))
      return invalid (error, "a message's role must be system, user or assistant");
    if (content == NULL)
      return invalid (error, "a message's content must be a text");

    rtx_llm_request_add_message (request, role, content);
    if (g_str_equal (role, "user")) {
      g_free (request->query);
      request->query = g_strdup (content);
    }
  }

  return TRUE;
}

static gboolean
read_options (JsonObject     *body,
              RtxLlmRequest  *request,
              GError        **error)
{
  JsonNode *node;

  node = json_object_get_member (body, "temperature");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)) {
    GType type = json_node_get_value_type (node);

    if (!JSON_NODE_HOLDS_VALUE (node) || (type != G_TYPE_DOUBLE && type != G_TYPE_INT64) ||
        json_node_get_double (node) < 0 || json_node_get_double (node) > 2)
      return invalid (error, "temperature must be a number from 0 to 2");
    request->temperature = json_node_get_double (node);
  }

  node = json_object_get_member (body, "max_tokens");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)) {
    if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
        json_node_get_int (node) < 1 || json_node_get_int (node) > MAX_TOKENS_LIMIT)
      return invalid (error, "max_tokens must be a whole number from 1 to 1048576");
    request->max_tokens = (gint) json_node_get_int (node);
  }

  node = json_object_get_member (body, "response_format");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)) {
    if (!JSON_NODE_HOLDS_OBJECT (node) ||
        rtx_body_get_string (json_node_get_object (node), "type") == NULL)
      return invalid (error, "response_format must be {type}");
    request->extra = json_object_new ();
    json_object_set_member (request->extra, "response_format", json_node_copy (node));
  }

  return TRUE;
}

/* Reads the body of chat and chat/stream, and finds the provider it names. */
static RtxLlmRequest *
read_chat (RtxRequest       *req,
           RtxLlmProvider  **out_provider,
           GError          **error)
{
  static const char * const allowed[] = {
    "messages", "model", "provider", "temperature", "max_tokens", "response_format", "stream",
    NULL,
  };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(RtxLlmRequest) request = rtx_llm_request_new ();
  const char *provider = NULL, *model = NULL;

  body = rtx_body_parse_object (req, TRUE, error);
  if (body == NULL ||
      !rtx_body_check_members (body, allowed, error) ||
      !rtx_body_read_string (body, "provider", &provider, error) ||
      !rtx_body_read_string (body, "model", &model, error) ||
      !read_messages (body, request, error) ||
      !read_options (body, request, error))
    return NULL;

  *out_provider = rtx_llm_find_provider (rtx_llm_get (rtx_request_get_runtime (req)),
                                         provider, model, FALSE, error);
  if (*out_provider == NULL)
    return NULL;

  return g_steal_pointer (&request);
}

/* ---- Replies ----------------------------------------------------------------------------- */

static void
add_metrics (JsonBuilder        *builder,
             const RtxLlmResult *result,
             double              seconds)
{
  json_builder_set_member_name (builder, "metrics");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, result->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, result->completion_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, result->prompt_tokens + result->completion_tokens);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, seconds);
  json_builder_set_member_name (builder, "outputTps");
  json_builder_add_double_value (builder, seconds > 0 ? result->completion_tokens / seconds : 0);
  json_builder_end_object (builder);
}

typedef struct {
  RtxRequest     *req;
  RtxLlmProvider *provider;
  RtxEventStream *stream;   /* chat/stream only */
  char           *uuid;
  gint64          started_us;
} ChatCall;

static void
chat_call_free (ChatCall *call)
{
  rtx_request_unref (call->req);
  g_clear_object (&call->provider);
  g_clear_object (&call->stream);
  g_free (call->uuid);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChatCall, chat_call_free)

static ChatCall *
chat_call_new (RtxRequest     *req,
               RtxLlmProvider *provider)
{
  ChatCall *call = g_new0 (ChatCall, 1);

  call->req = rtx_request_ref (req);
  call->provider = provider;
  call->uuid = g_uuid_string_random ();
  call->started_us = g_get_monotonic_time ();
  return call;
}

static double
elapsed (ChatCall *call)
{
  return (g_get_monotonic_time () - call->started_us) / (double) G_USEC_PER_SEC;
}

static void
on_chat_done_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  g_autoptr(ChatCall) call = user_data;
  g_autoptr(RtxLlmResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  result = rtx_llm_provider_chat_finish (call->provider, res, &error);
  if (result == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      rtx_sdk_llm_reply_error (call->req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "response");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, result->text != NULL ? result->text : "");
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, result->model != NULL ? result->model
                                          : rtx_llm_provider_get_model (call->provider));
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, rtx_llm_provider_get_name (call->provider));
  add_metrics (builder, result, elapsed (call));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (call->req, SOUP_STATUS_OK, body);
}

static void
handle_chat (RtxRequest *req)
{
  g_autoptr(RtxLlmRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  RtxLlmProvider *provider = NULL;
  ChatCall *call;
  GCancellable *cancellable;

  request = read_chat (req, &provider, &error);
  if (request == NULL) {
    rtx_sdk_llm_reply_error (req, error);
    return;
  }

  call = chat_call_new (req, provider);
  cancellable = rtx_request_pause (req);
  rtx_llm_provider_chat_async (provider, request, NULL, NULL, cancellable, on_chat_done_cb, call);
}

/* ---- Streaming --------------------------------------------------------------------------- */

static JsonNode *
stream_event (ChatCall           *call,
              const char         *type,
              const char         *text,
              gboolean            close,
              const RtxLlmResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, call->uuid);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "textResponse");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "close");
  json_builder_add_boolean_value (builder, close);
  json_builder_set_member_name (builder, "error");
  json_builder_add_boolean_value (builder, FALSE);
  if (result != NULL) {
    json_builder_set_member_name (builder, "model");
    json_builder_add_string_value (builder, result->model != NULL ? result->model
                                            : rtx_llm_provider_get_model (call->provider));
    add_metrics (builder, result, elapsed (call));
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
on_stream_token (const RtxLlmToken *token,
                 gpointer           user_data)
{
  ChatCall *call = user_data;
  g_autofree char *text = rtx_llm_token_dup_text (token);
  g_autoptr(JsonNode) event = stream_event (call, "textResponseChunk", text, FALSE, NULL);

  rtx_event_stream_send_json (call->stream, event);
}

/* `event: error` then `{error, code}`: the SDK raises it as LLMProviderError after the
 * chunks it has already yielded. */
void
rtx_sdk_llm_stream_error (RtxEventStream *stream,
                          const GError   *error,
                          const char     *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  text = rtx_json_to_string (node, FALSE);
  rtx_event_stream_send_event (stream, "error", text);
}

static void
on_stream_done_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(ChatCall) call = user_data;
  g_autoptr(RtxLlmResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = rtx_llm_provider_chat_finish (call->provider, res, &error);
  if (result == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      rtx_sdk_llm_stream_error (call->stream, error, "LLM_STREAM_ERROR");
  } else {
    g_autoptr(JsonNode) last = stream_event (call, "finalizeResponseStream", "", TRUE, result);

    rtx_event_stream_send_json (call->stream, last);
    rtx_event_stream_send_data (call->stream, "[DONE]");
  }

  /* The SDK's iterator ends only when the body does. */
  rtx_event_stream_close (call->stream);
}

static void
handle_chat_stream (RtxRequest *req)
{
  g_autoptr(RtxLlmRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  RtxLlmProvider *provider = NULL;
  ChatCall *call;

  /* Checks first: a request that cannot be answered gets a JSON error, not a stream. */
  request = read_chat (req, &provider, &error);
  if (request == NULL) {
    rtx_sdk_llm_reply_error (req, error);
    return;
  }

  call = chat_call_new (req, provider);
  call->stream = rtx_event_stream_new (rtx_request_get_message (req));
  rtx_llm_provider_chat_async (provider, request, on_stream_token, call,
                               rtx_event_stream_get_cancellable (call->stream),
                               on_stream_done_cb, call);
}

/* ---- Embeddings -------------------------------------------------------------------------- */

static void
on_embed_done_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  g_autoptr(ChatCall) call = user_data;
  g_autoptr(RtxEmbeddings) embeddings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  embeddings = rtx_llm_provider_embed_finish (call->provider, res, &error);
  if (embeddings == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      rtx_sdk_llm_reply_error (call->req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "embeddings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < embeddings->n_vectors; i++) {
    const float *vector = rtx_embeddings_get_vector (embeddings, i);

    json_builder_begin_array (builder);
    for (guint d = 0; d < embeddings->dim; d++)
      json_builder_add_double_value (builder, vector[d]);
    json_builder_end_array (builder);
  }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, rtx_llm_provider_get_name (call->provider));
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, embeddings->model != NULL ? embeddings->model
                                          : RTX_EMBEDDER_BUILTIN_MODEL);
  json_builder_set_member_name (builder, "dimensions");
  json_builder_add_int_value (builder, embeddings->dim);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (call->req, SOUP_STATUS_OK, body);
}

static GStrv
read_inputs (JsonObject  *body,
             GError     **error)
{
  JsonNode *node = json_object_get_member (body, "input");
  g_autoptr(GStrvBuilder) texts = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) == 0 ||
      json_array_get_length (array) > MAX_EMBED_INPUTS) {
    invalid (error, "input must be a list of 1 to 2048 texts");
    return NULL;
  }

  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);

    if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING) {
      invalid (error, "input must be a list of texts");
      return NULL;
    }
    g_strv_builder_add (texts, json_node_get_string (item));
  }

  return g_strv_builder_end (texts);
}

static void
handle_embed (RtxRequest *req)
{
  static const char * const allowed[] = { "input", "provider", "model", NULL };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) texts = NULL;
  const char *provider_name = NULL, *model = NULL;
  RtxLlmProvider *provider = NULL;
  ChatCall *call;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body != NULL &&
      rtx_body_check_members (body, allowed, &error) &&
      rtx_body_read_string (body, "provider", &provider_name, &error) &&
      rtx_body_read_string (body, "model", &model, &error))
    texts = read_inputs (body, &error);
  if (texts != NULL)
    provider = rtx_llm_find_provider (rtx_llm_get (rtx_request_get_runtime (req)),
                                      provider_name, model, TRUE, &error);
  if (provider == NULL) {
    rtx_sdk_llm_reply_error (req, error);
    return;
  }

  call = chat_call_new (req, provider);
  rtx_llm_provider_embed_async (provider, (const char * const *) texts, rtx_request_pause (req),
                                on_embed_done_cb, call);
}

/* ---- Providers --------------------------------------------------------------------------- */

typedef struct {
  RtxRequest     *req;
  RtxLlmProvider *openai;
  gboolean        for_embedding;
  gboolean        openai_active;
} Listing;

static void
add_model (JsonBuilder *builder,
           const char  *id,
           const char  *name)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_end_object (builder);
}

static void
begin_provider (JsonBuilder *builder,
                const char  *name,
                gboolean     active)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "active");
  json_builder_add_boolean_value (builder, active);
  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
}

static void
reply_providers (Listing            *listing,
                 const char * const *models)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);

  begin_provider (builder, "builtin", !listing->openai_active);
  if (listing->for_embedding)
    add_model (builder, RTX_EMBEDDER_BUILTIN_MODEL, "Built-in hashed n-gram embedder");
  else
    add_model (builder, "builtin", "Built-in extractive responder (no language model)");
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (listing->openai != NULL) {
    const char *configured = rtx_llm_provider_get_model (listing->openai);

    begin_provider (builder, "generic-openai", listing->openai_active);
    if (configured != NULL && (models == NULL || !g_strv_contains (models, configured)))
      add_model (builder, configured, configured);
    for (guint i = 0; models != NULL && models[i] != NULL; i++)
      add_model (builder, models[i], models[i]);
    json_builder_end_array (builder);
    json_builder_end_object (builder);
  }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (listing->req, SOUP_STATUS_OK, body);
}

static void
listing_free (Listing *listing)
{
  rtx_request_unref (listing->req);
  g_clear_object (&listing->openai);
  g_free (listing);
}

static void
on_models_listed_cb (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data)
{
  Listing *listing = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) models = NULL;

  /* A server that does not answer still shows its configured model. */
  models = rtx_llm_provider_list_models_finish (RTX_LLM_PROVIDER (source), res, &error);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Listing the provider's models failed: %s", error->message);
  if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    reply_providers (listing, (const char * const *) models);
  listing_free (listing);
}

static void
list_providers (RtxRequest *req,
                gboolean    for_embedding)
{
  RtxLlm *llm = rtx_llm_get (rtx_request_get_runtime (req));
  g_autoptr(RtxLlmProvider) active = NULL;
  Listing *listing = g_new0 (Listing, 1);

  listing->req = rtx_request_ref (req);
  listing->for_embedding = for_embedding;
  active = for_embedding ? rtx_llm_get_embedding_provider (llm)
                         : rtx_llm_get_chat_provider (llm, NULL);
  listing->openai_active = !rtx_llm_provider_is_builtin (active);
  listing->openai = rtx_llm_find_provider (llm, "generic-openai", NULL, for_embedding, NULL);

  if (listing->openai == NULL) {
    reply_providers (listing, NULL);
    listing_free (listing);
    return;
  }

  rtx_llm_provider_list_models_async (listing->openai, rtx_request_pause (req),
                                      on_models_listed_cb, listing);
}

static void
handle_chat_providers (RtxRequest *req)
{
  list_providers (req, FALSE);
}

static void
handle_embed_providers (RtxRequest *req)
{
  list_providers (req, TRUE);
}

const RtxHandlerBinding rtx_handlers_sdk_llm[] = {
  { "sdkLlmChat", handle_chat },
  { "sdkLlmChatStream", handle_chat_stream },
  { "sdkLlmEmbed", handle_embed },
  { "sdkLlmChatProviders", handle_chat_providers },
  { "sdkLlmEmbedProviders", handle_embed_providers },
  { NULL, NULL },
};
