/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * RtxOpenaiChunk:
 * @content_json: `choices[0].delta.content` as the text between its quotes, still escaped
 *   (empty when absent or null): valid JSON text, UTF-8, without escapes of lone surrogates
 *   or U+0000. It points into the parsed data (or @content_buf), until the next parse.
 * @content_json_len: its length in bytes
 * @finish_reason: `choices[0].finish_reason` (empty when absent or null)
 * @model: `model` (empty when absent)
 * @error_message: `error.message`, when @has_error
 * @has_error: the event has an `error` member (a provider failing mid-stream)
 * @has_choice: `choices` has a first element that is an object
 * @prompt_tokens: `usage.prompt_tokens`, or -1
 * @completion_tokens: `usage.completion_tokens`, or -1
 * @key: (private): scratch space for member names
 * @content_buf: (private): a content written anew (see rtx_openai_chunk_parse())
 *
 * What the relay needs from one event of an OpenAI-compatible stream. The strings are reused
 * from event to event (each parse resets them), so that parsing allocates nothing once warm.
 */
typedef struct {
  const char *content_json;
  gsize       content_json_len;
  GString    *finish_reason;
  GString    *model;
  GString    *error_message;
  gboolean    has_error;
  gboolean    has_choice;
  gint64      prompt_tokens;
  gint64      completion_tokens;
  GString    *key;
  GString    *content_buf;
} RtxOpenaiChunk;

void     rtx_openai_chunk_init  (RtxOpenaiChunk *chunk);
void     rtx_openai_chunk_clear (RtxOpenaiChunk *chunk);
gboolean rtx_openai_chunk_parse (RtxOpenaiChunk *chunk,
                                 const char     *data,
                                 gsize           length);

G_END_DECLS
