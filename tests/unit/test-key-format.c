/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-key-format.h"
#include "rtx-siphash.h"

static const char alphabet[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
test_shape (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) key = rtx_key_format_generate (&error);
  g_autofree char *display = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (key), ==, RTX_KEY_LEN);
  g_assert_true (g_str_has_prefix (key, "rtx_"));
  g_assert_cmpuint (strspn (key + 4, alphabet), ==, RTX_KEY_LEN - 4);
  g_assert_true (rtx_key_format_is_valid (key));

  display = rtx_key_format_display (key);
  g_assert_true (g_str_has_prefix (display, "rtx_…"));
  g_assert_true (g_str_has_suffix (display, key + RTX_KEY_LEN - 4));
  g_assert_null (strstr (display, key + 4));
}

/* The bar: a million keys, no duplicate, every checksum valid. */
static void
test_million_unique (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 char_counts[62] = { 0 };

  for (guint i = 0; i < 1000000; i++) {
    g_autoptr(GError) error = NULL;
    char *key = rtx_key_format_generate (&error);

    g_assert_no_error (error);
    g_assert_true (rtx_key_format_is_valid (key));
    for (guint c = 4; c < 4 + RTX_KEY_RANDOM_LEN; c++)
      char_counts[strchr (alphabet, key[c]) - alphabet]++;
    g_assert_true (g_hash_table_add (seen, key));
  }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000000);

  /* 40 million random characters: each of the 62 symbols is expected ~645k times (one standard
   * deviation is ~0.13 %). Bytes taken mod 62 without rejection would give the first eight
   * symbols 25 % more than the others. */
  for (guint s = 0; s < 62; s++) {
    double share = char_counts[s] / (40000000.0 / 62.0);

    g_assert_cmpfloat (share, >, 0.99);
    g_assert_cmpfloat (share, <, 1.01);
  }
}

/* Any single-character change, anywhere, is refused by the checksum or the shape check. */
static void
test_single_change_refused (void)
{
  for (guint k = 0; k < 200; k++) {
    g_autoptr(RtxSecret) key = rtx_key_format_generate (NULL);
    char mutated[RTX_KEY_LEN + 1];

    for (guint pos = 0; pos < RTX_KEY_LEN; pos++) {
      for (const char *c = alphabet; *c != '\0'; c++) {
        if (*c == key[pos])
          continue;
        memcpy (mutated, key, sizeof mutated);
        mutated[pos] = *c;
        g_assert_false (rtx_key_format_is_valid (mutated));
      }
    }
  }
}

static void
test_malformed (void)
{
  g_autoptr(RtxSecret) key = rtx_key_format_generate (NULL);
  g_autofree char *longer = g_strconcat (key, "A", NULL);
  g_autofree char *shorter = g_strndup (key, RTX_KEY_LEN - 1);
  g_autofree char *other_prefix = g_strdup (key);
  g_autofree char *with_nul = g_strdup (key);

  other_prefix[0] = 'R';
  with_nul[20] = '\0';

  g_assert_false (rtx_key_format_is_valid (NULL));
  g_assert_false (rtx_key_format_is_valid (""));
  g_assert_false (rtx_key_format_is_valid ("rtx_"));
  g_assert_false (rtx_key_format_is_valid (longer));
  g_assert_false (rtx_key_format_is_valid (shorter));
  g_assert_false (rtx_key_format_is_valid (other_prefix));
  g_assert_false (rtx_key_format_is_valid (with_nul));
  g_assert_false (rtx_key_format_is_valid ("75FBBV1-WWQ4GC0-GATVNPY-0NXP83W"));
}

static void
test_crc32_vector (void)
{
  /* The standard check value of CRC-32/ISO-HDLC. */
  g_assert_cmphex (rtx_crc32 ((const guint8 *) "123456789", 9), ==, 0xCBF43926);
}

static void
test_const_time_equal (void)
{
  guint8 a[32], b[32];

  memset (a, 7, sizeof a);
  memcpy (b, a, sizeof b);
  g_assert_true (rtx_const_time_equal (a, b, sizeof a));
  b[31] ^= 1;
  g_assert_false (rtx_const_time_equal (a, b, sizeof a));
  b[31] ^= 1;
  b[0] ^= 0x80;
  g_assert_false (rtx_const_time_equal (a, b, sizeof a));
}

static void
test_digest_differs_per_key (void)
{
  g_autoptr(RtxSecret) a = rtx_key_format_generate (NULL);
  g_autoptr(RtxSecret) b = rtx_key_format_generate (NULL);
  guint8 da[RTX_KEY_DIGEST_LEN], db[RTX_KEY_DIGEST_LEN], again[RTX_KEY_DIGEST_LEN];

  rtx_key_format_digest (a, da);
  rtx_key_format_digest (b, db);
  rtx_key_format_digest (a, again);
  g_assert_false (rtx_const_time_equal (da, db, sizeof da));
  g_assert_true (rtx_const_time_equal (da, again, sizeof da));
}

/* The published SipHash-2-4 vectors: key 00 01 … 0f, message 00 01 … (n − 1). */
static void
test_siphash_vectors (void)
{
  static const struct {
    gsize   len;
    guint64 expected;
  } vectors[] = {
    { 0, G_GUINT64_CONSTANT (0x726fdb47dd0e0e31) },
    { 1, G_GUINT64_CONSTANT (0x74f839c593dc67fd) },
    { 7, G_GUINT64_CONSTANT (0xab0200f58b01d137) },
    { 8, G_GUINT64_CONSTANT (0x93f5f5799a932462) },
    { 15, G_GUINT64_CONSTANT (0xa129ca6149be45e5) },
    { 16, G_GUINT64_CONSTANT (0x3f2acc7f57c29bdb) },
    { 63, G_GUINT64_CONSTANT (0x958a324ceb064572) },
  };
  const RtxSipKey key = {
    G_GUINT64_CONSTANT (0x0706050403020100), G_GUINT64_CONSTANT (0x0f0e0d0c0b0a0908),
  };
  guint8 message[64];

  for (guint i = 0; i < sizeof message; i++)
    message[i] = (guint8) i;

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    g_assert_cmphex (rtx_siphash24 (&key, message, vectors[i].len), ==, vectors[i].expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rtx/key-format/shape", test_shape);
  g_test_add_func ("/rtx/key-format/million-unique", test_million_unique);
  g_test_add_func ("/rtx/key-format/single-change-refused", test_single_change_refused);
  g_test_add_func ("/rtx/key-format/malformed", test_malformed);
  g_test_add_func ("/rtx/key-format/crc32-vector", test_crc32_vector);
  g_test_add_func ("/rtx/key-format/const-time-equal", test_const_time_equal);
  g_test_add_func ("/rtx/key-format/digest", test_digest_differs_per_key);
  g_test_add_func ("/rtx/key-format/siphash-vectors", test_siphash_vectors);

  return g_test_run ();
}
