/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-llm-key.h"
#include "rtx-llm-provider.h"

G_BEGIN_DECLS

#define RTX_TYPE_LLM_OPENAI (rtx_llm_openai_get_type ())
G_DECLARE_FINAL_TYPE (RtxLlmOpenai, rtx_llm_openai, RTX, LLM_OPENAI, RtxLlmProvider)

RtxLlmProvider *rtx_llm_openai_new          (SoupSession *session,
                                             const char  *base_url,
                                             const char  *model,
                                             RtxLlmKey   *key,
                                             guint        timeout_sec) G_GNUC_WARN_UNUSED_RESULT;
const char     *rtx_llm_openai_get_base_url (RtxLlmOpenai *self);

G_END_DECLS
