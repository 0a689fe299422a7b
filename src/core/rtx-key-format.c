/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-key-format.h"

static const char base62[] =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int
base62_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 36;
  return -1;
}

/* Table-driven CRC-32 (IEEE 802.3, reflected 0xEDB88320), the checksum GitHub's token format
 * uses too. It detects every single-character change, so a typo never reaches the database. */
guint32
rtx_crc32 (const guint8 *data,
           gsize         len)
{
  static guint32 table[256];
  static gsize table_ready = 0;
  guint32 crc = 0xFFFFFFFFu;

  if (g_once_init_enter (&table_ready)) {
    for (guint32 i = 0; i < 256; i++) {
      guint32 c = i;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
      table[i] = c;
    }
    g_once_init_leave (&table_ready, 1);
  }

  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);

  return crc ^ 0xFFFFFFFFu;
}

gboolean
rtx_random_bytes (guint8  *buf,
                  gsize    len,
                  GError **error)
{
  gsize done = 0;

  /* getrandom(2), never g_random_*: GLib documents its PRNG as unfit for keys. */
  while (done < len) {
    ssize_t n = getrandom (buf + done, len - done, 0);

    if (n < 0) {
      int saved = errno;

      if (saved == EINTR)
        continue;
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                   _("Could not read random bytes: %s"), g_strerror (saved));
      return FALSE;
    }
    done += (gsize) n;
  }

  return TRUE;
}

static void
encode_checksum (guint32 crc,
                 char    out[RTX_KEY_CHECKSUM_LEN])
{
  /* Fixed width, most significant digit first; 62^6 > 2^32, so every CRC fits. */
  for (int i = RTX_KEY_CHECKSUM_LEN - 1; i >= 0; i--) {
    out[i] = base62[crc % 62];
    crc /= 62;
  }
}

RtxSecret *
rtx_key_format_generate (GError **error)
{
  guint8 pool[64];
  char *key = g_malloc0 (RTX_KEY_LEN + 1);
  gsize filled = RTX_KEY_PREFIX_LEN;
  guint32 crc;

  memcpy (key, RTX_KEY_PREFIX, RTX_KEY_PREFIX_LEN);

  /* Rejection sampling keeps the characters uniform: bytes >= 248 (= 4 * 62) are dropped. */
  while (filled < RTX_KEY_PREFIX_LEN + RTX_KEY_RANDOM_LEN) {
    if (!rtx_random_bytes (pool, sizeof pool, error)) {
      rtx_secret_free (key);
      return NULL;
    }
    for (gsize i = 0; i < sizeof pool && filled < RTX_KEY_PREFIX_LEN + RTX_KEY_RANDOM_LEN; i++) {
      if (pool[i] < 248)
        key[filled++] = base62[pool[i] % 62];
    }
  }
  explicit_bzero (pool, sizeof pool);

  crc = rtx_crc32 ((const guint8 *) key, RTX_KEY_PREFIX_LEN + RTX_KEY_RANDOM_LEN);
  encode_checksum (crc, key + RTX_KEY_PREFIX_LEN + RTX_KEY_RANDOM_LEN);

  return key;
}

/**
 * rtx_key_format_is_valid:
 * @key: a candidate key, possibly hostile
 *
 * Checks the shape and the checksum only; says nothing about whether such a key exists.
 *
 * Returns: %TRUE when @key is well formed
 */
gboolean
rtx_key_format_is_valid (const char *key)
{
  const gsize body_len = RTX_KEY_PREFIX_LEN + RTX_KEY_RANDOM_LEN;
  guint64 claimed = 0;

  if (key == NULL || strnlen (key, RTX_KEY_LEN + 1) != RTX_KEY_LEN)
    return FALSE;
  if (memcmp (key, RTX_KEY_PREFIX, RTX_KEY_PREFIX_LEN) != 0)
    return FALSE;

  for (gsize i = RTX_KEY_PREFIX_LEN; i < RTX_KEY_LEN; i++) {
    int v = base62_value (key[i]);

    if (v < 0)
      return FALSE;
    if (i >= body_len)
      claimed = claimed * 62 + (guint64) v;
  }

  return claimed == rtx_crc32 ((const guint8 *) key, body_len);
}

/**
 * rtx_key_format_display:
 * @key: a well-formed key
 *
 * Returns: the display form "rtx_…a1b2" (the prefix and the last four characters), which
 *   identifies a key in lists without revealing it
 */
char *
rtx_key_format_display (const char *key)
{
  gsize len;

  g_return_val_if_fail (key != NULL, NULL);

  len = strlen (key);
  g_return_val_if_fail (len > 4, NULL);

  return g_strdup_printf ("%s…%s", RTX_KEY_PREFIX, key + len - 4);
}

void
rtx_key_format_digest (const char *key,
                       guint8      digest[RTX_KEY_DIGEST_LEN])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = RTX_KEY_DIGEST_LEN;

  g_checksum_update (checksum, (const guchar *) key, strlen (key));
  g_checksum_get_digest (checksum, digest, &len);
  g_assert (len == RTX_KEY_DIGEST_LEN);
}

/* Compares without an early exit, so the time taken says nothing about where bytes differ. */
gboolean
rtx_const_time_equal (const guint8 *a,
                      const guint8 *b,
                      gsize         len)
{
  volatile guint8 diff = 0;

  for (gsize i = 0; i < len; i++)
    diff |= a[i] ^ b[i];

  return diff == 0;
}

void
rtx_secret_free (RtxSecret *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}
