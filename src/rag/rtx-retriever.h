/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-context.h"
#include "rtx-runtime.h"

G_BEGIN_DECLS

/**
 * RtxRetrievalMode:
 *
 * Which rankings retrieval uses: both, standardised and mixed (the default), or one alone
 * (for the quality benchmark).
 */
typedef enum {
  RTX_RETRIEVAL_HYBRID,
  RTX_RETRIEVAL_BM25,
  RTX_RETRIEVAL_VECTOR,
} RtxRetrievalMode;

/**
 * RtxHit:
 * @chunk_id: the chunk's row id
 * @document_id: its document's row id
 * @seq: its position in the document
 * @text: the chunk's text
 * @score: cosine similarity of the query and the chunk (what thresholds apply to)
 * @fused: the fused score it was ordered by
 */
typedef struct {
  gint64  chunk_id;
  gint64  document_id;
  gint    seq;
  char   *text;
  double  score;
  double  fused;
} RtxHit;

#define RTX_TYPE_RETRIEVER (rtx_retriever_get_type ())
G_DECLARE_FINAL_TYPE (RtxRetriever, rtx_retriever, RTX, RETRIEVER, GObject)

RtxRetriever *rtx_retriever_get                (RtxRuntime        *runtime);
void          rtx_rag_install                  (RtxRuntime        *runtime);

gboolean      rtx_retriever_embed_document     (RtxRetriever      *self,
                                                gint64             workspace_id,
                                                gint64             document_id,
                                                GError           **error);
gboolean      rtx_retriever_remove_document    (RtxRetriever      *self,
                                                gint64             workspace_id,
                                                gint64             document_id,
                                                GError           **error);
gboolean      rtx_retriever_set_pinned         (RtxRetriever      *self,
                                                gint64             workspace_id,
                                                gint64             document_id,
                                                gboolean           pinned,
                                                GError           **error);
GPtrArray    *rtx_retriever_search             (RtxRetriever      *self,
                                                gint64             workspace_id,
                                                const char        *query,
                                                guint              top_n,
                                                double             threshold,
                                                RtxRetrievalMode   mode,
                                                GError           **error);
GHashTable   *rtx_retriever_pinned_workspaces  (RtxRetriever      *self,
                                                GError           **error);
void          rtx_retriever_add_workspace_documents (RtxRetriever *self,
                                                JsonBuilder       *builder,
                                                gint64             workspace_id);
/* The vector scan alone, for the benchmark. */
void          rtx_retriever_scan               (const float       *data,
                                                guint              n,
                                                guint              dim,
                                                const float       *query,
                                                float             *sims,
                                                guint              k,
                                                guint             *out_idx,
                                                guint             *out_len);
void          rtx_retriever_set_vector_weight  (RtxRetriever      *self,
                                                double             weight);
void          rtx_hit_free                     (RtxHit            *hit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxHit, rtx_hit_free)

G_END_DECLS
