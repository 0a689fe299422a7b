/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-embedder-builtin.h"
#include "rtx-llm-builtin.h"
#include "rtx-context.h"

#define DIM RTX_EMBEDDER_BUILTIN_DIM

static float
similarity (const char *a,
            const char *b)
{
  float va[DIM], vb[DIM];

  rtx_embedder_builtin_embed (a, va, DIM);
  rtx_embedder_builtin_embed (b, vb, DIM);
  return rtx_embedder_cosine (va, vb, DIM);
}

static void
test_normalised (void)
{
  float v[DIM];
  double norm = 0;

  rtx_embedder_builtin_embed ("The quick brown fox jumps over the lazy dog", v, DIM);
  for (guint i = 0; i < DIM; i++)
    norm += (double) v[i] * v[i];
  g_assert_cmpfloat_with_epsilon (norm, 1.0, 1e-5);

  /* No words, no direction: the zero vector. */
  rtx_embedder_builtin_embed (" ,;. ", v, DIM);
  for (guint i = 0; i < DIM; i++)
    g_assert_cmpfloat (v[i], ==, 0.0f);
}

static void
test_deterministic_any_dim (void)
{
  float a[64], b[64], c[1024];
  double norm = 0;

  rtx_embedder_builtin_embed ("Déjà vu, ÉCOLE école", a, 64);
  rtx_embedder_builtin_embed ("Déjà vu, ÉCOLE école", b, 64);
  for (guint i = 0; i < 64; i++)
    g_assert_cmpfloat (a[i], ==, b[i]);

  rtx_embedder_builtin_embed ("some words here", c, 1024);
  for (guint i = 0; i < 1024; i++)
    norm += (double) c[i] * c[i];
  g_assert_cmpfloat_with_epsilon (norm, 1.0, 1e-5);
}

/* What retrieval relies on: related texts are closer than unrelated ones, case and
 * inflection barely matter. */
static void
test_similarity_orders (void)
{
  float same_case = similarity ("Invoice payment terms", "INVOICE PAYMENT TERMS");
  float related = similarity ("How do I reset my password?",
                              "To reset a password, open Settings and choose Reset password.");
  float unrelated = similarity ("How do I reset my password?",
                                "The lighthouse keeper painted the boat blue in spring.");
  float inflected = similarity ("embedding models", "embeddings model");

  g_assert_cmpfloat_with_epsilon (same_case, 1.0f, 1e-5);
  g_assert_cmpfloat (related, >, unrelated + 0.2f);
  g_assert_cmpfloat (inflected, >, unrelated + 0.2f);
  g_assert_cmpfloat (fabsf (unrelated), <, 0.2f);
}

static void
test_extractive_answer (void)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);
  g_autofree char *answer = NULL;
  g_autofree char *empty = NULL;

  g_ptr_array_add (sources, rtx_source_new ("handbook.txt",
    "The office opens at 9 am. Parking is free for visitors on level 2. "
    "The cafeteria serves lunch from noon until 2 pm.", "handbook.txt", 0.8));
  g_ptr_array_add (sources, rtx_source_new ("weather.txt",
    "Storms are expected on the coast this weekend.", "weather.txt", 0.1));

  answer = rtx_llm_builtin_answer ("Where can visitors park?", sources);
  g_test_message ("%s", answer);
  g_assert_true (strstr (answer, "No language model is configured") != NULL);
  g_assert_true (strstr (answer, "Parking is free for visitors on level 2. [1]") != NULL);
  /* The best sentence comes first. */
  g_assert_true (strstr (answer, "Parking") < strstr (answer, "office") ||
                 strstr (answer, "office") == NULL);
  g_assert_true (strstr (answer, "[1] handbook.txt") != NULL);

  empty = rtx_llm_builtin_answer ("Where can visitors park?", NULL);
  g_assert_true (strstr (empty, "No language model is configured") != NULL);
  g_assert_true (strstr (empty, "[1]") == NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/embedder/normalised", test_normalised);
  g_test_add_func ("/embedder/deterministic-any-dim", test_deterministic_any_dim);
  g_test_add_func ("/embedder/similarity-orders", test_similarity_orders);
  g_test_add_func ("/llm/builtin/extractive-answer", test_extractive_answer);

  return g_test_run ();
}
