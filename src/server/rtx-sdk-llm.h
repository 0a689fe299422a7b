/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-event-stream.h"
#include "rtx-request.h"

G_BEGIN_DECLS

/* The error replies of the SDK's model routes (family C), shared by the LLM, vector and
 * speech handlers. */
const char *rtx_sdk_llm_error_code   (const GError   *error,
                                      guint          *out_status);
void        rtx_sdk_llm_reply_error  (RtxRequest     *req,
                                      const GError   *error);
void        rtx_sdk_llm_stream_error (RtxEventStream *stream,
                                      const GError   *error,
                                      const char     *code);

G_END_DECLS
