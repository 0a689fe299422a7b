/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "rtx-embedder-builtin.h"
#include "rtx-error.h"
#include "rtx-http-stream.h"
#include "rtx-json-text.h"
#include "rtx-json.h"
#include "rtx-llm-openai.h"
#include "rtx-openai-chunk.h"

/*
 * A client of any OpenAI-compatible server (OpenAI, Ollama, LM Studio, llama.cpp, vLLM…):
 * POST {base}/chat/completions (streamed as SSE or whole), POST {base}/embeddings and
 * GET {base}/models, with the key applied by its credential's type when one is configured
 * (usually `Authorization: Bearer <key>`).
 *
 * Every call has a deadline for the first byte and for each later read (a stalled server gives
 * a timeout error, never a hang) and honours the caller's cancellable (a client that goes away
 * closes the upstream connection). Upstream failures become RTX_ERROR_UPSTREAM (502) or
 * RTX_ERROR_UPSTREAM_TIMEOUT (504) with a message a person can act on.
 */

#define READ_SIZE 8192
#define MAX_ERROR_BODY 4096
#define MAX_LINE (1024 * 1024)
/* Bytes read per turn of the main loop: the tokens they hold go out as one chunk that the
 * client parses while the next turn is read (a 1000-token burst read whole before its first
 * write would make the client wait for all of it), and other streams get their turn. */
#define TURN_BYTES (32 * 1024)
/* A turn that stopped early resumes just below the default priority: libsoup writes what the
 * turn produced from two default-priority sources (the unpause, then the socket's), and those
 * must run before the next turn, or the next read delays the first token by a whole burst. */
#define READ_AGAIN_PRIORITY (G_PRIORITY_DEFAULT + 1)
/* After [DONE], how long the rest of the body (the chunked terminator) may take to arrive
 * before the connection is given up rather than reused. */
#define DRAIN_TIMEOUT_MS 2000

struct _RtxLlmOpenai {
  RtxLlmProvider  parent_instance;

  SoupSession    *session;
  char           *base_url;
  RtxLlmKey      *key;
  guint           timeout_sec;
};

G_DEFINE_FINAL_TYPE (RtxLlmOpenai, rtx_llm_openai, RTX_TYPE_LLM_PROVIDER)

/* ---- One upstream call ------------------------------------------------------------------- */

typedef enum {
  CALL_CHAT,
  CALL_EMBED,
  CALL_MODELS,
} CallKind;

typedef struct {
  RtxLlmOpenai    *self;
  CallKind         kind;
  char            *path;
  JsonNode        *body;      /* NULL for GET */
  gboolean         stream;
  RtxLlmTokenFunc  on_token;
  gpointer         token_data;
  guint            n_texts;

  SoupMessage     *msg;
  RtxCredentialUse *key;          /* kept for a retry on a fresh connection */
  gboolean         new_connection;  /* this attempt opened its connection */
  gboolean         retried;
  guint            status;
  GInputStream    *input;
  GCancellable    *cancellable;   /* ours: the caller's, plus the deadline */
  gulong           caller_cancel_id;
  GCancellable    *caller;
  GSource         *deadline;
  gint64           last_activity_us;
  gboolean         timed_out;
  GSource         *readable;      /* while reading a stream: the socket, */
  GSource         *again;         /* and the next turn after a read that stopped early */

  GString         *pending;       /* bytes not yet split into lines */
  GString         *event_data;    /* the data lines of the current SSE event */
  GString         *text;          /* the reply (escaped while streaming) */
  GByteArray      *whole;         /* non-streamed body */
  RtxOpenaiChunk   chunk;         /* reused for every event */
  char            *finish_reason;
  char            *model;
  guint            prompt_tokens;
  guint            completion_tokens;
  gboolean         done;
} Call;

static void disarm_deadline (Call *call);

static void
call_free (Call *call)
{
  disarm_deadline (call);
  if (call->caller != NULL && call->caller_cancel_id != 0)
    g_cancellable_disconnect (call->caller, call->caller_cancel_id);
  g_clear_object (&call->caller);
  g_clear_object (&call->self);
  g_free (call->path);
  g_clear_pointer (&call->body, json_node_unref);
  g_clear_object (&call->msg);
  g_clear_pointer (&call->key, rtx_credential_use_free);
  g_clear_object (&call->input);
  g_clear_object (&call->cancellable);
  if (call->pending != NULL)
    g_string_free (call->pending, TRUE);
  if (call->event_data != NULL)
    g_string_free (call->event_data, TRUE);
  if (call->text != NULL)
    g_string_free (call->text, TRUE);
  g_clear_pointer (&call->whole, g_byte_array_unref);
  rtx_openai_chunk_clear (&call->chunk);
  g_free (call->finish_reason);
  g_free (call->model);
  g_free (call);
}

/* The deadline is one source per call whose ready time is moved only when it fires: a read
 * just records the time (arming a fresh timeout per read would cost more than the read). */
static gboolean
on_deadline_cb (gpointer user_data)
{
  Call *call = user_data;
  gint64 due = call->last_activity_us + (gint64) call->self->timeout_sec * G_USEC_PER_SEC;

  if (g_get_monotonic_time () < due) {
    g_source_set_ready_time (call->deadline, due);
    return G_SOURCE_CONTINUE;
  }

  g_clear_pointer (&call->deadline, g_source_unref);
  call->timed_out = TRUE;
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
deadline_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs deadline_funcs = { NULL, NULL, deadline_dispatch, NULL, NULL, NULL };

/* (Re)arms the deadline: before the headers, and between reads. */
static void
arm_deadline (Call *call)
{
  call->last_activity_us = g_get_monotonic_time ();
  if (call->deadline != NULL)
    return;

  call->deadline = g_source_new (&deadline_funcs, sizeof (GSource));
  g_source_set_callback (call->deadline, on_deadline_cb, call, NULL);
  g_source_set_ready_time (call->deadline,
                           call->last_activity_us + (gint64) call->self->timeout_sec * G_USEC_PER_SEC);
  g_source_attach (call->deadline, g_main_context_get_thread_default ());
}

static void
disarm_deadline (Call *call)
{
  if (call->deadline == NULL)
    return;
  g_source_destroy (call->deadline);
  g_clear_pointer (&call->deadline, g_source_unref);
}

static void
on_caller_cancelled_cb (GCancellable *caller,
                        gpointer      user_data)
{
  GCancellable *ours = user_data;

  g_cancellable_cancel (ours);
}

/* Fails the task with an error that says what went wrong upstream. */
static void
fail (GTask      *task,
      Call       *call,
      GError     *cause)
{
  const char *url = call->self->base_url;

  if (call->caller != NULL && g_cancellable_is_cancelled (call->caller)) {
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The request was cancelled"));
  } else if (call->timed_out) {
    g_task_return_new_error (task, RTX_ERROR, RTX_ERROR_UPSTREAM_TIMEOUT,
                             _("The model provider at %s did not answer within %u seconds"),
                             url, call->self->timeout_sec);
  } else if (cause != NULL && cause->domain == RTX_ERROR) {
    g_task_return_error (task, g_error_copy (cause));
  } else {
    g_task_return_new_error (task, RTX_ERROR, RTX_ERROR_UPSTREAM,
                             _("Could not reach the model provider at %s: %s"), url,
                             cause != NULL ? cause->message : _("unknown error"));
  }
}

/* ---- Parsing ----------------------------------------------------------------------------- */

static void
read_usage (Call       *call,
            JsonObject *root)
{
  JsonObject *usage;

  if (!json_object_has_member (root, "usage") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "usage")))
    return;

  usage = json_object_get_object_member (root, "usage");
  call->prompt_tokens = json_object_get_int_member_with_default (usage, "prompt_tokens",
                                                                 call->prompt_tokens);
  call->completion_tokens = json_object_get_int_member_with_default (usage, "completion_tokens",
                                                                     call->completion_tokens);
}

static JsonObject *
first_choice (JsonObject *root)
{
  JsonNode *choices = json_object_get_member (root, "choices");
  JsonNode *first;

  if (choices == NULL || !JSON_NODE_HOLDS_ARRAY (choices) ||
      json_array_get_length (json_node_get_array (choices)) == 0)
    return NULL;
  first = json_array_get_element (json_node_get_array (choices), 0);
  return JSON_NODE_HOLDS_OBJECT (first) ? json_node_get_object (first) : NULL;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* One SSE event's data: a chunk, or [DONE]. This runs once per token of a relayed stream, so
 * it reads the event in one pass (RtxOpenaiChunk) rather than through a JsonParser. */
static gboolean
handle_event (Call        *call,
              const char  *data,
              gsize        length,
              GError     **error)
{
  RtxOpenaiChunk *chunk = &call->chunk;

  if (length == 6 && memcmp (data, "[DONE]", 6) == 0) {
    call->done = TRUE;
    return TRUE;
  }

  if (!rtx_openai_chunk_parse (chunk, data, length)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                 _("The model provider sent a malformed stream (an event that is not JSON)"));
    return FALSE;
  }

  if (chunk->has_error) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_UPSTREAM, _("The model provider failed: %s"),
                 chunk->error_message->len > 0 ? chunk->error_message->str
                                               : _("an error event in its stream"));
    return FALSE;
  }

  if (chunk->model->len > 0 && call->model == NULL)
    call->model = g_strndup (chunk->model->str, chunk->model->len);
  if (chunk->prompt_tokens >= 0)
    call->prompt_tokens = (guint) chunk->prompt_tokens;
  if (chunk->completion_tokens >= 0)
    call->completion_tokens = (guint) chunk->completion_tokens;

  if (!chunk->has_choice)
    return TRUE;   /* e.g. the usage-only last chunk */

  if (chunk->content_json_len > 0) {
    g_string_append_len (call->text, chunk->content_json, chunk->content_json_len);
    if (call->on_token != NULL) {
      RtxLlmToken token = { chunk->content_json, chunk->content_json_len };

      call->on_token (&token, call->token_data);
    }
  }

  if (chunk->finish_reason->len > 0) {
    g_free (call->finish_reason);
    call->finish_reason = g_strndup (chunk->finish_reason->str, chunk->finish_reason->len);
  }
  return TRUE;
}

/* Splits what arrived into lines; a blank line ends an event. Lines may be split anywhere
 * across reads, and "\r\n" endings are accepted. Whole lines are read where they arrived, and
 * an event of one data line (the usual kind) is parsed in place: only a line split across
 * reads, or an event of several lines, is copied. */
static gboolean
feed (Call        *call,
      const char  *data,
      gsize        length,
      GError     **error)
{
  const char *text = data, *newline, *span = NULL;
  gsize text_len = length, start = 0, span_len = 0;

  if (call->pending->len > 0) {
    g_string_append_len (call->pending, data, length);
    text = call->pending->str;
    text_len = call->pending->len;
  }

  while ((newline = memchr (text + start, '\n', text_len - start)) != NULL) {
    const char *line = text + start;
    gsize line_len = newline - line;

    start += line_len + 1;
    if (line_len > 0 && line[line_len - 1] == '\r')
      line_len--;

    if (line_len == 0) {
      /* The event's data is span, or event_data when it has several lines. */
      gboolean ok = TRUE;

      if (span != NULL)
        ok = handle_event (call, span, span_len, error);
      else if (call->event_data->len > 0)
        ok = handle_event (call, call->event_data->str, call->event_data->len, error);
      span = NULL;
      g_string_truncate (call->event_data, 0);
      if (!ok)
        return FALSE;
    } else if (line_len >= 5 && memcmp (line, "data:", 5) == 0) {
      const char *value = line + 5;
      gsize value_len = line_len - 5;

      if (value_len > 0 && *value == ' ') {
        value++;
        value_len--;
      }
      if (span == NULL && call->event_data->len == 0) {
        if (value_len > 0) {
          span = value;
          span_len = value_len;
        }
      } else {
        if (span != NULL)
          g_string_append_len (call->event_data, span, span_len);
        span = NULL;
        g_string_append_c (call->event_data, '\n');
        g_string_append_len (call->event_data, value, value_len);
      }
    }
    /* Comments (keep-alives), event:, id:, retry: and unknown fields carry nothing we use. */
  }

  /* What stays for the next read: the event so far, and a partial line. */
  if (span != NULL)
    g_string_append_len (call->event_data, span, span_len);
  if (text == call->pending->str)
    g_string_erase (call->pending, 0, start);
  else
    g_string_append_len (call->pending, data + start, length - start);

  if (call->pending->len > MAX_LINE) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                 _("The model provider sent a malformed stream (a line over 1 MiB)"));
    return FALSE;
  }
  return TRUE;
}

/* ---- Results ----------------------------------------------------------------------------- */

static void
return_chat (GTask *task,
             Call  *call)
{
  RtxLlmResult *result = g_new0 (RtxLlmResult, 1);

  if (call->stream) {
    GString *text = g_string_sized_new (call->text->len);

    rtx_json_text_unescape (text, call->text->str, call->text->len);
    result->text = g_string_free (text, FALSE);
  } else {
    result->text = g_strdup (call->text->str);
  }
  result->finish_reason = g_strdup (call->finish_reason != NULL ? call->finish_reason : "stop");
  result->model = g_strdup (call->model != NULL ? call->model
                                                : rtx_llm_provider_get_model (RTX_LLM_PROVIDER (call->self)));
  result->prompt_tokens = call->prompt_tokens;
  result->completion_tokens = call->completion_tokens > 0 ? call->completion_tokens
                                                          : rtx_embedder_count_tokens (result->text);
  g_task_return_pointer (task, result, (GDestroyNotify) rtx_llm_result_free);
}

static gboolean
parse_whole_chat (Call        *call,
                  JsonObject  *root,
                  GError     **error)
{
  JsonObject *choice = first_choice (root);
  JsonObject *message = choice != NULL && json_object_has_member (choice, "message") &&
                        JSON_NODE_HOLDS_OBJECT (json_object_get_member (choice, "message"))
                        ? json_object_get_object_member (choice, "message") : NULL;
  const char *content = string_member (message, "content");

  if (message == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                 _("The model provider's answer has no choices[0].message"));
    return FALSE;
  }
  g_string_append (call->text, content != NULL ? content : "");
  call->finish_reason = g_strdup (string_member (choice, "finish_reason"));
  call->model = g_strdup (string_member (root, "model"));
  read_usage (call, root);
  return TRUE;
}

static gboolean
parse_embeddings (Call            *call,
                  JsonObject      *root,
                  RtxEmbeddings  **out,
                  GError         **error)
{
  JsonNode *data = json_object_get_member (root, "data");
  g_autoptr(RtxEmbeddings) emb = g_new0 (RtxEmbeddings, 1);
  JsonArray *items;

  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    goto malformed;
  items = json_node_get_array (data);
  if (json_array_get_length (items) != call->n_texts)
    goto malformed;

  emb->n_vectors = call->n_texts;
  for (guint i = 0; i < emb->n_vectors; i++) {
    JsonNode *item = json_array_get_element (items, i);
    JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
    JsonNode *vector = object != NULL ? json_object_get_member (object, "embedding") : NULL;
    JsonArray *values;
    guint index = object != NULL ? json_object_get_int_member_with_default (object, "index", i) : i;

    if (vector == NULL || !JSON_NODE_HOLDS_ARRAY (vector) || index >= emb->n_vectors)
      goto malformed;
    values = json_node_get_array (vector);
    if (emb->dim == 0) {
      emb->dim = json_array_get_length (values);
      if (emb->dim == 0)
        goto malformed;
      emb->data = g_new0 (float, (gsize) emb->dim * emb->n_vectors);
    }
    if (json_array_get_length (values) != emb->dim)
      goto malformed;
    for (guint j = 0; j < emb->dim; j++) {
      JsonNode *v = json_array_get_element (values, j);
      GType type = JSON_NODE_HOLDS_VALUE (v) ? json_node_get_value_type (v) : G_TYPE_INVALID;

      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        goto malformed;
      emb->data[(gsize) index * emb->dim + j] = (float) json_node_get_double (v);
    }
  }

  emb->model = g_strdup (string_member (root, "model"));
  read_usage (call, root);
  emb->prompt_tokens = call->prompt_tokens;
  *out = g_steal_pointer (&emb);
  return TRUE;

malformed:
  g_set_error (error, RTX_ERROR, RTX_ERROR_UPSTREAM,
               _("The model provider's embeddings answer is malformed"));
  return FALSE;
}

static gboolean
parse_models (JsonObject  *root,
              GStrv       *out,
              GError     **error)
{
  JsonNode *data = json_object_get_member (root, "data");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                 _("The model provider's model list is malformed"));
    return FALSE;
  }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (data)); i++) {
    JsonNode *item = json_array_get_element (json_node_get_array (data), i);
    const char *id = JSON_NODE_HOLDS_OBJECT (item)
                     ? string_member (json_node_get_object (item), "id") : NULL;

    if (id != NULL)
      g_strv_builder_add (builder, id);
  }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/* A whole (non-streamed) body has arrived. */
static void
finish_whole (GTask *task,
              Call  *call)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  node = json_from_string (call->whole->len > 0 ? (const char *) call->whole->data : "", NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (&error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                 _("The model provider's answer is not JSON"));
    fail (task, call, error);
    return;
  }
  root = json_node_get_object (node);

  switch (call->kind) {
  case CALL_CHAT:
    if (!parse_whole_chat (call, root, &error)) {
      fail (task, call, error);
      return;
    }
    if (call->on_token != NULL && call->text->len > 0)
      rtx_llm_token_emit (call->on_token, call->token_data, call->text->str, call->text->len);
    return_chat (task, call);
    break;
  case CALL_EMBED: {
    RtxEmbeddings *emb = NULL;

    if (!parse_embeddings (call, root, &emb, &error))
      fail (task, call, error);
    else
      g_task_return_pointer (task, emb, (GDestroyNotify) rtx_embeddings_free);
    break;
  }
  case CALL_MODELS: {
    GStrv models = NULL;

    if (!parse_models (root, &models, &error))
      fail (task, call, error);
    else
      g_task_return_pointer (task, models, (GDestroyNotify) g_strfreev);
    break;
  }
  default:
    g_assert_not_reached ();
  }
}

/* ---- Reading ----------------------------------------------------------------------------- */

static void read_body (GTask *task);
static void send_call (GTask *task);
static void got_head (GTask *task);

static void
on_error_body_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *detail = NULL;
  guint status = call->status;

  disarm_deadline (call);
  if (bytes != NULL)
    text = g_utf8_make_valid (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  node = text != NULL ? json_from_string (text, NULL) : NULL;
  /* OpenAI's shape {"error":{"message"}}, or a plain {"error":"…"}. */
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)) {
    JsonNode *err = json_object_get_member (json_node_get_object (node), "error");

    if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
      detail = string_member (json_node_get_object (err), "message");
    else if (err != NULL)
      detail = string_member (json_node_get_object (node), "error");
  }

  g_set_error (&error, RTX_ERROR, RTX_ERROR_UPSTREAM,
               status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN
               ? _("The model provider refused the API key (HTTP %u): %s")
               : _("The model provider answered HTTP %u: %s"),
               status, detail != NULL ? detail : soup_status_get_phrase (status));
  fail (task, call, error);
}

/* ---- Keeping the connection ---------------------------------------------------------------- */

/* After [DONE] only the chunked body's terminator is left. Read to its end, libsoup puts the
 * connection back in its pool and the next call skips a connect (a round trip before its
 * first token); dropped before the end, the connection is closed. */
typedef struct {
  SoupMessage  *msg;
  GInputStream *input;
  GCancellable *cancellable;
  guint         timeout_id;
  gsize         left;
} Drain;

static void
drain_free (Drain *drain)
{
  g_clear_handle_id (&drain->timeout_id, g_source_remove);
  g_clear_object (&drain->input);
  g_clear_object (&drain->msg);
  g_clear_object (&drain->cancellable);
  g_free (drain);
}

static gboolean
on_drain_timeout_cb (gpointer user_data)
{
  Drain *drain = user_data;

  drain->timeout_id = 0;
  g_cancellable_cancel (drain->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_drained_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Drain *drain = user_data;
  gssize n = g_input_stream_skip_finish (G_INPUT_STREAM (source), result, NULL);

  /* More than a terminator: a server that keeps talking is not worth waiting for. */
  if (n > 0 && (gsize) n < drain->left) {
    drain->left -= n;
    g_input_stream_skip_async (drain->input, drain->left, G_PRIORITY_DEFAULT,
                               drain->cancellable, on_drained_cb, drain);
    return;
  }
  drain_free (drain);
}

static void
drain_body (Call *call)
{
  Drain *drain;
  char buffer[64];

  if (call->input == NULL)
    return;

  /* Usually the terminator came with [DONE]. */
  if (G_IS_POLLABLE_INPUT_STREAM (call->input) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (call->input))) {
    gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (call->input),
                                                         buffer, sizeof buffer, NULL, NULL);
    if (n == 0)
      return;
  }

  drain = g_new0 (Drain, 1);
  drain->msg = g_object_ref (call->msg);
  drain->input = g_steal_pointer (&call->input);
  drain->cancellable = g_cancellable_new ();
  drain->left = READ_SIZE;
  drain->timeout_id = g_timeout_add (DRAIN_TIMEOUT_MS, on_drain_timeout_cb, drain);
  g_input_stream_skip_async (drain->input, drain->left, G_PRIORITY_DEFAULT, drain->cancellable,
                             on_drained_cb, drain);
}

/* Takes @size bytes (0 at the end of the body). Returns %TRUE when more are wanted; otherwise
 * the task has been returned. */
static gboolean
consume (GTask      *task,
         const char *data,
         gsize       size)
{
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (size == 0) {
    disarm_deadline (call);
    if (!call->stream) {
      g_byte_array_append (call->whole, (const guint8 *) "", 1);
      finish_whole (task, call);
      return FALSE;
    }
    /* A last event without its blank line still counts. */
    if (!feed (call, "\n\n", 2, &error)) {
      fail (task, call, error);
      return FALSE;
    }
    if (!call->done && call->finish_reason == NULL) {
      g_set_error (&error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                   _("The model provider's stream ended before the reply was complete"));
      fail (task, call, error);
      return FALSE;
    }
    return_chat (task, call);
    return FALSE;
  }

  if (!call->stream) {
    g_byte_array_append (call->whole, (const guint8 *) data, size);
    return TRUE;
  }
  if (!feed (call, data, size, &error)) {
    fail (task, call, error);
    return FALSE;
  }
  if (call->done) {
    disarm_deadline (call);
    drain_body (call);
    return_chat (task, call);
    return FALSE;
  }
  return TRUE;
}

typedef enum {
  READ_WAIT,    /* the stream would block: wait for the socket */
  READ_AGAIN,   /* stopped with data perhaps still buffered: read again on the next turn */
  READ_DONE,    /* the task has been returned */
} ReadState;

/* Reads what is there now, up to TURN_BYTES. */
static ReadState
read_available (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  char buffer[READ_SIZE];

  for (gsize turn = 0; turn < TURN_BYTES;) {
    g_autoptr(GError) error = NULL;
    gsize had = call->text->len;
    gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (call->input),
                                                         buffer, sizeof buffer,
                                                         call->cancellable, &error);

    if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
      return READ_WAIT;
    if (n < 0) {
      fail (task, call, error);
      return READ_DONE;
    }
    call->last_activity_us = g_get_monotonic_time ();
    if (!consume (task, buffer, (gsize) n))
      return READ_DONE;
    turn += (gsize) n;
    /* The first token goes out before anything else is read. */
    if (had == 0 && call->text->len > 0)
      return READ_AGAIN;
  }
  return READ_AGAIN;
}

static void
stop_reading (Call *call)
{
  if (call->readable != NULL) {
    g_source_destroy (call->readable);
    g_clear_pointer (&call->readable, g_source_unref);
  }
  if (call->again != NULL) {
    g_source_destroy (call->again);
    g_clear_pointer (&call->again, g_source_unref);
  }
}

static gboolean on_readable_cb (GObject *stream, gpointer user_data);
static gboolean on_read_again_cb (gpointer user_data);

/* Reads, then arranges the next read. The sources are made once per stream, not per read: the
 * socket's source is made the first time the stream would block (a stream's source made while
 * its buffer holds data is ready at once, for ever), and an idle source resumes a read that
 * stopped early. Returns %FALSE when the task has been returned. */
static gboolean
pump (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  switch (read_available (task)) {
  case READ_WAIT:
    if (call->readable == NULL) {
      call->readable = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (call->input),
                                                              call->cancellable);
      g_source_set_callback (call->readable, (GSourceFunc) G_CALLBACK (on_readable_cb), task, NULL);
      g_source_attach (call->readable, g_main_context_get_thread_default ());
    }
    return TRUE;
  case READ_AGAIN:
    if (call->again == NULL) {
      call->again = g_idle_source_new ();
      g_source_set_priority (call->again, READ_AGAIN_PRIORITY);
      g_source_set_callback (call->again, on_read_again_cb, task, NULL);
      g_source_attach (call->again, g_main_context_get_thread_default ());
    }
    return TRUE;
  case READ_DONE:
  default:
    stop_reading (call);
    return FALSE;
  }
}

/* The sources hold no reference: reading holds one on @task, dropped here when it ends. */
static gboolean
on_readable_cb (GObject  *stream,
                gpointer  user_data)
{
  GTask *task = user_data;

  if (pump (task))
    return G_SOURCE_CONTINUE;
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_read_again_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  g_clear_pointer (&call->again, g_source_unref);
  if (!pump (task))
    g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_read_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL) {
    fail (task, call, error);
    return;
  }

  if (consume (task, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)))
    read_body (g_steal_pointer (&task));
}

/* Reads the body; takes over the caller's reference on @task. A pollable stream (libsoup's
 * HTTP/1 and HTTP/2 bodies are) is read from one source that stays attached for the whole
 * stream: no task, buffer or source is made per read, which is the relay's hot path. */
static void
read_body (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  arm_deadline (call);
  if (!G_IS_POLLABLE_INPUT_STREAM (call->input) ||
      !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (call->input))) {
    g_input_stream_read_bytes_async (call->input, READ_SIZE, G_PRIORITY_DEFAULT,
                                     call->cancellable, on_read_cb, task);
    return;
  }

  if (!pump (task))
    g_object_unref (task);
}

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  call->input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (call->input == NULL) {
    /* A kept-alive connection that the server closed as we reused it: once more, on a new one
     * (nothing reached the server's handler). */
    if (!call->new_connection && !call->retried && error->domain == G_IO_ERROR &&
        !g_cancellable_is_cancelled (call->cancellable)) {
      call->retried = TRUE;
      send_call (g_steal_pointer (&task));
      return;
    }
    fail (task, call, error);
    return;
  }

  call->status = soup_message_get_status (call->msg);
  got_head (g_steal_pointer (&task));
}

/* The response head is in (call->status, call->input): read the body or the error. Takes over
 * the caller's reference on @task. */
static void
got_head (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  if (!SOUP_STATUS_IS_SUCCESSFUL (call->status)) {
    arm_deadline (call);
    g_input_stream_read_bytes_async (call->input, MAX_ERROR_BODY, G_PRIORITY_DEFAULT,
                                     call->cancellable, on_error_body_cb,
                                     g_steal_pointer (&task));
    return;
  }

  read_body (g_steal_pointer (&task));
}

static void
on_posted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  call->input = rtx_http_post_finish (result, &call->status, &error);
  if (call->input == NULL) {
    fail (task, call, error);
    return;
  }
  got_head (g_steal_pointer (&task));
}

/* The request's headers and body may leave in two writes; without TCP_NODELAY the second
 * waits for the server's delayed ACK (about 40 ms), which would add to every first token. */
static void
on_network_event_cb (SoupMessage        *msg,
                     GSocketClientEvent  event,
                     GIOStream          *connection,
                     gpointer            user_data)
{
  Call *call = user_data;
  GSocket *socket;

  call->new_connection = TRUE;
  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_SOCKET_CONNECTION (connection))
    return;
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

/* Takes over the caller's reference on @task. */
static void
send_call (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  g_autofree char *uri = g_strconcat (call->self->base_url, call->path, NULL);
  SoupMessageHeaders *headers;

  g_clear_object (&call->msg);
  call->new_connection = FALSE;
  call->msg = soup_message_new (call->body != NULL ? "POST" : "GET", uri);
  if (call->msg == NULL) {
    g_task_return_new_error (task, RTX_ERROR, RTX_ERROR_UPSTREAM,
                             _("The model provider's base URL “%s” is not a valid URL"),
                             call->self->base_url);
    g_object_unref (task);
    return;
  }

  g_signal_connect (call->msg, "network-event", G_CALLBACK (on_network_event_cb), call);
  /* A chat POST may reuse a kept-alive connection (libsoup opens a new one per POST unless
   * told otherwise): a connect less before each first token. */
  soup_message_add_flags (call->msg, call->retried ? SOUP_MESSAGE_NEW_CONNECTION
                                                   : SOUP_MESSAGE_IDEMPOTENT);
  headers = soup_message_get_request_headers (call->msg);
  soup_message_headers_replace (headers, "Accept",
                                call->stream ? "text/event-stream" : "application/json");
  if (call->key != NULL) {
    g_autoptr(GError) error = NULL;

    if (!rtx_credential_use_apply_to_message (call->key, call->msg, &error)) {
      fail (task, call, error);
      g_object_unref (task);
      return;
    }
  }
  arm_deadline (call);
  if (call->body != NULL) {
    g_autofree char *text = rtx_json_to_string (call->body, FALSE);
    gsize length = strlen (text);
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), length);

    /* A streamed chat is read by the relay's own HTTP/1.1 reader (rtx-http-stream.c: one
     * read per arrival, not two per token); everything else goes through libsoup. */
    if (call->kind == CALL_CHAT && call->stream) {
      rtx_http_post_async (call->msg, bytes, "application/json", call->cancellable,
                           on_posted_cb, task);
      return;
    }
    soup_message_set_request_body_from_bytes (call->msg, "application/json", bytes);
  }

  soup_session_send_async (call->self->session, call->msg, G_PRIORITY_DEFAULT,
                           call->cancellable, on_sent_cb, task);
}

static void
on_key_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredentialUse) key = rtx_llm_key_get_finish (result, &error);

  if (error != NULL) {
    fail (task, call, error);
    g_object_unref (task);
    return;
  }

  call->key = g_steal_pointer (&key);
  send_call (task);
}

static void
start_call (RtxLlmOpenai        *self,
            Call                *call,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  call->self = g_object_ref (self);
  call->cancellable = g_cancellable_new ();
  call->pending = g_string_new (NULL);
  call->event_data = g_string_new (NULL);
  call->text = g_string_new (NULL);
  call->whole = g_byte_array_new ();
  rtx_openai_chunk_init (&call->chunk);
  if (cancellable != NULL) {
    call->caller = g_object_ref (cancellable);
    call->caller_cancel_id = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (on_caller_cancelled_cb),
                                                    g_object_ref (call->cancellable),
                                                    g_object_unref);
  }
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (self->base_url == NULL || *self->base_url == '\0') {
    g_task_return_new_error (task, RTX_ERROR, RTX_ERROR_UPSTREAM,
                             _("No base URL is configured for the generic-openai provider "
                               "(GenericOpenAiBasePath or RTX_LLM_BASE_URL)"));
    g_object_unref (task);
    return;
  }

  rtx_llm_key_get_async (self->key, call->cancellable, on_key_cb, task);
}

/* ---- The provider ------------------------------------------------------------------------ */

static JsonNode *
chat_body (RtxLlmOpenai  *self,
           RtxLlmRequest *request,
           gboolean       stream)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  const char *model = rtx_llm_provider_get_model (RTX_LLM_PROVIDER (self));
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model != NULL ? model : "");
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < request->messages->len; i++) {
    RtxLlmMessage *m = g_ptr_array_index (request->messages, i);

    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "role");
    json_builder_add_string_value (builder, m->role);
    json_builder_set_member_name (builder, "content");
    json_builder_add_string_value (builder, m->content);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, stream);
  if (stream) {
    json_builder_set_member_name (builder, "stream_options");
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "include_usage");
    json_builder_add_boolean_value (builder, TRUE);
    json_builder_end_object (builder);
  }
  if (!isnan (request->temperature)) {
    json_builder_set_member_name (builder, "temperature");
    json_builder_add_double_value (builder, request->temperature);
  }
  if (request->max_tokens > 0) {
    json_builder_set_member_name (builder, "max_tokens");
    json_builder_add_int_value (builder, request->max_tokens);
  }
  if (request->stop != NULL && request->stop[0] != NULL) {
    json_builder_set_member_name (builder, "stop");
    json_builder_begin_array (builder);
    for (guint i = 0; request->stop[i] != NULL; i++)
      json_builder_add_string_value (builder, request->stop[i]);
    json_builder_end_array (builder);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  object = json_node_get_object (root);
  /* Pass-through members never override ours. */
  if (request->extra != NULL) {
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init (&iter, request->extra);
    while (json_object_iter_next (&iter, &name, &value)) {
      if (!json_object_has_member (object, name))
        json_object_set_member (object, name, json_node_copy (value));
    }
  }
  return g_steal_pointer (&root);
}

static void
openai_chat_async (RtxLlmProvider      *provider,
                   RtxLlmRequest       *request,
                   RtxLlmTokenFunc      on_token,
                   gpointer             token_data,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  RtxLlmOpenai *self = RTX_LLM_OPENAI (provider);
  Call *call = g_new0 (Call, 1);

  call->kind = CALL_CHAT;
  call->path = g_strdup ("/chat/completions");
  call->stream = on_token != NULL;
  call->on_token = on_token;
  call->token_data = token_data;
  call->body = chat_body (self, request, call->stream);
  start_call (self, call, cancellable, callback, user_data);
}

static RtxLlmResult *
openai_chat_finish (RtxLlmProvider  *provider,
                    GAsyncResult    *result,
                    GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
openai_embed_async (RtxLlmProvider      *provider,
                    const char * const  *texts,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  RtxLlmOpenai *self = RTX_LLM_OPENAI (provider);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  const char *model = rtx_llm_provider_get_model (provider);
  Call *call = g_new0 (Call, 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model != NULL ? model : "");
  json_builder_set_member_name (builder, "input");
  json_builder_begin_array (builder);
  for (guint i = 0; texts[i] != NULL; i++) {
    json_builder_add_string_value (builder, texts[i]);
    call->n_texts++;
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  call->kind = CALL_EMBED;
  call->path = g_strdup ("/embeddings");
  call->body = json_builder_get_root (builder);
  start_call (self, call, cancellable, callback, user_data);
}

static RtxEmbeddings *
openai_embed_finish (RtxLlmProvider  *provider,
                     GAsyncResult    *result,
                     GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
openai_list_models_async (RtxLlmProvider      *provider,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Call *call = g_new0 (Call, 1);

  call->kind = CALL_MODELS;
  call->path = g_strdup ("/models");
  start_call (RTX_LLM_OPENAI (provider), call, cancellable, callback, user_data);
}

static GStrv
openai_list_models_finish (RtxLlmProvider  *provider,
                           GAsyncResult    *result,
                           GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rtx_llm_openai_dispose (GObject *object)
{
  RtxLlmOpenai *self = RTX_LLM_OPENAI (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->key, rtx_llm_key_unref);

  G_OBJECT_CLASS (rtx_llm_openai_parent_class)->dispose (object);
}

static void
rtx_llm_openai_finalize (GObject *object)
{
  g_free (RTX_LLM_OPENAI (object)->base_url);

  G_OBJECT_CLASS (rtx_llm_openai_parent_class)->finalize (object);
}

static void
rtx_llm_openai_class_init (RtxLlmOpenaiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  RtxLlmProviderClass *provider_class = RTX_LLM_PROVIDER_CLASS (klass);

  object_class->dispose = rtx_llm_openai_dispose;
  object_class->finalize = rtx_llm_openai_finalize;
  provider_class->chat_async = openai_chat_async;
  provider_class->chat_finish = openai_chat_finish;
  provider_class->embed_async = openai_embed_async;
  provider_class->embed_finish = openai_embed_finish;
  provider_class->list_models_async = openai_list_models_async;
  provider_class->list_models_finish = openai_list_models_finish;
}

static void
rtx_llm_openai_init (RtxLlmOpenai *self)
{
}

/**
 * rtx_llm_openai_new:
 * @session: the session the runtime's upstream calls share
 * @base_url: (nullable): e.g. `http://127.0.0.1:11434/v1`; calls fail clearly without one
 * @model: (nullable): the model to ask for
 * @key: where the API key comes from
 * @timeout_sec: the longest wait for the first byte and between reads
 *
 * Returns: (transfer full): the provider
 */
RtxLlmProvider *
rtx_llm_openai_new (SoupSession *session,
                    const char  *base_url,
                    const char  *model,
                    RtxLlmKey   *key,
                    guint        timeout_sec)
{
  RtxLlmOpenai *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (RTX_TYPE_LLM_OPENAI, "name", "generic-openai", "model", model, NULL);
  self->session = g_object_ref (session);
  self->key = rtx_llm_key_ref (key);
  self->timeout_sec = MAX (timeout_sec, 1);
  if (base_url != NULL) {
    self->base_url = g_strdup (base_url);
    while (g_str_has_suffix (self->base_url, "/"))
      self->base_url[strlen (self->base_url) - 1] = '\0';
  }

  return RTX_LLM_PROVIDER (self);
}

const char *
rtx_llm_openai_get_base_url (RtxLlmOpenai *self)
{
  g_return_val_if_fail (RTX_IS_LLM_OPENAI (self), NULL);

  return self->base_url;
}
