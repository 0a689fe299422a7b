/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

typedef struct _RtxDocEmbedder RtxDocEmbedder;

RtxDocEmbedder *rtx_doc_embedder_new       (RtxRuntime          *runtime,
                                            GMainContext        *http_context);
const char     *rtx_doc_embedder_get_name  (RtxDocEmbedder      *self);
GPtrArray      *rtx_doc_embedder_embed     (RtxDocEmbedder      *self,
                                            const char * const  *texts,
                                            guint                n_texts,
                                            GCancellable        *cancellable,
                                            GError             **error);
void            rtx_doc_embedder_free      (RtxDocEmbedder      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxDocEmbedder, rtx_doc_embedder_free)

G_END_DECLS
