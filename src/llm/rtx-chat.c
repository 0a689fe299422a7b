/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-chat.h"
#include "rtx-embedder-builtin.h"
#include "rtx-error.h"
#include "rtx-llm.h"
#include "rtx-thread-task.h"

/*
 * One chat exchange, as standard-api.md §3.1 describes it: reset, context (the context
 * provider's pinned and retrieved passages, plus attachments), query refusal, history, prompt,
 * the provider's answer (streamed through the token function), and the stored exchange.
 * A cancelled exchange (the client went away) keeps and stores what was generated.
 */

#define DEFAULT_PROMPT \
  "Given the following conversation, relevant context, and a follow up question, reply with " \
  "an answer to the current question the user is asking. Return only your response to the " \
  "question given the above information following the users instructions as needed."

#define DEFAULT_REFUSAL \
  "There is no relevant information in this workspace to answer your query."

RtxChatInput *
rtx_chat_input_new (const RtxWorkspace *workspace,
                    const char         *message)
{
  RtxChatInput *input = g_new0 (RtxChatInput, 1);

  input->uuid = g_uuid_string_random ();
  input->workspace = rtx_workspace_copy (workspace);
  input->message = g_strdup (message != NULL ? message : "");
  input->mode = g_strdup (workspace->chat_mode != NULL ? workspace->chat_mode : "chat");
  input->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);
  input->temperature = NAN;
  return input;
}

void
rtx_chat_input_free (RtxChatInput *input)
{
  if (input == NULL)
    return;

  g_free (input->uuid);
  rtx_workspace_free (input->workspace);
  g_free (input->session_id);
  g_free (input->message);
  g_free (input->mode);
  g_clear_pointer (&input->attachments, g_ptr_array_unref);
  g_clear_pointer (&input->messages, g_ptr_array_unref);
  g_free (input->system_prompt);
  g_strfreev (input->stop);
  g_clear_pointer (&input->extra, json_object_unref);
  g_free (input);
}

void
rtx_chat_output_free (RtxChatOutput *output)
{
  if (output == NULL)
    return;

  g_free (output->uuid);
  g_free (output->text);
  g_clear_pointer (&output->sources, g_ptr_array_unref);
  g_free (output->finish_reason);
  g_free (output->model);
  g_free (output->provider);
  g_free (output);
}

gboolean
rtx_chat_mode_is_valid (const char *mode)
{
  return g_strcmp0 (mode, "chat") == 0 || g_strcmp0 (mode, "query") == 0 ||
         g_strcmp0 (mode, "automatic") == 0;
}

/* ---- JSON shapes ------------------------------------------------------------------------- */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static guint
count_words (const char *text)
{
  guint n = 0;
  gboolean in_word = FALSE;

  for (const char *p = text; *p != '\0'; p++) {
    gboolean space = g_ascii_isspace (*p);

    if (!space && !in_word)
      n++;
    in_word = !space;
  }
  return n;
}

/* Adds a `sources` array in AnythingLLM's item shape (§3.4). */
void
rtx_chat_add_sources_json (JsonBuilder *builder,
                           GPtrArray   *sources)
{
  json_builder_set_member_name (builder, "sources");
  json_builder_begin_array (builder);
  for (guint i = 0; sources != NULL && i < sources->len; i++) {
    RtxSource *source = g_ptr_array_index (sources, i);
    g_autofree char *id = g_strdup_printf ("%u", i + 1);
    const char *text = source->text != NULL ? source->text : "";

    json_builder_begin_object (builder);
    add_string (builder, "id", id);
    add_string (builder, "title", source->title);
    add_string (builder, "url", source->location);
    add_string (builder, "docSource", source->location);
    add_string (builder, "chunkSource", source->location);
    add_string (builder, "text", text);
    json_builder_set_member_name (builder, "score");
    json_builder_add_double_value (builder, source->score);
    json_builder_set_member_name (builder, "pinned");
    json_builder_add_boolean_value (builder, source->pinned);
    json_builder_set_member_name (builder, "wordCount");
    json_builder_add_int_value (builder, count_words (text));
    json_builder_set_member_name (builder, "token_count_estimate");
    json_builder_add_int_value (builder, rtx_embedder_count_tokens (text));
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
}

void
rtx_chat_add_metrics_json (JsonBuilder   *builder,
                           RtxChatOutput *output)
{
  json_builder_set_member_name (builder, "metrics");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, output->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, output->completion_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, output->prompt_tokens + output->completion_tokens);
  json_builder_set_member_name (builder, "outputTps");
  json_builder_add_double_value (builder, output->duration > 0
                                          ? output->completion_tokens / output->duration : 0);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_double_value (builder, output->duration);
  if (output->model != NULL)
    add_string (builder, "model", output->model);
  if (output->provider != NULL)
    add_string (builder, "provider", output->provider);
  json_builder_end_object (builder);
}

/* ---- The exchange ------------------------------------------------------------------------ */

typedef struct {
  RtxRuntime      *runtime;
  RtxChatInput    *input;
  RtxLlmTokenFunc  on_token;
  gpointer         token_data;
  RtxLlmProvider  *provider;
  GPtrArray       *sources;
  GString         *generated;   /* escaped, as the pieces came: decoded only if cancelled */
  gint64           started_us;
} ChatJob;

static void
chat_job_free (ChatJob *job)
{
  g_clear_object (&job->runtime);
  rtx_chat_input_free (job->input);
  g_clear_object (&job->provider);
  g_clear_pointer (&job->sources, g_ptr_array_unref);
  if (job->generated != NULL)
    g_string_free (job->generated, TRUE);
  g_free (job);
}

static RtxChatPartition
partition_of (RtxChatInput *input)
{
  RtxChatPartition partition = {
    input->workspace->id, input->thread_id, input->session_id, input->user_id,
  };

  return partition;
}

static RtxChatOutput *
output_new (ChatJob    *job,
            const char *text)
{
  RtxChatOutput *output = g_new0 (RtxChatOutput, 1);

  output->uuid = g_strdup (job->input->uuid);
  output->text = g_strdup (text);
  output->sources = job->sources != NULL ? g_ptr_array_ref (job->sources)
                    : g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);
  output->finish_reason = g_strdup ("stop");
  return output;
}

/* Storing runs in a worker thread: with synchronous=FULL a commit waits for the disk, and the
 * main loop serves every other stream meanwhile (DESIGN.md §4). */
typedef struct {
  RtxChats   *chats;
  gint64      workspace_id;
  gint64      thread_id;
  gint64      user_id;
  char       *session_id;
  char       *prompt;
  JsonObject *response;
  gboolean    include;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  g_clear_object (&job->chats);
  g_free (job->session_id);
  g_free (job->prompt);
  g_clear_pointer (&job->response, json_object_unref);
  g_free (job);
}

static void
store_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StoreJob *job = task_data;
  RtxChatPartition partition = {
    job->workspace_id, job->thread_id, job->session_id, job->user_id,
  };
  GError *error = NULL;
  gint64 id = rtx_chats_add (job->chats, &partition, job->prompt, job->response, job->include,
                             &error);

  if (id == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, id);
}

typedef struct {
  GTask         *outer;
  RtxChatOutput *output;
  GError        *deferred;   /* returned instead of the output (a cancelled exchange) */
} StoreCtx;

static void
on_stored_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StoreCtx *ctx = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    g_warning ("Could not store a chat: %s", error->message);

  if (ctx->deferred != NULL) {
    g_task_return_error (ctx->outer, ctx->deferred);
    rtx_chat_output_free (ctx->output);
  } else {
    ctx->output->chat_id = id > 0 ? id : 0;
    g_task_return_pointer (ctx->outer, ctx->output, (GDestroyNotify) rtx_chat_output_free);
  }
  g_object_unref (ctx->outer);
  g_free (ctx);
}

/* Stores the exchange as {text, sources, type, attachments, metrics} (§3.1 step 7), then
 * returns @output (or @deferred) on @outer, whose reference it takes. */
static void
store_and_return (GTask         *outer,
                  ChatJob       *job,
                  RtxChatOutput *output,
                  gboolean       include,
                  GError        *deferred)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GTask) task = NULL;
  StoreJob *store;
  StoreCtx *ctx;

  /* The embed widget keeps its own log of exchanges. */
  if (job->input->no_store) {
    if (deferred != NULL) {
      g_task_return_error (outer, deferred);
      rtx_chat_output_free (output);
    } else {
      g_task_return_pointer (outer, output, (GDestroyNotify) rtx_chat_output_free);
    }
    g_object_unref (outer);
    return;
  }

  store = g_new0 (StoreJob, 1);
  ctx = g_new0 (StoreCtx, 1);
  json_builder_begin_object (builder);
  add_string (builder, "text", output->text);
  rtx_chat_add_sources_json (builder, output->sources);
  add_string (builder, "type", job->input->mode);
  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; i < job->input->attachments->len; i++) {
    RtxSource *att = g_ptr_array_index (job->input->attachments, i);

    json_builder_add_string_value (builder, att->title != NULL ? att->title : "");
  }
  json_builder_end_array (builder);
  rtx_chat_add_metrics_json (builder, output);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  store->chats = g_object_ref (rtx_runtime_get_chats (job->runtime));
  store->workspace_id = job->input->workspace->id;
  store->thread_id = job->input->thread_id;
  store->user_id = job->input->user_id;
  store->session_id = g_strdup (job->input->session_id);
  store->prompt = g_strdup (job->input->message);
  /* The worker's alone: neither the node nor the builder keeps a reference to it here. */
  store->response = json_object_ref (json_node_get_object (node));
  g_clear_pointer (&node, json_node_unref);
  json_builder_reset (builder);
  store->include = include;

  ctx->outer = outer;
  ctx->output = output;
  ctx->deferred = deferred;

  /* No cancellable: a cancelled exchange is stored all the same. */
  task = rtx_thread_task_new (NULL, NULL, on_stored_cb, ctx);
  g_task_set_task_data (task, store, (GDestroyNotify) store_job_free);
  g_task_run_in_thread (task, store_thread);
}

static void
append_context (GString   *system,
                GPtrArray *sources)
{
  if (sources->len == 0)
    return;

  g_string_append (system, "\n\nContext:\n");
  for (guint i = 0; i < sources->len; i++) {
    RtxSource *source = g_ptr_array_index (sources, i);

    g_string_append_printf (system, "[CONTEXT %u]:\n%s\n[END CONTEXT %u]\n\n", i,
                            source->text != NULL ? source->text : "", i);
  }
}

static void
add_history (ChatJob       *job,
             RtxLlmRequest *request)
{
  RtxChatInput *input = job->input;
  RtxChatPartition partition = partition_of (input);
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  if (input->messages != NULL) {
    for (guint i = 0; i < input->messages->len; i++) {
      RtxLlmMessage *m = g_ptr_array_index (input->messages, i);

      rtx_llm_request_add_message (request, m->role, m->content);
    }
    return;
  }

  if (input->workspace->openai_history <= 0)
    return;

  history = rtx_chats_history (rtx_runtime_get_chats (job->runtime), &partition,
                               (guint) input->workspace->openai_history, FALSE, &error);
  if (history == NULL) {
    g_warning ("Could not read the chat history: %s", error->message);
    return;
  }
  for (guint i = 0; i < history->len; i++) {
    RtxChatRecord *record = g_ptr_array_index (history, i);
    const char *text = json_object_get_string_member_with_default (record->response, "text", "");

    rtx_llm_request_add_message (request, "user", record->prompt);
    rtx_llm_request_add_message (request, "assistant", text);
  }
}

static RtxLlmRequest *
build_request (ChatJob *job)
{
  RtxChatInput *input = job->input;
  RtxLlmRequest *request = rtx_llm_request_new ();
  g_autoptr(GString) system = NULL;
  const char *prompt = input->system_prompt != NULL ? input->system_prompt
                     : input->workspace->openai_prompt != NULL ? input->workspace->openai_prompt
                     : DEFAULT_PROMPT;

  system = g_string_new (prompt);
  append_context (system, job->sources);
  rtx_llm_request_add_message (request, "system", system->str);
  add_history (job, request);
  rtx_llm_request_add_message (request, "user", input->message);

  request->temperature = !isnan (input->temperature) ? input->temperature
                                                      : input->workspace->openai_temp;
  request->max_tokens = input->max_tokens;
  request->stop = g_strdupv (input->stop);
  request->extra = input->extra != NULL ? json_object_ref (input->extra) : NULL;
  request->query = g_strdup (input->message);
  for (guint i = 0; i < job->sources->len; i++)
    g_ptr_array_add (request->sources, rtx_source_copy (g_ptr_array_index (job->sources, i)));

  return request;
}

static void
on_token (const RtxLlmToken *token,
          gpointer           user_data)
{
  ChatJob *job = user_data;

  g_string_append_len (job->generated, token->json, token->json_len);
  if (job->on_token != NULL)
    job->on_token (token, job->token_data);
}

static void
fill_metrics (ChatJob       *job,
              RtxChatOutput *output,
              RtxLlmResult  *result)
{
  output->duration = (g_get_monotonic_time () - job->started_us) / (double) G_USEC_PER_SEC;
  output->provider = g_strdup (rtx_llm_provider_get_name (job->provider));
  if (result != NULL) {
    output->prompt_tokens = result->prompt_tokens;
    output->completion_tokens = result->completion_tokens;
    output->model = g_strdup (result->model != NULL ? result->model
                                                    : rtx_llm_provider_get_model (job->provider));
    g_free (output->finish_reason);
    output->finish_reason = g_strdup (result->finish_reason != NULL ? result->finish_reason
                                                                    : "stop");
  } else {
    output->completion_tokens = rtx_embedder_count_tokens (output->text);
    output->model = g_strdup (rtx_llm_provider_get_model (job->provider));
  }
}

static void
on_chat_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  ChatJob *job = g_task_get_task_data (task);
  g_autoptr(RtxLlmResult) answer = NULL;
  GError *error = NULL;
  RtxChatOutput *output;

  answer = rtx_llm_provider_chat_finish (RTX_LLM_PROVIDER (source), result, &error);
  if (answer == NULL) {
    /* A client that went away keeps what was generated (§3.2). */
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && job->generated->len > 0) {
      RtxLlmToken generated = { job->generated->str, job->generated->len };
      g_autofree char *text = rtx_llm_token_dup_text (&generated);

      output = output_new (job, text);
      fill_metrics (job, output, NULL);
      store_and_return (task, job, output, TRUE, error);
      return;
    }
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }

  /* The whole text, which streamed providers gave in pieces too. */
  output = output_new (job, answer->text);
  fill_metrics (job, output, answer);
  store_and_return (task, job, output, TRUE, NULL);
}

/* Takes over the caller's reference on @task. */
static void
refuse (GTask   *task,
        ChatJob *job)
{
  const char *text = job->input->workspace->query_refusal_response != NULL
                     ? job->input->workspace->query_refusal_response : _(DEFAULT_REFUSAL);
  RtxChatOutput *output = output_new (job, text);

  g_ptr_array_set_size (output->sources, 0);
  output->refused = TRUE;
  g_free (output->finish_reason);
  output->finish_reason = g_strdup ("no_content");
  /* Stored, but never part of later history (§3.1 step 6). */
  store_and_return (task, job, output, FALSE, NULL);
}

/* Takes over the caller's reference on @task. */
static void
answer (GTask   *task,
        ChatJob *job)
{
  g_autoptr(RtxLlmRequest) request = NULL;

  if (g_str_equal (job->input->mode, "query") && job->sources->len == 0) {
    refuse (task, job);
    return;
  }

  job->provider = rtx_llm_get_chat_provider (rtx_llm_get (job->runtime), job->input->workspace);
  request = build_request (job);
  job->started_us = g_get_monotonic_time ();
  /* A caller that wants the whole reply gets a whole (non-streamed) upstream call. */
  rtx_llm_provider_chat_async (job->provider, request, job->on_token != NULL ? on_token : NULL,
                               job, g_task_get_cancellable (task), on_chat_done_cb, task);
}

static void
on_context_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  ChatJob *job = g_task_get_task_data (task);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;

  found = rtx_context_provider_retrieve_finish (RTX_CONTEXT_PROVIDER (source), result, &error);
  if (found == NULL) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_task_return_error (task, g_steal_pointer (&error));
    else
      g_task_return_new_error (task, RTX_ERROR, RTX_ERROR_FAILED,
                               _("Could not search the workspace: %s"), error->message);
    g_object_unref (task);
    return;
  }

  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (job->sources, rtx_source_copy (g_ptr_array_index (found, i)));
  answer (task, job);
}

/* After the optional reset: the context, then the answer. Takes the reference on @task. */
static void
gather_and_answer (GTask   *task,
                   ChatJob *job)
{
  RtxChatInput *input = job->input;
  RtxContextProvider *context = rtx_runtime_get_context_provider (job->runtime);

  if (input->reset && *input->message == '\0') {
    RtxChatOutput *output = output_new (job, _("Chat history was reset!"));

    output->reset_only = TRUE;
    g_task_return_pointer (task, output, (GDestroyNotify) rtx_chat_output_free);
    g_object_unref (task);
    return;
  }

  /* Attachments first: the person gave them for this very message. */
  for (guint i = 0; i < input->attachments->len; i++)
    g_ptr_array_add (job->sources, rtx_source_copy (g_ptr_array_index (input->attachments, i)));

  if (context != NULL) {
    RtxContextQuery query = {
      input->workspace->id, input->workspace->slug, input->message,
      (guint) input->workspace->top_n, input->workspace->similarity_threshold,
    };

    rtx_context_provider_retrieve_async (context, &query, g_task_get_cancellable (task),
                                         on_context_cb, task);
    return;
  }

  answer (task, job);
}

/* A reset is a write (it waits for the disk): it runs in a worker thread. */
static void
reset_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ChatJob *job = task_data;
  RtxChatPartition partition = partition_of (job->input);
  GError *error = NULL;

  if (rtx_chats_reset (rtx_runtime_get_chats (job->runtime), &partition, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_reset_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    g_task_return_error (task, error);
    g_object_unref (task);
    return;
  }
  gather_and_answer (task, g_task_get_task_data (task));
}

/**
 * rtx_chat_run_async:
 * @runtime: the runtime
 * @input: (transfer full): the exchange
 * @on_token: (nullable): receives each streamed piece of the reply
 * @token_data: data for @on_token, valid until @callback runs
 * @cancellable: (nullable): cancels the upstream call; what was generated is still stored
 * @callback: called with the result
 * @user_data: data for @callback
 */
void
rtx_chat_run_async (RtxRuntime          *runtime,
                    RtxChatInput        *input,
                    RtxLlmTokenFunc      on_token_func,
                    gpointer             token_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (runtime, cancellable, callback, user_data);
  ChatJob *job = g_new0 (ChatJob, 1);

  job->runtime = g_object_ref (runtime);
  job->input = input;
  job->on_token = on_token_func;
  job->token_data = token_data;
  job->generated = g_string_new (NULL);
  job->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);
  g_task_set_source_tag (task, rtx_chat_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) chat_job_free);

  if (input->reset) {
    g_autoptr(GTask) reset = g_task_new (NULL, NULL, on_reset_cb, task);

    g_task_set_task_data (reset, job, NULL);
    g_task_run_in_thread (reset, reset_thread);
    return;
  }

  gather_and_answer (task, job);
}

/**
 * rtx_chat_run_finish:
 *
 * Returns: (transfer full): the exchange's outcome, or %NULL (%G_IO_ERROR_CANCELLED when the
 *   client went away; the generated part was stored)
 */
RtxChatOutput *
rtx_chat_run_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
