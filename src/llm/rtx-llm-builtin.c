/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-context.h"
#include "rtx-embedder-builtin.h"
#include "rtx-llm-builtin.h"

/* The extractive responder quotes at most this many sentences. */
#define MAX_SENTENCES 4
/* Sentences shorter than this (in bytes) are headings or noise. */
#define MIN_SENTENCE 12
#define DIM RTX_EMBEDDER_BUILTIN_DIM

/**
 * RtxLlmBuiltin:
 *
 * The provider that works on a fresh machine with nothing downloaded: the hashed n-gram
 * embedder, and an extractive responder that answers with the sentences of the chat's context
 * (attachments, pinned documents, retrieved passages) most similar to the question, cites
 * them, and says plainly that no language model is configured.
 */
struct _RtxLlmBuiltin {
  RtxLlmProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (RtxLlmBuiltin, rtx_llm_builtin, RTX_TYPE_LLM_PROVIDER)

typedef struct {
  char  *text;
  guint  source;   /* index into the sources, for the citation number */
  float  score;
} Sentence;

static void
sentence_clear (gpointer data)
{
  g_free (((Sentence *) data)->text);
}

/* Splits a passage at sentence ends (. ! ? followed by a space) and at line breaks. */
static void
split_sentences (const char *text,
                 guint       source,
                 GArray     *out)
{
  const char *start = text;

  for (const char *p = text; ; p++) {
    gboolean end = *p == '\0' || *p == '\n' ||
                   ((*p == '.' || *p == '!' || *p == '?') && (p[1] == ' ' || p[1] == '\0' ||
                                                              p[1] == '\n'));

    if (!end)
      continue;
    if (*p != '\0' && *p != '\n')
      p++;   /* keep the punctuation */
    {
      g_autofree char *piece = g_strstrip (g_strndup (start, p - start));

      if (strlen (piece) >= MIN_SENTENCE && g_utf8_validate (piece, -1, NULL)) {
        Sentence s = { g_steal_pointer (&piece), source, 0 };

        g_array_append_val (out, s);
      }
    }
    if (*p == '\0')
      break;
    start = p + 1;
  }
}

static int
by_score_desc (gconstpointer a,
               gconstpointer b)
{
  float sa = ((const Sentence *) a)->score, sb = ((const Sentence *) b)->score;

  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

/**
 * rtx_llm_builtin_answer:
 * @query: the question
 * @sources: (element-type RtxSource): the context
 *
 * The extractive answer: the sentences of @sources closest to @query by the built-in
 * embedding, each with the number of its source, after a plain statement that no language
 * model is configured. CPU-bound: call it from a worker thread for large contexts.
 *
 * Returns: (transfer full): the answer
 */
char *
rtx_llm_builtin_answer (const char *query,
                        GPtrArray  *sources)
{
  g_autoptr(GArray) sentences = g_array_new (FALSE, TRUE, sizeof (Sentence));
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autofree float *qvec = g_new0 (float, DIM);
  g_autofree float *svec = g_new0 (float, DIM);
  g_autofree gboolean *cited = NULL;
  guint n_sources = sources != NULL ? sources->len : 0;
  guint taken = 0;

  g_array_set_clear_func (sentences, sentence_clear);
  rtx_embedder_builtin_embed (query != NULL ? query : "", qvec, DIM);

  for (guint i = 0; i < n_sources; i++) {
    RtxSource *source = g_ptr_array_index (sources, i);

    if (source->text != NULL)
      split_sentences (source->text, i, sentences);
  }

  for (guint i = 0; i < sentences->len; i++) {
    Sentence *s = &g_array_index (sentences, Sentence, i);

    rtx_embedder_builtin_embed (s->text, svec, DIM);
    s->score = rtx_embedder_cosine (qvec, svec, DIM);
  }
  g_array_sort (sentences, by_score_desc);

  if (sentences->len == 0) {
    g_string_append (answer,
                     _("No language model is configured, and this workspace has no documents, "
                       "pinned context or attachments that could answer your message. Configure "
                       "a model provider in Settings > Model provider (or with "
                       "POST /api/v1/system/update-env) to chat with a language model."));
    return g_string_free (g_steal_pointer (&answer), FALSE);
  }

  g_string_append (answer,
                   _("No language model is configured, so this answer is taken from the "
                     "workspace’s own context: the passages most relevant to your message."));
  g_string_append (answer, "\n");

  cited = g_new0 (gboolean, n_sources);
  for (guint i = 0; i < sentences->len && taken < MAX_SENTENCES; i++) {
    Sentence *s = &g_array_index (sentences, Sentence, i);

    /* A sentence with nothing in common with the question is not an answer to it, unless
     * the context has nothing better (the first one is always quoted). */
    if (taken > 0 && s->score <= 0.05f)
      break;
    g_string_append_printf (answer, "\n- %s [%u]", s->text, s->source + 1);
    cited[s->source] = TRUE;
    taken++;
  }

  g_string_append_printf (answer, "\n\n%s", _("Sources:"));
  for (guint i = 0; i < n_sources; i++) {
    RtxSource *source = g_ptr_array_index (sources, i);

    if (cited[i])
      g_string_append_printf (answer, "\n[%u] %s", i + 1,
                              source->title != NULL ? source->title : source->location);
  }

  return g_string_free (g_steal_pointer (&answer), FALSE);
}

/* ---- Chat -------------------------------------------------------------------------------- */

typedef struct {
  RtxLlmRequest   *request;
  RtxLlmTokenFunc  on_token;
  gpointer         token_data;
} ChatJob;

static void
chat_job_free (ChatJob *job)
{
  rtx_llm_request_unref (job->request);
  g_free (job);
}

static void
chat_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ChatJob *job = task_data;
  RtxLlmResult *result = g_new0 (RtxLlmResult, 1);
  guint prompt = 0;

  for (guint i = 0; i < job->request->messages->len; i++) {
    RtxLlmMessage *m = g_ptr_array_index (job->request->messages, i);

    prompt += rtx_embedder_count_tokens (m->content);
  }

  result->text = rtx_llm_builtin_answer (job->request->query, job->request->sources);
  result->finish_reason = g_strdup ("stop");
  result->model = g_strdup ("builtin");
  result->prompt_tokens = prompt;
  result->completion_tokens = rtx_embedder_count_tokens (result->text);

  g_task_return_pointer (task, result, (GDestroyNotify) rtx_llm_result_free);
}

/* Streams the answer word by word (with the spaces before each word), like a model would, so
 * that streaming clients see the same shape whichever provider answers. */
static void
emit_tokens (const char      *text,
             RtxLlmTokenFunc  on_token,
             gpointer         token_data)
{
  const char *start = text;

  for (const char *p = text; *p != '\0'; p++) {
    if ((*p == ' ' || *p == '\n') && p > start && p[-1] != ' ' && p[-1] != '\n') {
      rtx_llm_token_emit (on_token, token_data, start, p - start);
      start = p;
    }
  }
  if (*start != '\0')
    rtx_llm_token_emit (on_token, token_data, start, strlen (start));
}

static void
chat_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  ChatJob *job = g_task_get_task_data (outer);
  g_autoptr(RtxLlmResult) answer = NULL;
  GError *error = NULL;

  answer = g_task_propagate_pointer (G_TASK (result), &error);
  if (answer == NULL) {
    g_task_return_error (outer, error);
    return;
  }

  if (g_task_return_error_if_cancelled (outer))
    return;

  if (job->on_token != NULL)
    emit_tokens (answer->text, job->on_token, job->token_data);

  g_task_return_pointer (outer, g_steal_pointer (&answer), (GDestroyNotify) rtx_llm_result_free);
}

static void
builtin_chat_async (RtxLlmProvider      *provider,
                    RtxLlmRequest       *request,
                    RtxLlmTokenFunc      on_token,
                    gpointer             token_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *outer = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;
  ChatJob *job = g_new0 (ChatJob, 1);

  job->request = rtx_llm_request_ref (request);
  job->on_token = on_token;
  job->token_data = token_data;
  g_task_set_source_tag (outer, builtin_chat_async);
  g_task_set_task_data (outer, job, (GDestroyNotify) chat_job_free);

  /* The work runs in a thread; the tokens are delivered on the caller's context. */
  inner = g_task_new (provider, cancellable, chat_done_cb, outer);
  g_task_set_task_data (inner, job, NULL);
  g_task_run_in_thread (inner, chat_thread);
}

static RtxLlmResult *
builtin_chat_finish (RtxLlmProvider  *provider,
                     GAsyncResult    *result,
                     GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Embeddings -------------------------------------------------------------------------- */

static void
embed_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GStrv texts = task_data;
  RtxEmbeddings *out = g_new0 (RtxEmbeddings, 1);

  out->n_vectors = g_strv_length (texts);
  out->dim = DIM;
  out->data = g_new0 (float, (gsize) out->n_vectors * DIM);
  out->model = g_strdup (RTX_EMBEDDER_BUILTIN_MODEL);

  for (guint i = 0; i < out->n_vectors; i++) {
    if (g_cancellable_is_cancelled (cancellable)) {
      rtx_embeddings_free (out);
      g_task_return_error_if_cancelled (task);
      return;
    }
    rtx_embedder_builtin_embed (texts[i], out->data + (gsize) i * DIM, DIM);
    out->prompt_tokens += rtx_embedder_count_tokens (texts[i]);
  }

  g_task_return_pointer (task, out, (GDestroyNotify) rtx_embeddings_free);
}

static void
builtin_embed_async (RtxLlmProvider      *provider,
                     const char * const  *texts,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);

  g_task_set_source_tag (task, builtin_embed_async);
  g_task_set_task_data (task, g_strdupv ((GStrv) texts), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, embed_thread);
}

static RtxEmbeddings *
builtin_embed_finish (RtxLlmProvider  *provider,
                      GAsyncResult    *result,
                      GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
builtin_list_models_async (RtxLlmProvider      *provider,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  const char * const models[] = { "builtin", NULL };

  g_task_return_pointer (task, g_strdupv ((GStrv) models), (GDestroyNotify) g_strfreev);
}

static GStrv
builtin_list_models_finish (RtxLlmProvider  *provider,
                            GAsyncResult    *result,
                            GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rtx_llm_builtin_class_init (RtxLlmBuiltinClass *klass)
{
  RtxLlmProviderClass *provider_class = RTX_LLM_PROVIDER_CLASS (klass);

  provider_class->chat_async = builtin_chat_async;
  provider_class->chat_finish = builtin_chat_finish;
  provider_class->embed_async = builtin_embed_async;
  provider_class->embed_finish = builtin_embed_finish;
  provider_class->list_models_async = builtin_list_models_async;
  provider_class->list_models_finish = builtin_list_models_finish;
}

static void
rtx_llm_builtin_init (RtxLlmBuiltin *self)
{
}

RtxLlmProvider *
rtx_llm_builtin_new (void)
{
  return g_object_new (RTX_TYPE_LLM_BUILTIN, "name", "builtin", "model", "builtin", NULL);
}
