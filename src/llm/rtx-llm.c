/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-llm-builtin.h"
#include "rtx-llm.h"

#define DATA_KEY "rtx-llm"

/**
 * RtxLlm:
 *
 * The model providers of one runtime: which provider answers a workspace's chats and which
 * embeds, from the settings (`LLMProvider`, `EmbeddingEngine`, …), the `RTX_LLM_*` environment
 * and the workspace's own `chatProvider`/`chatModel`. It lives beside the runtime (core knows
 * nothing of llm/), created on first use by rtx_llm_get().
 */
struct _RtxLlm {
  GObject         parent_instance;

  RtxRuntime     *runtime;   /* unowned: the runtime owns us */
  RtxLlmProvider *builtin;
};

G_DEFINE_FINAL_TYPE (RtxLlm, rtx_llm, G_TYPE_OBJECT)

static void
rtx_llm_dispose (GObject *object)
{
  RtxLlm *self = (RtxLlm *) object;

  g_clear_object (&self->builtin);

  G_OBJECT_CLASS (rtx_llm_parent_class)->dispose (object);
}

static void
rtx_llm_class_init (RtxLlmClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_llm_dispose;
}

static void
rtx_llm_init (RtxLlm *self)
{
  self->builtin = rtx_llm_builtin_new ();
}

/**
 * rtx_llm_get:
 * @runtime: a runtime
 *
 * Returns: (transfer none): the runtime's model providers
 */
RtxLlm *
rtx_llm_get (RtxRuntime *runtime)
{
  RtxLlm *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);

  self = g_object_get_data (G_OBJECT (runtime), DATA_KEY);
  if (self == NULL) {
    self = g_object_new (RTX_TYPE_LLM, NULL);
    self->runtime = runtime;
    g_object_set_data_full (G_OBJECT (runtime), DATA_KEY, self, g_object_unref);
  }

  return self;
}

/* Returns: (transfer none): the built-in provider, always available */
RtxLlmProvider *
rtx_llm_get_builtin (RtxLlm *self)
{
  g_return_val_if_fail (RTX_IS_LLM (self), NULL);

  return self->builtin;
}

/**
 * rtx_llm_get_chat_provider:
 * @self: the providers
 * @workspace: (nullable): the workspace whose chats it answers
 *
 * Returns: (transfer full): the provider for @workspace's chats
 */
RtxLlmProvider *
rtx_llm_get_chat_provider (RtxLlm             *self,
                           const RtxWorkspace *workspace)
{
  g_return_val_if_fail (RTX_IS_LLM (self), NULL);

  return g_object_ref (self->builtin);
}

/**
 * rtx_llm_get_embedding_provider:
 *
 * Returns: (transfer full): the provider that embeds documents, queries and the embeddings
 *   route's input
 */
RtxLlmProvider *
rtx_llm_get_embedding_provider (RtxLlm *self)
{
  g_return_val_if_fail (RTX_IS_LLM (self), NULL);

  return g_object_ref (self->builtin);
}
