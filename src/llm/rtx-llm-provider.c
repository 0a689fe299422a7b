/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "rtx-context.h"
#include "rtx-json-text.h"
#include "rtx-llm-provider.h"

/**
 * RtxLlmProvider:
 *
 * A model provider (DESIGN.md §6): chat, whole or streamed, embeddings and model listing.
 * Every call is asynchronous and honours its #GCancellable; nothing blocks the caller's main
 * context. Subclasses: the built-in provider and the OpenAI-compatible client.
 */
typedef struct {
  char *name;
  char *model;
} RtxLlmProviderPrivate;

enum {
  PROP_0,
  PROP_NAME,
  PROP_MODEL,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (RtxLlmProvider, rtx_llm_provider, G_TYPE_OBJECT)

RtxLlmMessage *
rtx_llm_message_new (const char *role,
                     const char *content)
{
  RtxLlmMessage *message = g_new0 (RtxLlmMessage, 1);

  message->role = g_strdup (role);
  message->content = g_strdup (content != NULL ? content : "");
  return message;
}

void
rtx_llm_message_free (RtxLlmMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->role);
  g_free (message->content);
  g_free (message);
}

static void
request_clear (RtxLlmRequest *request)
{
  g_clear_pointer (&request->messages, g_ptr_array_unref);
  g_clear_pointer (&request->stop, g_strfreev);
  g_clear_pointer (&request->extra, json_object_unref);
  g_clear_pointer (&request->query, g_free);
  g_clear_pointer (&request->sources, g_ptr_array_unref);
}

RtxLlmRequest *
rtx_llm_request_new (void)
{
  RtxLlmRequest *request = g_atomic_rc_box_new0 (RtxLlmRequest);

  request->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_llm_message_free);
  request->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);
  request->temperature = NAN;
  return request;
}

RtxLlmRequest *
rtx_llm_request_ref (RtxLlmRequest *request)
{
  return g_atomic_rc_box_acquire (request);
}

void
rtx_llm_request_unref (RtxLlmRequest *request)
{
  g_atomic_rc_box_release_full (request, (GDestroyNotify) request_clear);
}

void
rtx_llm_request_add_message (RtxLlmRequest *request,
                             const char    *role,
                             const char    *content)
{
  g_ptr_array_add (request->messages, rtx_llm_message_new (role, content));
}

void
rtx_llm_result_free (RtxLlmResult *result)
{
  if (result == NULL)
    return;

  g_free (result->text);
  g_free (result->finish_reason);
  g_free (result->model);
  g_free (result);
}

/* The text a piece stands for (decoded), for the callers that build their events with a
 * JsonBuilder rather than from the escaped text. */
char *
rtx_llm_token_dup_text (const RtxLlmToken *token)
{
  GString *text = g_string_sized_new (token->json_len);

  rtx_json_text_unescape (text, token->json, token->json_len);
  return g_string_free (text, FALSE);
}

/* Gives @func the piece of text @text (valid UTF-8), escaped as an #RtxLlmToken. */
void
rtx_llm_token_emit (RtxLlmTokenFunc  func,
                    gpointer         user_data,
                    const char      *text,
                    gsize            length)
{
  g_autoptr(GString) json = g_string_sized_new (length + 8);
  RtxLlmToken token;

  rtx_json_text_escape (json, text, length);
  token.json = json->str;
  token.json_len = json->len;
  func (&token, user_data);
}

void
rtx_embeddings_free (RtxEmbeddings *embeddings)
{
  if (embeddings == NULL)
    return;

  g_free (embeddings->data);
  g_free (embeddings->model);
  g_free (embeddings);
}

/* Returns: (transfer none): row @index, @dim floats */
const float *
rtx_embeddings_get_vector (RtxEmbeddings *embeddings,
                           guint          index)
{
  g_return_val_if_fail (embeddings != NULL, NULL);
  g_return_val_if_fail (index < embeddings->n_vectors, NULL);

  return embeddings->data + (gsize) index * embeddings->dim;
}

static void
rtx_llm_provider_finalize (GObject *object)
{
  RtxLlmProviderPrivate *priv = rtx_llm_provider_get_instance_private (RTX_LLM_PROVIDER (object));

  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->model, g_free);

  G_OBJECT_CLASS (rtx_llm_provider_parent_class)->finalize (object);
}

static void
rtx_llm_provider_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RtxLlmProviderPrivate *priv = rtx_llm_provider_get_instance_private (RTX_LLM_PROVIDER (object));

  switch (prop_id) {
  case PROP_NAME:
    g_value_set_string (value, priv->name);
    break;
  case PROP_MODEL:
    g_value_set_string (value, priv->model);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rtx_llm_provider_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RtxLlmProviderPrivate *priv = rtx_llm_provider_get_instance_private (RTX_LLM_PROVIDER (object));

  switch (prop_id) {
  case PROP_NAME:
    g_free (priv->name);
    priv->name = g_value_dup_string (value);
    break;
  case PROP_MODEL:
    g_free (priv->model);
    priv->model = g_value_dup_string (value);
    break;
  default:
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
rtx_llm_provider_class_init (RtxLlmProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rtx_llm_provider_finalize;
  object_class->get_property = rtx_llm_provider_get_property;
  object_class->set_property = rtx_llm_provider_set_property;

  /* The provider's id as LLMProvider names it: "builtin", "generic-openai". */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rtx_llm_provider_init (RtxLlmProvider *self)
{
}

const char *
rtx_llm_provider_get_name (RtxLlmProvider *self)
{
  RtxLlmProviderPrivate *priv;

  g_return_val_if_fail (RTX_IS_LLM_PROVIDER (self), NULL);

  priv = rtx_llm_provider_get_instance_private (self);
  return priv->name;
}

const char *
rtx_llm_provider_get_model (RtxLlmProvider *self)
{
  RtxLlmProviderPrivate *priv;

  g_return_val_if_fail (RTX_IS_LLM_PROVIDER (self), NULL);

  priv = rtx_llm_provider_get_instance_private (self);
  return priv->model;
}

gboolean
rtx_llm_provider_is_builtin (RtxLlmProvider *self)
{
  return g_strcmp0 (rtx_llm_provider_get_name (self), "builtin") == 0;
}

/**
 * rtx_llm_provider_chat_async:
 * @self: a provider
 * @request: the call
 * @on_token: (nullable): called for each streamed piece; %NULL asks for one whole reply
 * @token_data: data for @on_token, which must stay valid until @callback runs
 * @cancellable: (nullable): cancels the upstream call (a client disconnect)
 * @callback: called once with the result
 * @user_data: data for @callback
 */
void
rtx_llm_provider_chat_async (RtxLlmProvider      *self,
                             RtxLlmRequest       *request,
                             RtxLlmTokenFunc      on_token,
                             gpointer             token_data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (RTX_IS_LLM_PROVIDER (self));
  g_return_if_fail (request != NULL);

  RTX_LLM_PROVIDER_GET_CLASS (self)->chat_async (self, request, on_token, token_data,
                                                 cancellable, callback, user_data);
}

/**
 * rtx_llm_provider_chat_finish:
 *
 * A cancelled call fails with %G_IO_ERROR_CANCELLED; the pieces already given to the token
 * function are the part of the reply that was generated.
 *
 * Returns: (transfer full): the reply, or %NULL
 */
RtxLlmResult *
rtx_llm_provider_chat_finish (RtxLlmProvider  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (RTX_IS_LLM_PROVIDER (self), NULL);

  return RTX_LLM_PROVIDER_GET_CLASS (self)->chat_finish (self, result, error);
}

/**
 * rtx_llm_provider_embed_async:
 * @self: a provider
 * @texts: (array zero-terminated=1): the texts to embed
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once with the result
 * @user_data: data for @callback
 *
 * Embeds @texts. The built-in provider runs its embedder in a worker thread.
 */
void
rtx_llm_provider_embed_async (RtxLlmProvider      *self,
                              const char * const  *texts,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (RTX_IS_LLM_PROVIDER (self));
  g_return_if_fail (texts != NULL);

  RTX_LLM_PROVIDER_GET_CLASS (self)->embed_async (self, texts, cancellable, callback, user_data);
}

/**
 * rtx_llm_provider_embed_finish:
 *
 * Returns: (transfer full): one vector per text, or %NULL
 */
RtxEmbeddings *
rtx_llm_provider_embed_finish (RtxLlmProvider  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (RTX_IS_LLM_PROVIDER (self), NULL);

  return RTX_LLM_PROVIDER_GET_CLASS (self)->embed_finish (self, result, error);
}

void
rtx_llm_provider_list_models_async (RtxLlmProvider      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (RTX_IS_LLM_PROVIDER (self));

  RTX_LLM_PROVIDER_GET_CLASS (self)->list_models_async (self, cancellable, callback, user_data);
}

/**
 * rtx_llm_provider_list_models_finish:
 *
 * Returns: (transfer full): the model ids the provider offers, or %NULL
 */
GStrv
rtx_llm_provider_list_models_finish (RtxLlmProvider  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (RTX_IS_LLM_PROVIDER (self), NULL);

  return RTX_LLM_PROVIDER_GET_CLASS (self)->list_models_finish (self, result, error);
}
