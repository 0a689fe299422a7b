/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rtx-embedder-builtin.h"

/*
 * The built-in embedder: feature hashing ("the hashing trick") of
 *  - words (NFKC, casefolded) with weight 1,
 *  - character 3- and 4-grams of each word padded as "<word>", weight 0.5 per gram, which
 *    make "embedding" close to "embeddings", survive typos and match parts of compounds.
 * English function words ("the", "of", "for"…) count a tenth of a word and get no character
 * grams: with no corpus statistics at hand this is the embedder's stand-in for inverse
 * document frequency, and without it they dominate every short text's direction.
 * Each feature is hashed (FNV-1a, 64 bits, avalanched) to a bucket and a sign; signed hashing
 * keeps collisions from biasing similarities upward. Term counts are damped (1 + ln tf) so that
 * a long repetitive text does not drown the rest, and the vector is L2-normalised, so that the
 * dot product of two embeddings is their cosine similarity. Deterministic, no model file.
 *
 * The weights were chosen on a development split of Debian's package descriptions, disjoint
 * from the split bench/RESULTS.md reports (bench/rag-bench.sh): adjacent word pairs, which an
 * earlier version added, did not help there and cost a third of the time.
 *
 * Features are counted in a small open-addressing table of 64-bit hashes: no string is
 * allocated per feature.
 */

#define WORD_WEIGHT      1.0
#define STOP_WEIGHT      0.1
#define CHARGRAM_WEIGHT  0.5
#define CHARGRAM_MIN     3
#define CHARGRAM_MAX     4
/* Longer "words" (hashes, base64) get their word feature but no grams. */
#define CHARGRAM_MAX_CHARS 64

/* Sorted, for bsearch. */
static const char * const stop_words[] = {
  "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
  "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
  "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "etc",
  "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
  "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me",
  "more", "most", "much", "must", "my", "no", "nor", "not", "now", "of", "off", "on", "once",
  "only", "or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so",
  "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these",
  "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "us", "use",
  "used", "uses", "using", "very", "via", "was", "we", "well", "were", "what", "when", "where",
  "which", "while", "who", "whom", "why", "will", "with", "within", "without", "would", "you",
  "your", "yours",
};

typedef struct {
  guint64 key;     /* 0: free */
  float   weight;  /* per occurrence */
  guint32 count;
} Feature;

typedef struct {
  Feature *slots;
  gsize    mask;
  gsize    len;
} FeatureTable;

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
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h != 0 ? h : 1;
}

static void
table_grow (FeatureTable *t)
{
  gsize size = t->slots != NULL ? (t->mask + 1) * 2 : 256;
  Feature *slots = g_new0 (Feature, size);

  for (gsize i = 0; t->slots != NULL && i <= t->mask; i++) {
    gsize j;

    if (t->slots[i].key == 0)
      continue;
    for (j = t->slots[i].key & (size - 1); slots[j].key != 0; j = (j + 1) & (size - 1))
      ;
    slots[j] = t->slots[i];
  }
  g_free (t->slots);
  t->slots = slots;
  t->mask = size - 1;
}

static void
table_add (FeatureTable *t,
           guint64       key,
           float         weight)
{
  gsize j;

  if (t->slots == NULL || (t->len + 1) * 2 > t->mask + 1)
    table_grow (t);
  for (j = key & t->mask; t->slots[j].key != 0 && t->slots[j].key != key; j = (j + 1) & t->mask)
    ;
  if (t->slots[j].key == 0) {
    t->slots[j].key = key;
    t->slots[j].weight = weight;
    t->len++;
  }
  t->slots[j].count++;
}

static int
compare_stop (const void *key,
              const void *member)
{
  return strcmp (key, *(const char * const *) member);
}

static gboolean
is_stop_word (const char *word,
              gsize       len)
{
  char buf[8];

  if (len >= sizeof buf)
    return FALSE;
  memcpy (buf, word, len);
  buf[len] = '\0';
  return bsearch (buf, stop_words, G_N_ELEMENTS (stop_words), sizeof stop_words[0], compare_stop) != NULL;
}

static gboolean
is_word_char (const char *p)
{
  gunichar c;

  if ((guchar) *p < 0x80)
    return g_ascii_isalnum (*p);
  c = g_utf8_get_char (p);
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* The grams of "<word>", by byte offsets of its characters. */
static void
add_char_grams (FeatureTable *t,
                const char   *word,
                gsize         len)
{
  char padded[CHARGRAM_MAX_CHARS * 6 + 3];
  guint offsets[CHARGRAM_MAX_CHARS + 3];
  guint n_chars = 0;
  gsize plen = len + 2;

  if (len > CHARGRAM_MAX_CHARS * 6)
    return;
  padded[0] = '<';
  memcpy (padded + 1, word, len);
  padded[len + 1] = '>';
  for (const char *p = padded; (gsize) (p - padded) < plen; p = g_utf8_next_char (p)) {
    if (n_chars == CHARGRAM_MAX_CHARS + 2)
      return;
    offsets[n_chars++] = p - padded;
  }
  offsets[n_chars] = plen;

  for (guint n = CHARGRAM_MIN; n <= CHARGRAM_MAX; n++)
    for (guint i = 0; i + n <= n_chars; i++)
      table_add (t, fnv1a (padded + offsets[i], offsets[i + n] - offsets[i], n), CHARGRAM_WEIGHT);
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
  g_autofree char *normal = NULL;
  g_autofree char *folded = NULL;
  g_autofree double *acc = NULL;
  FeatureTable table = { NULL, 0, 0 };
  const char *p;
  double norm = 0;

  g_return_if_fail (out != NULL);
  g_return_if_fail (dim > 0);

  memset (out, 0, dim * sizeof (float));
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return;
  normal = g_utf8_normalize (text, -1, G_NORMALIZE_NFKC);
  if (normal == NULL)
    return;
  folded = g_utf8_casefold (normal, -1);

  for (p = folded; *p != '\0';) {
    const char *start;
    gsize len;
    gboolean stop;

    if (!is_word_char (p)) {
      p = g_utf8_next_char (p);
      continue;
    }
    for (start = p; *p != '\0' && is_word_char (p); p = g_utf8_next_char (p))
      ;
    len = p - start;
    stop = is_stop_word (start, len);
    table_add (&table, fnv1a (start, len, 0), stop ? STOP_WEIGHT : WORD_WEIGHT);
    if (!stop)
      add_char_grams (&table, start, len);
  }

  acc = g_new0 (double, dim);
  for (gsize i = 0; table.slots != NULL && i <= table.mask; i++) {
    const Feature *f = &table.slots[i];
    double damped;

    if (f->key == 0)
      continue;
    /* Damped counts: weight w per occurrence, tf occurrences → w (1 + ln tf). */
    damped = f->weight * (1.0 + log (f->count));
    acc[(f->key >> 1) % dim] += (f->key & 1) ? -damped : damped;
  }
  g_free (table.slots);

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
