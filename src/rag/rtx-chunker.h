/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * RtxChunk:
 * @text: the chunk's text, whole sentences where the sentences fit
 * @tokens: its size in estimated tokens
 */
typedef struct {
  char  *text;
  guint  tokens;
} RtxChunk;

#define RTX_CHUNK_DEFAULT_TOKENS  256
#define RTX_CHUNK_DEFAULT_OVERLAP 32

guint      rtx_estimate_tokens (const char *text,
                                gssize      length);
guint      rtx_count_words     (const char *text);
GPtrArray *rtx_chunk_text      (const char *text,
                                guint       max_tokens,
                                guint       overlap_tokens) G_GNUC_WARN_UNUSED_RESULT;
void       rtx_chunk_free      (RtxChunk   *chunk);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxChunk, rtx_chunk_free)

G_END_DECLS
