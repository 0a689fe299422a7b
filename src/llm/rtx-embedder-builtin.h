/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The dimension the runtime uses for the built-in embedder (the embeddings route, retrieval). */
#define RTX_EMBEDDER_BUILTIN_DIM 384
#define RTX_EMBEDDER_BUILTIN_MODEL "rtx-hashed-ngrams-384"

void   rtx_embedder_builtin_embed  (const char  *text,
                                    float       *out,
                                    gsize        dim);
float  rtx_embedder_cosine         (const float *a,
                                    const float *b,
                                    gsize        dim);
guint  rtx_embedder_count_tokens   (const char  *text);

G_END_DECLS
