/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-embedder-builtin.h"

/*
 * The built-in embedder: feature hashing ("the hashing trick") of
 *  - words (casefolded, NFKC) with weight 1,
 *  - adjacent word pairs with weight 0.5, which carry a little word order,
 *  - character 3- and 4-grams of each word padded as "<word>", weight 0.25 per gram, which
 *    make "embedding" close to "embeddings" and survive typos.
 * Each feature is hashed (FNV-1a, 64 bits) to a bucket and a sign; signed hashing keeps
 * collisions from biasing similarities upward. Term counts are damped (1 + log tf) so that a
 * long repetitive text does not drown the rest, and the vector is L2-normalised, so that the
 * dot product of two embeddings is their cosine similarity. Deterministic, no model file.
 */

#define WORD_WEIGHT    1.0
#define BIGRAM_WEIGHT  0.5
#define CHARGRAM_WEIGHT 0.25

static guint64
fnv1a (const char *data,
       gsize       len,
       guint64     seed)
{
  guint64 h = 0xcbf29ce484222325ULL ^ seed;

  for (gsize i = 0; i < len; i++) {
    h ^= (guchar) data[i];
    h *= 0x100000001b3ULL;
  }

  /* A final avalanche, so that the low bits used for the bucket depend on every byte. */
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

static void
add_feature (GHashTable *counts,
             const char *feature,
             gsize       len,
             double      weight)
{
  g_autofree char *key = g_strndup (feature, len);
  double *value = g_hash_table_lookup (counts, key);

  if (value == NULL) {
    value = g_new0 (double, 1);
    g_hash_table_insert (counts, g_steal_pointer (&key), value);
  }
  *value += weight;
}

/* Splits the casefolded text into words: runs of letters, digits and marks. */
static GPtrArray *
split_words (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = NULL;
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *start = NULL;
  const char *p;

  if (normal == NULL)
    return words;
  folded = g_utf8_casefold (normal, -1);

  for (p = folded; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    gboolean word_char = g_unichar_isalnum (c) || g_unichar_ismark (c);

    if (word_char && start == NULL)
      start = p;
    else if (!word_char && start != NULL) {
      g_ptr_array_add (words, g_strndup (start, p - start));
      start = NULL;
    }
  }
  if (start != NULL)
    g_ptr_array_add (words, g_strdup (start));

  return words;
}

static void
add_char_grams (GHashTable *counts,
                const char *word)
{
  g_autofree char *padded = g_strdup_printf ("<%s>", word);
  glong n_chars = g_utf8_strlen (padded, -1);

  for (guint n = 3; n <= 4; n++) {
    const char *p = padded;

    for (glong i = 0; i + (glong) n <= n_chars; i++) {
      const char *end = g_utf8_offset_to_pointer (p, n);
      g_autofree char *gram = g_strdup_printf ("#%.*s", (int) (end - p), p);

      add_feature (counts, gram, strlen (gram), CHARGRAM_WEIGHT);
      p = g_utf8_next_char (p);
    }
  }
}

/**
 * rtx_embedder_builtin_embed:
 * @text: UTF-8 text (invalid UTF-8 is treated as empty)
 * @out: (out caller-allocates) (array length=dim): the vector
 * @dim: its dimension, > 0
 *
 * Embeds @text into @dim floats, L2-normalised. A text without any word gives the zero vector.
 * Thread-safe: call it from worker threads.
 */
void
rtx_embedder_builtin_embed (const char *text,
                            float      *out,
                            gsize       dim)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) words = NULL;
  g_autofree double *acc = NULL;
  GHashTableIter iter;
  gpointer key, value;
  double norm = 0;

  g_return_if_fail (out != NULL);
  g_return_if_fail (dim > 0);

  memset (out, 0, dim * sizeof (float));
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return;

  words = split_words (text);
  for (guint i = 0; i < words->len; i++) {
    const char *word = g_ptr_array_index (words, i);

    add_feature (counts, word, strlen (word), WORD_WEIGHT);
    add_char_grams (counts, word);
    if (i + 1 < words->len) {
      g_autofree char *pair = g_strdup_printf ("%s %s", word,
                                               (char *) g_ptr_array_index (words, i + 1));

      add_feature (counts, pair, strlen (pair), BIGRAM_WEIGHT);
    }
  }

  acc = g_new0 (double, dim);
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    guint64 h = fnv1a (key, strlen (key), 0);
    double weight = *(double *) value;
    /* Damped counts: weight w per occurrence, tf occurrences → w (1 + ln tf). */
    double base = ((const char *) key)[0] == '#' ? CHARGRAM_WEIGHT
                : strchr (key, ' ') != NULL ? BIGRAM_WEIGHT : WORD_WEIGHT;
    double tf = weight / base;
    double damped = base * (1.0 + log (tf));

    acc[h % dim] += (h >> 63) ? -damped : damped;
  }

  for (gsize i = 0; i < dim; i++)
    norm += acc[i] * acc[i];
  if (norm <= 0)
    return;

  norm = sqrt (norm);
  for (gsize i = 0; i < dim; i++)
    out[i] = (float) (acc[i] / norm);
}

/* The dot product, which is the cosine similarity of two L2-normalised vectors. */
float
rtx_embedder_cosine (const float *a,
                     const float *b,
                     gsize        dim)
{
  double sum = 0;

  for (gsize i = 0; i < dim; i++)
    sum += (double) a[i] * b[i];

  return (float) sum;
}

/* An estimate of the model tokens in @text (about four characters per token, as OpenAI's
 * rule of thumb), for `usage` when the provider reports none. */
guint
rtx_embedder_count_tokens (const char *text)
{
  glong chars;

  if (text == NULL || *text == '\0')
    return 0;
  chars = g_utf8_validate (text, -1, NULL) ? g_utf8_strlen (text, -1) : (glong) strlen (text);
  return (guint) MAX (1, (chars + 3) / 4);
}
