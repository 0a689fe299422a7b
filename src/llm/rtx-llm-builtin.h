/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-llm-provider.h"

G_BEGIN_DECLS

#define RTX_TYPE_LLM_BUILTIN (rtx_llm_builtin_get_type ())
G_DECLARE_FINAL_TYPE (RtxLlmBuiltin, rtx_llm_builtin, RTX, LLM_BUILTIN, RtxLlmProvider)

RtxLlmProvider *rtx_llm_builtin_new    (void) G_GNUC_WARN_UNUSED_RESULT;
char           *rtx_llm_builtin_answer (const char *query,
                                        GPtrArray  *sources) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
