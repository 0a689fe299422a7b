/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-doc-embedder.h"
#include "rtx-embedder-builtin.h"
#include "rtx-error.h"
#include "rtx-llm.h"

/**
 * RtxDocEmbedder:
 *
 * The embedder that documents and queries go through: the one configured for embeddings
 * (`EmbeddingEngine`: the built-in one by default, or an OpenAI-compatible `/embeddings`),
 * as it was when the embedder was made. Its name is what chunk_vectors.embedder holds, so
 * vectors of different embedders never meet in one matrix.
 *
 * Blocking: call it from worker threads. An OpenAI-compatible provider's HTTP session belongs
 * to the main context, so its calls start there and the worker waits for the answer.
 */

/* Texts per /embeddings call. */
#define BATCH 32

struct _RtxDocEmbedder {
  RtxLlmProvider *provider;      /* NULL: the built-in embedder, called directly */
  GMainContext   *http_context;
  char           *name;
};

/**
 * rtx_doc_embedder_new:
 * @http_context: the context the runtime's HTTP session runs on
 *
 * Returns: (transfer full): the embedder configured now
 */
RtxDocEmbedder *
rtx_doc_embedder_new (RtxRuntime   *runtime,
                      GMainContext *http_context)
{
  RtxDocEmbedder *self = g_new0 (RtxDocEmbedder, 1);
  g_autoptr(RtxLlmProvider) provider = rtx_llm_get_embedding_provider (rtx_llm_get (runtime));

  if (provider == NULL || rtx_llm_provider_is_builtin (provider)) {
    self->name = g_strdup (RTX_EMBEDDER_BUILTIN_MODEL);
    return self;
  }
  self->name = g_strdup_printf ("%s:%s", rtx_llm_provider_get_name (provider),
                                rtx_llm_provider_get_model (provider) != NULL
                                ? rtx_llm_provider_get_model (provider) : "");
  self->provider = g_steal_pointer (&provider);
  self->http_context = g_main_context_ref (http_context);
  return self;
}

void
rtx_doc_embedder_free (RtxDocEmbedder *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->provider);
  g_clear_pointer (&self->http_context, g_main_context_unref);
  g_free (self->name);
  g_free (self);
}

const char *
rtx_doc_embedder_get_name (RtxDocEmbedder *self)
{
  return self->name;
}

/* ---- A call on the HTTP context, waited for here ----------------------------------------- */

typedef struct {
  RtxLlmProvider      *provider;
  const char * const  *texts;
  GCancellable        *cancellable;
  GMutex               lock;
  GCond                cond;
  gboolean             done;
  RtxEmbeddings       *result;
  GError              *error;
} RemoteCall;

static void
on_remote_embedded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RemoteCall *call = user_data;
  GError *error = NULL;
  RtxEmbeddings *embeddings = rtx_llm_provider_embed_finish (RTX_LLM_PROVIDER (source), result, &error);

  /* The waiting thread owns @call and frees it once it sees done: nothing after the unlock. */
  g_mutex_lock (&call->lock);
  call->result = embeddings;
  call->error = error;
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->lock);
}

static gboolean
start_remote (gpointer user_data)
{
  RemoteCall *call = user_data;

  rtx_llm_provider_embed_async (call->provider, call->texts, call->cancellable,
                                on_remote_embedded, call);
  return G_SOURCE_REMOVE;
}

static RtxEmbeddings *
embed_remote (RtxDocEmbedder      *self,
              const char * const  *texts,
              GCancellable        *cancellable,
              GError             **error)
{
  RemoteCall call = { self->provider, texts, cancellable };

  g_mutex_init (&call.lock);
  g_cond_init (&call.cond);
  if (g_main_context_is_owner (self->http_context)) {
    /* Called on the HTTP context itself (a benchmark, a test): run it until the answer. */
    start_remote (&call);
    while (!call.done)
      g_main_context_iteration (self->http_context, TRUE);
  } else {
    g_main_context_invoke (self->http_context, start_remote, &call);
    g_mutex_lock (&call.lock);
    while (!call.done)
      g_cond_wait (&call.cond, &call.lock);
    g_mutex_unlock (&call.lock);
  }
  g_mutex_clear (&call.lock);
  g_cond_clear (&call.cond);
  if (call.error != NULL)
    g_propagate_error (error, call.error);
  return call.result;
}

/* Rows are stored and compared L2-normalised, whatever the server sends. */
static GBytes *
normalised (const float *v,
            guint        dim)
{
  float *out = g_new (float, dim);
  double norm = 0;

  for (guint i = 0; i < dim; i++)
    norm += (double) v[i] * v[i];
  norm = norm > 0 ? sqrt (norm) : 1;
  for (guint i = 0; i < dim; i++)
    out[i] = (float) (v[i] / norm);
  return g_bytes_new_take (out, dim * sizeof (float));
}

static gboolean
embed_batch (RtxDocEmbedder      *self,
             const char * const  *texts,
             guint                n,
             GPtrArray           *out,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autofree const char **batch = g_new0 (const char *, n + 1);
  g_autoptr(RtxEmbeddings) embeddings = NULL;

  memcpy (batch, texts, n * sizeof (char *));
  embeddings = embed_remote (self, batch, cancellable, error);
  if (embeddings == NULL)
    return FALSE;
  if (embeddings->n_vectors != n || embeddings->dim == 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_UPSTREAM,
                 _("The embedding server answered %u vectors for %u texts"), embeddings->n_vectors, n);
    return FALSE;
  }
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (out, normalised (rtx_embeddings_get_vector (embeddings, i), embeddings->dim));
  return TRUE;
}

/**
 * rtx_doc_embedder_embed:
 *
 * Embeds @texts, in batches when a server does it. Blocks.
 *
 * Returns: (transfer full) (element-type GBytes): one L2-normalised float32 vector per text,
 *   in order, or %NULL with @error set
 */
GPtrArray *
rtx_doc_embedder_embed (RtxDocEmbedder      *self,
                        const char * const  *texts,
                        guint                n_texts,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_full (n_texts, (GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < n_texts; i += self->provider != NULL ? BATCH : 1) {
    if (self->provider == NULL) {
      float *v = g_new (float, RTX_EMBEDDER_BUILTIN_DIM);

      rtx_embedder_builtin_embed (texts[i], v, RTX_EMBEDDER_BUILTIN_DIM);
      g_ptr_array_add (out, g_bytes_new_take (v, RTX_EMBEDDER_BUILTIN_DIM * sizeof (float)));
    } else if (!embed_batch (self, texts + i, MIN (BATCH, n_texts - i), out, cancellable, error)) {
      return NULL;
    }
  }
  return g_steal_pointer (&out);
}
