/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * RtxLlmMessage:
 * @role: "system", "user" or "assistant"
 * @content: the text
 */
typedef struct {
  char *role;
  char *content;
} RtxLlmMessage;

RtxLlmMessage *rtx_llm_message_new  (const char    *role,
                                     const char    *content) G_GNUC_WARN_UNUSED_RESULT;
void           rtx_llm_message_free (RtxLlmMessage *message);

/**
 * RtxLlmRequest:
 * @messages: (element-type RtxLlmMessage): the conversation, system prompt first
 * @temperature: NAN for the provider's default
 * @max_tokens: 0 for no limit
 * @stop: (nullable): stop sequences
 * @extra: (nullable): further OpenAI request members passed through as they are (e.g. top_p)
 * @query: the user's message alone, for providers that answer from context themselves
 * @sources: (element-type RtxSource): the context the messages were built from
 *
 * One chat call. Reference counted so that async providers can keep it.
 */
typedef struct {
  GPtrArray  *messages;
  double      temperature;
  gint        max_tokens;
  GStrv       stop;
  JsonObject *extra;
  char       *query;
  GPtrArray  *sources;
} RtxLlmRequest;

RtxLlmRequest *rtx_llm_request_new   (void) G_GNUC_WARN_UNUSED_RESULT;
RtxLlmRequest *rtx_llm_request_ref   (RtxLlmRequest *request);
void           rtx_llm_request_unref (RtxLlmRequest *request);
void           rtx_llm_request_add_message (RtxLlmRequest *request,
                                            const char    *role,
                                            const char    *content);

/**
 * RtxLlmResult:
 * @text: the whole reply
 * @finish_reason: "stop", "length", …
 * @model: the model that answered
 * @prompt_tokens: as reported by the provider, or estimated
 * @completion_tokens: likewise
 */
typedef struct {
  char  *text;
  char  *finish_reason;
  char  *model;
  guint  prompt_tokens;
  guint  completion_tokens;
} RtxLlmResult;

void rtx_llm_result_free (RtxLlmResult *result);

/**
 * RtxEmbeddings:
 * @n_vectors: how many texts were embedded
 * @dim: the dimension of each vector
 * @data: (array): @n_vectors × @dim floats, one row per text, in input order
 * @model: the embedding model's name
 * @prompt_tokens: the input's token count (reported or estimated)
 */
typedef struct {
  guint  n_vectors;
  guint  dim;
  float *data;
  char  *model;
  guint  prompt_tokens;
} RtxEmbeddings;

void         rtx_embeddings_free       (RtxEmbeddings *embeddings);
const float *rtx_embeddings_get_vector (RtxEmbeddings *embeddings,
                                        guint          index);

/**
 * RtxLlmToken:
 * @json: the piece, as the text between the quotes of a JSON string: escaped as JSON requires,
 *   UTF-8, with no escape of a lone surrogate or U+0000. Events are written with it as it is
 *   (a relayed piece stays the upstream's own escaped bytes, never decoded and escaped again).
 * @json_len: its length in bytes
 *
 * One piece of a streamed reply. Valid only during the #RtxLlmTokenFunc call.
 */
typedef struct {
  const char *json;
  gsize       json_len;
} RtxLlmToken;

/**
 * RtxLlmTokenFunc:
 * @token: the next piece of the reply
 * @user_data: the data given with the call
 *
 * Called on the caller's main context for each piece of a streamed reply.
 */
typedef void (*RtxLlmTokenFunc) (const RtxLlmToken *token,
                                 gpointer           user_data);

char *rtx_llm_token_dup_text (const RtxLlmToken *token) G_GNUC_WARN_UNUSED_RESULT;
void  rtx_llm_token_emit     (RtxLlmTokenFunc    func,
                              gpointer           user_data,
                              const char        *text,
                              gsize              length);

#define RTX_TYPE_LLM_PROVIDER (rtx_llm_provider_get_type ())
G_DECLARE_DERIVABLE_TYPE (RtxLlmProvider, rtx_llm_provider, RTX, LLM_PROVIDER, GObject)

struct _RtxLlmProviderClass {
  GObjectClass parent_class;

  void            (*chat_async)         (RtxLlmProvider       *self,
                                         RtxLlmRequest        *request,
                                         RtxLlmTokenFunc       on_token,
                                         gpointer              token_data,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  RtxLlmResult   *(*chat_finish)        (RtxLlmProvider       *self,
                                         GAsyncResult         *result,
                                         GError              **error);
  void            (*embed_async)        (RtxLlmProvider       *self,
                                         const char * const   *texts,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  RtxEmbeddings  *(*embed_finish)       (RtxLlmProvider       *self,
                                         GAsyncResult         *result,
                                         GError              **error);
  void            (*list_models_async)  (RtxLlmProvider       *self,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
  GStrv           (*list_models_finish) (RtxLlmProvider       *self,
                                         GAsyncResult         *result,
                                         GError              **error);
};

const char    *rtx_llm_provider_get_name          (RtxLlmProvider       *self);
const char    *rtx_llm_provider_get_model         (RtxLlmProvider       *self);
gboolean       rtx_llm_provider_is_builtin        (RtxLlmProvider       *self);
void           rtx_llm_provider_chat_async        (RtxLlmProvider       *self,
                                                   RtxLlmRequest        *request,
                                                   RtxLlmTokenFunc       on_token,
                                                   gpointer              token_data,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
RtxLlmResult  *rtx_llm_provider_chat_finish       (RtxLlmProvider       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           rtx_llm_provider_embed_async       (RtxLlmProvider       *self,
                                                   const char * const   *texts,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
RtxEmbeddings *rtx_llm_provider_embed_finish      (RtxLlmProvider       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
void           rtx_llm_provider_list_models_async (RtxLlmProvider       *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GStrv          rtx_llm_provider_list_models_finish (RtxLlmProvider      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxLlmRequest, rtx_llm_request_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxLlmResult, rtx_llm_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxEmbeddings, rtx_embeddings_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxLlmMessage, rtx_llm_message_free)

G_END_DECLS
