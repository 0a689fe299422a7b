/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "rtx-error.h"
#include "rtx-llm-builtin.h"
#include "rtx-llm-openai.h"
#include "rtx-llm.h"

#define DATA_KEY "rtx-llm"
#define DEFAULT_TIMEOUT_SEC 120
/* Relayed calls run concurrently (DESIGN.md §4): libsoup's default of 10 per host would queue
 * the 11th chat behind the first ten. */
#define MAX_UPSTREAM_CONNECTIONS 1024

/**
 * RtxLlm:
 *
 * The model providers of one runtime: which provider answers a workspace's chats and which
 * embeds. Configuration, first found wins:
 *
 * | what           | environment              | setting (update-env)      | default   |
 * |----------------|--------------------------|---------------------------|-----------|
 * | chat provider  | RTX_LLM_PROVIDER         | LLMProvider               | builtin   |
 * | base URL       | RTX_LLM_BASE_URL         | GenericOpenAiBasePath     |           |
 * | model          | RTX_LLM_MODEL            | GenericOpenAiModelPref    |           |
 * | API key        | RTX_LLM_API_KEY          | credential generic-openai |           |
 * | embedder       | RTX_EMBEDDING_PROVIDER   | EmbeddingEngine           | native    |
 * | embed base URL | RTX_EMBEDDING_BASE_URL   | EmbeddingBasePath         | chat's    |
 * | embed model    | RTX_EMBEDDING_MODEL      | EmbeddingModelPref        |           |
 *
 * A workspace's `chatProvider` and `chatModel` override the chat provider and model. The
 * runtime's settings are read at each call, so changes apply to the next chat.
 */
struct _RtxLlm {
  GObject         parent_instance;

  RtxRuntime     *runtime;   /* unowned: the runtime owns us */
  RtxLlmProvider *builtin;
  SoupSession    *session;
  RtxLlmKey      *key;
  guint           timeout_sec;
};

G_DEFINE_FINAL_TYPE (RtxLlm, rtx_llm, G_TYPE_OBJECT)

static void
rtx_llm_dispose (GObject *object)
{
  RtxLlm *self = (RtxLlm *) object;

  g_clear_object (&self->builtin);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->key, rtx_llm_key_unref);

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
  const char *timeout = g_getenv ("RTX_LLM_TIMEOUT_SEC");
  guint64 value = 0;

  self->builtin = rtx_llm_builtin_new ();
  self->session = soup_session_new_with_options ("max-conns", MAX_UPSTREAM_CONNECTIONS,
                                                 "max-conns-per-host", MAX_UPSTREAM_CONNECTIONS,
                                                 "user-agent", "RealTimeX-Runtime/" PACKAGE_VERSION,
                                                 NULL);
  self->timeout_sec = DEFAULT_TIMEOUT_SEC;
  if (timeout != NULL && g_ascii_string_to_unsigned (timeout, 10, 1, 3600, &value, NULL))
    self->timeout_sec = (guint) value;
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
    self->key = rtx_llm_key_new (rtx_runtime_get_credentials (runtime),
                                 RTX_LLM_CREDENTIAL_NAME, g_getenv ("RTX_LLM_API_KEY"));
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
 * rtx_llm_config_get:
 * @self: the providers
 * @env: an environment variable
 * @setting: the setting it overrides
 *
 * Returns: (transfer full) (nullable): the value in effect
 */
char *
rtx_llm_config_get (RtxLlm     *self,
                    const char *env,
                    const char *setting)
{
  const char *value = env != NULL ? g_getenv (env) : NULL;

  g_return_val_if_fail (RTX_IS_LLM (self), NULL);

  if (value != NULL && *value != '\0')
    return g_strdup (value);
  return rtx_settings_get (rtx_runtime_get_settings (self->runtime), setting);
}

/* Called after the provider's credential changed, so that the next call reads it again. */
void
rtx_llm_forget_key (RtxLlm *self)
{
  g_return_if_fail (RTX_IS_LLM (self));

  rtx_llm_key_forget (self->key);
}

static RtxLlmProvider *
openai_provider (RtxLlm     *self,
                 const char *base_env,
                 const char *base_setting,
                 const char *model_env,
                 const char *model_setting,
                 const char *model_override)
{
  g_autofree char *base = rtx_llm_config_get (self, base_env, base_setting);
  g_autofree char *model = model_override != NULL ? g_strdup (model_override)
                                                  : rtx_llm_config_get (self, model_env, model_setting);

  if (base == NULL)
    base = rtx_llm_config_get (self, "RTX_LLM_BASE_URL", "GenericOpenAiBasePath");

  return rtx_llm_openai_new (self->session, base, model, self->key, self->timeout_sec);
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
  g_autofree char *name = NULL;
  const char *model = NULL;

  g_return_val_if_fail (RTX_IS_LLM (self), NULL);

  if (workspace != NULL && workspace->chat_provider != NULL)
    name = g_strdup (workspace->chat_provider);
  else
    name = rtx_llm_config_get (self, "RTX_LLM_PROVIDER", "LLMProvider");
  if (workspace != NULL)
    model = workspace->chat_model;

  if (g_strcmp0 (name, "generic-openai") == 0)
    return openai_provider (self, "RTX_LLM_BASE_URL", "GenericOpenAiBasePath",
                            "RTX_LLM_MODEL", "GenericOpenAiModelPref", model);

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
  g_autofree char *name = NULL;

  g_return_val_if_fail (RTX_IS_LLM (self), NULL);

  name = rtx_llm_config_get (self, "RTX_EMBEDDING_PROVIDER", "EmbeddingEngine");
  if (g_strcmp0 (name, "generic-openai") == 0)
    return openai_provider (self, "RTX_EMBEDDING_BASE_URL", "EmbeddingBasePath",
                            "RTX_EMBEDDING_MODEL", "EmbeddingModelPref", NULL);

  return g_object_ref (self->builtin);
}

/* Whether an OpenAI-compatible server is configured (a base URL for chats, or one for
 * embeddings, which falls back to the chat's). */
gboolean
rtx_llm_openai_is_configured (RtxLlm   *self,
                              gboolean  for_embedding)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (RTX_IS_LLM (self), FALSE);

  if (for_embedding)
    base = rtx_llm_config_get (self, "RTX_EMBEDDING_BASE_URL", "EmbeddingBasePath");
  if (base == NULL)
    base = rtx_llm_config_get (self, "RTX_LLM_BASE_URL", "GenericOpenAiBasePath");
  return base != NULL && *base != '\0';
}

/**
 * rtx_llm_find_provider:
 * @self: the providers
 * @name: (nullable): `builtin` (or `native`), `generic-openai` (or `openai`), or %NULL for
 *   the configured one
 * @model: (nullable): a model instead of the configured one (the built-in provider has one)
 * @for_embedding: find an embedder rather than a chat provider
 * @error: return location for an error
 *
 * A provider that a caller names, as the SDK's LLM routes let an app choose one.
 *
 * Returns: (transfer full) (nullable): the provider, or %NULL with %RTX_ERROR_NOT_FOUND for
 *   an unknown name or an OpenAI-compatible provider with no server configured
 */
RtxLlmProvider *
rtx_llm_find_provider (RtxLlm      *self,
                       const char  *name,
                       const char  *model,
                       gboolean     for_embedding,
                       GError     **error)
{
  g_return_val_if_fail (RTX_IS_LLM (self), NULL);

  if (name == NULL || *name == '\0') {
    if (model == NULL)
      return for_embedding ? rtx_llm_get_embedding_provider (self)
                           : rtx_llm_get_chat_provider (self, NULL);
    {
      g_autoptr(RtxLlmProvider) configured = for_embedding ? rtx_llm_get_embedding_provider (self)
                                                           : rtx_llm_get_chat_provider (self, NULL);

      name = rtx_llm_provider_is_builtin (configured) ? "builtin" : "generic-openai";
      return rtx_llm_find_provider (self, name, model, for_embedding, error);
    }
  }

  if (g_str_equal (name, "builtin") || g_str_equal (name, "native"))
    return g_object_ref (self->builtin);

  if ((g_str_equal (name, "generic-openai") || g_str_equal (name, "openai")) &&
      rtx_llm_openai_is_configured (self, for_embedding)) {
    if (for_embedding)
      return openai_provider (self, "RTX_EMBEDDING_BASE_URL", "EmbeddingBasePath",
                              "RTX_EMBEDDING_MODEL", "EmbeddingModelPref", model);
    return openai_provider (self, "RTX_LLM_BASE_URL", "GenericOpenAiBasePath",
                            "RTX_LLM_MODEL", "GenericOpenAiModelPref", model);
  }

  g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND,
               "The provider “%s” is not available", name);
  return NULL;
}
