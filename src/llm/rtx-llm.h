/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-llm-provider.h"
#include "rtx-runtime.h"
#include "rtx-workspace.h"

G_BEGIN_DECLS

/* The credential that holds the OpenAI-compatible provider's key: named after the provider. */
#define RTX_LLM_CREDENTIAL_NAME "generic-openai"

#define RTX_TYPE_LLM (rtx_llm_get_type ())
G_DECLARE_FINAL_TYPE (RtxLlm, rtx_llm, RTX, LLM, GObject)

RtxLlm         *rtx_llm_get                    (RtxRuntime         *runtime);
RtxLlmProvider *rtx_llm_get_chat_provider      (RtxLlm             *self,
                                                const RtxWorkspace *workspace) G_GNUC_WARN_UNUSED_RESULT;
RtxLlmProvider *rtx_llm_get_embedding_provider (RtxLlm             *self) G_GNUC_WARN_UNUSED_RESULT;
RtxLlmProvider *rtx_llm_get_builtin            (RtxLlm             *self);
char           *rtx_llm_config_get             (RtxLlm             *self,
                                                const char         *env,
                                                const char         *setting) G_GNUC_WARN_UNUSED_RESULT;
void            rtx_llm_forget_key             (RtxLlm             *self);
gboolean        rtx_llm_openai_is_configured   (RtxLlm             *self,
                                                gboolean            for_embedding);
RtxLlmProvider *rtx_llm_find_provider          (RtxLlm             *self,
                                                const char         *name,
                                                const char         *model,
                                                gboolean            for_embedding,
                                                GError            **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
