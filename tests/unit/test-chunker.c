/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-chunker.h"

static void
test_short (void)
{
  g_autoptr(GPtrArray) chunks = rtx_chunk_text ("One sentence. Two sentences!", 256, 32);
  RtxChunk *c;

  g_assert_cmpuint (chunks->len, ==, 1);
  c = g_ptr_array_index (chunks, 0);
  g_assert_cmpstr (c->text, ==, "One sentence. Two sentences!");
  g_assert_cmpuint (c->tokens, ==, rtx_estimate_tokens (c->text, -1));
}

static void
test_empty (void)
{
  g_autoptr(GPtrArray) chunks = rtx_chunk_text ("   \n\n  ", 256, 32);

  g_assert_cmpuint (chunks->len, ==, 0);
}

/* Chunks never exceed the size, hold whole sentences, and overlap by the last sentences. */
static void
test_sentences (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) chunks = NULL;
  guint max_tokens = 32;

  for (guint i = 0; i < 60; i++)
    g_string_append_printf (text, "Sentence number %u ends here. ", i);

  chunks = rtx_chunk_text (text->str, max_tokens, 8);
  g_assert_cmpuint (chunks->len, >, 5);

  for (guint i = 0; i < chunks->len; i++) {
    RtxChunk *c = g_ptr_array_index (chunks, i);

    g_assert_cmpuint (strlen (c->text), <=, max_tokens * 4);
    g_assert_true (g_str_has_prefix (c->text, "Sentence number "));
    g_assert_true (g_str_has_suffix (c->text, "ends here."));
    if (i > 0) {
      RtxChunk *prev = g_ptr_array_index (chunks, i - 1);
      const char *last = g_strrstr (prev->text, "Sentence number ");

      /* The previous chunk's last sentence opens this one. */
      g_assert_true (g_str_has_prefix (c->text, last));
    }
  }

  /* Every sentence is in some chunk. */
  for (guint s = 0; s < 60; s++) {
    g_autofree char *needle = g_strdup_printf ("Sentence number %u ends", s);
    gboolean found = FALSE;

    for (guint i = 0; i < chunks->len && !found; i++)
      found = strstr (((RtxChunk *) g_ptr_array_index (chunks, i))->text, needle) != NULL;
    g_assert_true (found);
  }
}

static void
test_long_sentence (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) chunks = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);

  /* A 4,000-byte "sentence" with no full stop, in multi-byte characters. */
  for (guint i = 0; i < 500; i++)
    g_string_append (text, "żółw ");

  chunks = rtx_chunk_text (text->str, 64, 0);
  g_assert_cmpuint (chunks->len, >, 1);
  for (guint i = 0; i < chunks->len; i++) {
    RtxChunk *c = g_ptr_array_index (chunks, i);

    g_assert_true (g_utf8_validate (c->text, -1, NULL));
    g_assert_cmpuint (strlen (c->text), <=, 64 * 4);
    g_string_append (joined, c->text);
    g_string_append_c (joined, ' ');
  }
  g_assert_cmpstr (joined->str, ==, text->str);
}

static void
test_no_spaces (void)
{
  g_autofree char *blob = g_strnfill (1000, 'x');
  g_autoptr(GPtrArray) chunks = rtx_chunk_text (blob, 16, 4);
  gsize total = 0;

  for (guint i = 0; i < chunks->len; i++)
    total += strlen (((RtxChunk *) g_ptr_array_index (chunks, i))->text);
  g_assert_cmpuint (total, ==, 1000);
}

static void
test_counts (void)
{
  g_assert_cmpuint (rtx_count_words ("  one two\tthree\nfour "), ==, 4);
  g_assert_cmpuint (rtx_count_words (""), ==, 0);
  g_assert_cmpuint (rtx_estimate_tokens ("abcdefgh", -1), ==, 2);
  g_assert_cmpuint (rtx_estimate_tokens ("abcdefghi", -1), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chunker/short", test_short);
  g_test_add_func ("/chunker/empty", test_empty);
  g_test_add_func ("/chunker/sentences", test_sentences);
  g_test_add_func ("/chunker/long-sentence", test_long_sentence);
  g_test_add_func ("/chunker/no-spaces", test_no_spaces);
  g_test_add_func ("/chunker/counts", test_counts);

  return g_test_run ();
}
