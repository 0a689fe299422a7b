/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-credential-use.h"

G_BEGIN_DECLS

/**
 * RtxLlmKey:
 *
 * A model provider's API key as the providers of one runtime share it: from the environment
 * (`RTX_LLM_API_KEY`, a Bearer token) or the credential named after the provider, read once
 * from the keyring in a worker thread and kept in memory (never in a property, a log or
 * SQLite). The credential is applied by its type (rtx-credential-use): usually `bearer`, but
 * a provider that wants its key in another header or in the query gets it there.
 */
typedef struct _RtxLlmKey RtxLlmKey;

RtxLlmKey  *rtx_llm_key_new          (RtxCredentials      *credentials,
                                      const char          *credential_name,
                                      const char          *fixed) G_GNUC_WARN_UNUSED_RESULT;
RtxLlmKey  *rtx_llm_key_ref          (RtxLlmKey           *self);
void        rtx_llm_key_unref        (RtxLlmKey           *self);
void        rtx_llm_key_forget       (RtxLlmKey           *self);
void        rtx_llm_key_get_async    (RtxLlmKey           *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
RtxCredentialUse *rtx_llm_key_get_finish (GAsyncResult      *result,
                                      GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxLlmKey, rtx_llm_key_unref)

G_END_DECLS
