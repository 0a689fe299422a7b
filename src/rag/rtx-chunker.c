/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-chunker.h"

/* Tokens are estimated as AnythingLLM's token_count_estimate does for English prose with a
 * BPE tokenizer: about four bytes of text per token. The estimate only sizes chunks. */
#define BYTES_PER_TOKEN 4

guint
rtx_estimate_tokens (const char *text,
                     gssize      length)
{
  gsize n = length < 0 ? strlen (text) : (gsize) length;

  return (guint) ((n + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN);
}

guint
rtx_count_words (const char *text)
{
  guint words = 0;
  gboolean in_word = FALSE;

  for (const char *p = text; *p != '\0'; p++) {
    gboolean space = g_ascii_isspace (*p);

    if (!space && !in_word)
      words++;
    in_word = !space;
  }

  return words;
}

void
rtx_chunk_free (RtxChunk *chunk)
{
  if (chunk == NULL)
    return;
  g_free (chunk->text);
  g_free (chunk);
}

/* A sentence ends at '.', '!' or '?' (optionally followed by closing quotes or brackets) before
 * whitespace, or at a blank line. Returns the offset just past the sentence's end. */
static gsize
sentence_end (const char *text,
              gsize       start,
              gsize       length)
{
  for (gsize i = start; i < length; i++) {
    char c = text[i];

    if (c == '\n' && i + 1 < length && text[i + 1] == '\n')
      return i + 2;

    if (c == '.' || c == '!' || c == '?') {
      gsize j = i + 1;

      while (j < length && strchr ("\"')]", text[j]) != NULL)
        j++;
      if (j >= length || g_ascii_isspace (text[j]))
        return j;
    }
  }

  return length;
}

/* Sentences, trimmed, each at most @max_bytes long: a longer one is cut at a space (or, when it
 * has none, at a UTF-8 character boundary). */
static GPtrArray *
split_sentences (const char *text,
                 gsize       max_bytes)
{
  g_autoptr(GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  gsize length = strlen (text);
  gsize pos = 0;

  while (pos < length) {
    gsize end = sentence_end (text, pos, length);
    g_autofree char *sentence = g_strstrip (g_strndup (text + pos, end - pos));
    const char *s = sentence;

    pos = end;
    while (*s != '\0') {
      gsize rest = strlen (s);
      gsize cut = rest;

      if (rest > max_bytes) {
        const char *limit = g_utf8_find_prev_char (s, s + max_bytes + 1);

        cut = limit != NULL ? (gsize) (limit - s) : max_bytes;
        for (gsize k = cut; k > max_bytes / 2; k--) {
          if (s[k] == ' ') {
            cut = k;
            break;
          }
        }
        if (cut == 0)
          cut = rest;
      }
      g_ptr_array_add (sentences, g_strstrip (g_strndup (s, cut)));
      s += cut;
      while (*s == ' ')
        s++;
    }
  }

  return g_steal_pointer (&sentences);
}

static void
emit_chunk (GPtrArray *chunks,
            GString   *buffer)
{
  RtxChunk *chunk;

  if (buffer->len == 0)
    return;

  chunk = g_new0 (RtxChunk, 1);
  chunk->text = g_strndup (buffer->str, buffer->len);
  chunk->tokens = rtx_estimate_tokens (buffer->str, buffer->len);
  g_ptr_array_add (chunks, chunk);
}

/**
 * rtx_chunk_text:
 * @text: UTF-8 text
 * @max_tokens: the most tokens a chunk may hold
 * @overlap_tokens: about how many tokens of the previous chunk's last sentences a chunk
 *   starts with, so that a passage cut in two is still found whole in one of them
 *
 * Splits @text into chunks of whole sentences. A sentence longer than a chunk is cut at
 * spaces.
 *
 * Returns: (transfer full) (element-type RtxChunk): the chunks, in order
 */
GPtrArray *
rtx_chunk_text (const char *text,
                guint       max_tokens,
                guint       overlap_tokens)
{
  gsize max_bytes = (gsize) MAX (max_tokens, 8) * BYTES_PER_TOKEN;
  gsize overlap_bytes = MIN ((gsize) overlap_tokens * BYTES_PER_TOKEN, max_bytes / 2);
  g_autoptr(GPtrArray) sentences = split_sentences (text, max_bytes);
  g_autoptr(GPtrArray) chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_chunk_free);
  g_autoptr(GString) buffer = g_string_new (NULL);
  guint first = 0;   /* first sentence in buffer */

  for (guint i = 0; i < sentences->len; i++) {
    const char *sentence = g_ptr_array_index (sentences, i);
    gsize add = strlen (sentence);

    if (add == 0)
      continue;

    if (buffer->len > 0 && buffer->len + 1 + add > max_bytes) {
      gsize carried = 0;
      guint k = i;

      emit_chunk (chunks, buffer);
      g_string_truncate (buffer, 0);

      /* Carry the last sentences of the chunk just emitted, while they fit the overlap and
       * leave room for the new sentence. */
      while (k > first + 1) {
        gsize len = strlen (g_ptr_array_index (sentences, k - 1));

        if (carried + len + 1 > overlap_bytes || carried + len + 1 + add > max_bytes)
          break;
        carried += len + 1;
        k--;
      }
      first = k;
      for (guint j = k; j < i; j++) {
        g_string_append (buffer, g_ptr_array_index (sentences, j));
        g_string_append_c (buffer, ' ');
      }
    }

    if (buffer->len > 0 && buffer->str[buffer->len - 1] != ' ')
      g_string_append_c (buffer, ' ');
    if (buffer->len == 0)
      first = i;
    g_string_append (buffer, sentence);
  }
  emit_chunk (chunks, buffer);

  return g_steal_pointer (&chunks);
}
