/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-llm-provider.h"
#include "rtx-runtime.h"

G_BEGIN_DECLS

/**
 * RtxChatInput:
 * @uuid: the exchange's id (random), known before it runs so that a stream can name it
 * @workspace: the workspace that answers
 * @thread_id: its thread, or 0
 * @session_id: (nullable): the API session (`sessionId`)
 * @user_id: the user who asks (the owner of the request's key), or 0; stored with the exchange
 * @message: the user's message
 * @mode: "chat", "query" or "automatic" (automatic answers like chat: there are no agents)
 * @attachments: (element-type RtxSource): text attachments, added to the context and sources
 * @reset: hide the partition's history first
 * @messages: (nullable) (element-type RtxLlmMessage): an earlier conversation given by the
 *   caller (the OpenAI route); when set the stored history is not read
 * @system_prompt: (nullable): replaces the workspace's prompt
 * @temperature: NAN for the workspace's, then the provider's default
 * @max_tokens: 0 for none
 * @stop: (nullable): stop sequences
 * @extra: (nullable): OpenAI members passed through to an OpenAI-compatible provider
 * @no_store: the caller stores the exchange itself (the embed widget keeps its own log)
 */
typedef struct {
  char         *uuid;
  RtxWorkspace *workspace;
  gint64        thread_id;
  char         *session_id;
  gint64        user_id;
  char         *message;
  char         *mode;
  GPtrArray    *attachments;
  gboolean      reset;
  GPtrArray    *messages;
  char         *system_prompt;
  double        temperature;
  gint          max_tokens;
  GStrv         stop;
  JsonObject   *extra;
  gboolean      no_store;
} RtxChatInput;

RtxChatInput *rtx_chat_input_new  (const RtxWorkspace *workspace,
                                   const char         *message) G_GNUC_WARN_UNUSED_RESULT;
void          rtx_chat_input_free (RtxChatInput       *input);

/**
 * RtxChatOutput:
 * @uuid: the exchange's id, the same in every streamed event
 * @text: the reply (or the refusal, or the reset confirmation)
 * @sources: (element-type RtxSource): the context it rests on
 * @chat_id: the stored row, or 0 when nothing was stored
 * @finish_reason: "stop", "length", … or "no_content" for a query refusal
 * @refused: a query-mode refusal
 * @reset_only: the request only reset the history
 */
typedef struct {
  char      *uuid;
  char      *text;
  GPtrArray *sources;
  gint64     chat_id;
  char      *finish_reason;
  gboolean   refused;
  gboolean   reset_only;
  guint      prompt_tokens;
  guint      completion_tokens;
  double     duration;
  char      *model;
  char      *provider;
} RtxChatOutput;

void rtx_chat_output_free (RtxChatOutput *output);

void           rtx_chat_run_async  (RtxRuntime          *runtime,
                                    RtxChatInput        *input,
                                    RtxLlmTokenFunc      on_token,
                                    gpointer             token_data,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
RtxChatOutput *rtx_chat_run_finish (GAsyncResult        *result,
                                    GError             **error);

void           rtx_chat_add_sources_json (JsonBuilder   *builder,
                                          GPtrArray     *sources);
void           rtx_chat_add_metrics_json (JsonBuilder   *builder,
                                          RtxChatOutput *output);
gboolean       rtx_chat_mode_is_valid    (const char    *mode);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxChatInput, rtx_chat_input_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxChatOutput, rtx_chat_output_free)

G_END_DECLS
