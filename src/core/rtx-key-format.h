/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * An API key is "rtx_" + 40 random base62 characters (about 238 bits from getrandom) + a
 * 6-character base62 CRC32 of everything before it. The checksum lets a typo or a truncated
 * paste be refused before any database lookup, and the prefix makes leaked keys recognisable.
 */
#define RTX_KEY_PREFIX        "rtx_"
#define RTX_KEY_PREFIX_LEN    4
#define RTX_KEY_RANDOM_LEN    40
#define RTX_KEY_CHECKSUM_LEN  6
#define RTX_KEY_LEN           (RTX_KEY_PREFIX_LEN + RTX_KEY_RANDOM_LEN + RTX_KEY_CHECKSUM_LEN)
#define RTX_KEY_DIGEST_LEN    32

/**
 * RtxSecret:
 *
 * A plaintext secret (an API key) in memory. Declare it `g_autoptr(RtxSecret)`: it is wiped
 * before it is freed, so it lingers in the heap no longer than it is needed.
 */
typedef char RtxSecret;

RtxSecret *rtx_key_format_generate    (GError       **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean  rtx_key_format_is_valid     (const char    *key);
char     *rtx_key_format_display      (const char    *key) G_GNUC_WARN_UNUSED_RESULT;
void      rtx_key_format_digest       (const char    *key,
                                       guint8         digest[RTX_KEY_DIGEST_LEN]);
gboolean  rtx_const_time_equal        (const guint8  *a,
                                       const guint8  *b,
                                       gsize          len);
guint32   rtx_crc32                   (const guint8  *data,
                                       gsize          len);
gboolean  rtx_random_bytes            (guint8        *buf,
                                       gsize          len,
                                       GError       **error);

void      rtx_secret_free             (RtxSecret     *secret);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxSecret, rtx_secret_free)

G_END_DECLS
