/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-db.h"

G_BEGIN_DECLS

#define RTX_VECTOR_STORE_MAX_DIM 8192
#define RTX_VECTOR_STORE_MAX_TOP_K 1000
#define RTX_VECTOR_STORE_DEFAULT_WORKSPACE "default"

/**
 * RtxVectorHit:
 * @id: the vector's id
 * @score: cosine similarity to the query
 * @metadata: (nullable): its metadata as JSON text
 */
typedef struct {
  char  *id;
  float  score;
  char  *metadata;
} RtxVectorHit;

void rtx_vector_hit_free (RtxVectorHit *hit);

/**
 * RtxVectorBatch:
 * @n: how many vectors
 * @dim: the dimension of each
 * @ids: (array length=n): their ids
 * @data: (array): @n × @dim floats, one row per vector
 * @metadata: (array length=n) (nullable): JSON text per vector, or %NULL entries
 * @document_ids: (array length=n) (nullable): each vector's documentId, or %NULL entries
 */
typedef struct {
  guint   n;
  guint   dim;
  char  **ids;
  float  *data;
  char  **metadata;
  char  **document_ids;
} RtxVectorBatch;

RtxVectorBatch *rtx_vector_batch_new  (guint           n,
                                       guint           dim) G_GNUC_WARN_UNUSED_RESULT;
void            rtx_vector_batch_free (RtxVectorBatch *batch);

#define RTX_TYPE_VECTOR_STORE (rtx_vector_store_get_type ())
G_DECLARE_FINAL_TYPE (RtxVectorStore, rtx_vector_store, RTX, VECTOR_STORE, GObject)

RtxVectorStore *rtx_vector_store_new             (RtxDb                *db) G_GNUC_WARN_UNUSED_RESULT;
gboolean        rtx_vector_store_workspace_is_valid (const char        *workspace);
char           *rtx_vector_store_namespace       (const char           *identity,
                                                  const char           *workspace) G_GNUC_WARN_UNUSED_RESULT;
gboolean        rtx_vector_store_upsert          (RtxVectorStore       *self,
                                                  const char           *identity,
                                                  const char           *workspace,
                                                  const RtxVectorBatch *batch,
                                                  GError              **error);
GPtrArray      *rtx_vector_store_query           (RtxVectorStore       *self,
                                                  const char           *identity,
                                                  const char           *workspace,
                                                  const float          *query,
                                                  guint                 dim,
                                                  guint                 top_k,
                                                  const char           *document_id,
                                                  GError              **error);
gint64          rtx_vector_store_delete          (RtxVectorStore       *self,
                                                  const char           *identity,
                                                  const char           *workspace,
                                                  const char * const   *ids,
                                                  const char           *document_id,
                                                  GError              **error);
GStrv           rtx_vector_store_list_workspaces (RtxVectorStore       *self,
                                                  const char           *identity,
                                                  GError              **error);
gboolean        rtx_vector_store_set_config      (RtxVectorStore       *self,
                                                  const char           *identity,
                                                  const char           *provider,
                                                  const char           *config_json,
                                                  GError              **error);
gboolean        rtx_vector_store_get_config      (RtxVectorStore       *self,
                                                  const char           *identity,
                                                  char                **out_provider,
                                                  char                **out_config_json,
                                                  GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxVectorHit, rtx_vector_hit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxVectorBatch, rtx_vector_batch_free)

G_END_DECLS
