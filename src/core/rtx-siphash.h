/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * RtxSipKey:
 *
 * The 128-bit key of SipHash-2-4 (Aumasson and Bernstein, 2012), as its two little-endian
 * 64-bit halves.
 */
typedef struct {
  guint64 k0;
  guint64 k1;
} RtxSipKey;

guint64 rtx_siphash24 (const RtxSipKey *key,
                       const void      *data,
                       gsize            len);

G_END_DECLS
