/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-doc-embedder.h"
#include "rtx-documents.h"
#include "rtx-embedder-builtin.h"
#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-llm.h"
#include "rtx-retriever.h"

/**
 * RtxRetriever:
 *
 * Hybrid retrieval over a workspace's chunks: BM25 from SQLite FTS5, and vector similarity
 * scanned from a compact in-memory matrix per workspace (one contiguous block of floats, rows
 * L2-normalised, so a dot product is the cosine). Vectors live in SQLite (chunk_vectors); the
 * matrix is rebuilt when the workspace's documents change. It is also the runtime's context
 * provider: chats get pinned documents whole, then the passages retrieved for the message.
 *
 * Fusion: each ranking's scores are standardised over its own candidate list (z-scores of the
 * CANDIDATES best of each), and a candidate's fused score is (1 − w)·z(BM25) + w·z(cosine).
 * Every candidate has its exact cosine (the scan computes them all); one that BM25's list does
 * not hold gets that list's lowest score, or 0 when the list holds every match. Reciprocal
 * rank fusion was measured first and lost to BM25 alone at every weight tried: it throws away
 * how far apart two documents are, and BM25's near-ties (a library and its -dev package share
 * most of a description) are exactly where the vectors can help (bench/RESULTS.md).
 */

/* The vectors' weight w. Chosen on a development split of Debian's package descriptions
 * (bench/rag-bench.sh tune: packages 3000–5999), disjoint from the split the results are
 * reported on (packages 0–2999). */
#define DEFAULT_VECTOR_WEIGHT 0.2
#define CANDIDATES       100
#define MAX_QUERY_TERMS  32
#define PINNED_MAX_BYTES (32 * 1024)

typedef float v8sf __attribute__ ((vector_size (32)));

typedef struct {
  gint64      fingerprint[3];
  char       *embedder;
  guint       n;
  guint       dim;
  float      *data;       /* n × dim */
  gint64     *chunk_ids;  /* n */
  GHashTable *rows;       /* chunk id → row + 1 */
} Matrix;

struct _RtxRetriever {
  GObject     parent_instance;

  RtxRuntime   *runtime;   /* not owned: the runtime owns us */
  GMainContext *http_context;
  double      vector_weight;
  GMutex      lock;
  GHashTable *matrices;  /* workspace id → Matrix */
};

static void rtx_retriever_context_init (RtxContextProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RtxRetriever, rtx_retriever, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RTX_TYPE_CONTEXT_PROVIDER,
                                                      rtx_retriever_context_init))

void
rtx_hit_free (RtxHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->text);
  g_free (hit);
}

static void
matrix_free (Matrix *m)
{
  g_free (m->embedder);
  g_free (m->data);
  g_free (m->chunk_ids);
  g_clear_pointer (&m->rows, g_hash_table_unref);
  g_free (m);
}

static RtxDb *
db_of (RtxRetriever *self)
{
  return rtx_runtime_get_db (self->runtime);
}

static void
forget_matrix (RtxRetriever *self,
               gint64        workspace_id)
{
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->matrices, &workspace_id);
  g_mutex_unlock (&self->lock);
}

/* ---- Embedding documents into workspaces ------------------------------------------------- */

static RtxDocEmbedder *
current_embedder (RtxRetriever *self)
{
  return rtx_doc_embedder_new (self->runtime, self->http_context);
}

typedef struct {
  gint64  chunk_id;
  GBytes *vector;
} PendingVector;

static void
pending_free (PendingVector *p)
{
  g_bytes_unref (p->vector);
  g_free (p);
}

/* Vectors of the chunks that have none for this embedder yet: CPU work or calls to the
 * embedding server, outside any transaction. */
static GPtrArray *
embed_missing (RtxRetriever    *self,
               RtxDocEmbedder  *embedder,
               gint64           document_id,
               GError         **error)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) vectors = NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT c.id, c.text FROM document_chunks c WHERE c.document_id = ?1 AND NOT EXISTS "
    "(SELECT 1 FROM chunk_vectors v WHERE v.chunk_id = c.id AND v.embedder = ?2) ORDER BY c.seq", error);
  gboolean row = FALSE;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, document_id);
  sqlite3_bind_text (stmt, 2, rtx_doc_embedder_get_name (embedder), -1, SQLITE_TRANSIENT);
  while (rtx_db_step_row (db_of (self), stmt, &row, error) && row) {
    PendingVector *p = g_new0 (PendingVector, 1);

    p->chunk_id = sqlite3_column_int64 (stmt, 0);
    g_ptr_array_add (pending, p);
    g_ptr_array_add (texts, rtx_stmt_dup_text (stmt, 1));
  }
  if (error != NULL && *error != NULL)
    return NULL;
  g_clear_pointer (&stmt, rtx_stmt_release);

  vectors = rtx_doc_embedder_embed (embedder, (const char * const *) texts->pdata, texts->len, NULL, error);
  if (vectors == NULL)
    return NULL;
  for (guint i = 0; i < pending->len; i++)
    ((PendingVector *) g_ptr_array_index (pending, i))->vector = g_bytes_ref (g_ptr_array_index (vectors, i));
  return g_steal_pointer (&pending);
}

static gboolean
store_link (RtxRetriever  *self,
            const char    *embedder,
            gint64         workspace_id,
            gint64         document_id,
            GPtrArray     *pending,
            GError       **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < pending->len; i++) {
    PendingVector *p = g_ptr_array_index (pending, i);
    g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
      "INSERT OR IGNORE INTO chunk_vectors (chunk_id, embedder, vector) VALUES (?1, ?2, ?3)", error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, p->chunk_id);
    sqlite3_bind_text (stmt, 2, embedder, -1, SQLITE_STATIC);
    sqlite3_bind_blob (stmt, 3, g_bytes_get_data (p->vector, NULL), g_bytes_get_size (p->vector), SQLITE_STATIC);
    if (!rtx_db_step_done (db_of (self), stmt, error))
      return FALSE;
  }

  {
    g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
      "INSERT INTO workspace_documents (workspace_id, document_id, embedder, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (workspace_id, document_id) "
      "DO UPDATE SET embedder = excluded.embedder WHERE embedder != excluded.embedder", error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, workspace_id);
    sqlite3_bind_int64 (stmt, 2, document_id);
    sqlite3_bind_text (stmt, 3, embedder, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 4, now);
    return rtx_db_step_done (db_of (self), stmt, error);
  }
}

/**
 * rtx_retriever_embed_document:
 *
 * Embeds the document's chunks with the workspace's embedder (those not embedded yet) and adds
 * the document to the workspace: vectors and link in one transaction. Blocks: call it from a
 * worker thread.
 */
gboolean
rtx_retriever_embed_document (RtxRetriever  *self,
                              gint64         workspace_id,
                              gint64         document_id,
                              GError       **error)
{
  g_autoptr(RtxDocEmbedder) embedder = current_embedder (self);
  g_autoptr(GPtrArray) pending = embed_missing (self, embedder, document_id, error);
  g_autoptr(GError) local_error = NULL;

  if (pending == NULL)
    return FALSE;
  if (!rtx_db_begin (db_of (self), error))
    return FALSE;
  if (!store_link (self, rtx_doc_embedder_get_name (embedder), workspace_id, document_id, pending, &local_error) ||
      !rtx_db_commit (db_of (self), &local_error)) {
    rtx_db_rollback (db_of (self));
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  /* The fingerprint misses a document re-embedded with another embedder. */
  forget_matrix (self, workspace_id);
  return TRUE;
}

gboolean
rtx_retriever_remove_document (RtxRetriever  *self,
                               gint64         workspace_id,
                               gint64         document_id,
                               GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "DELETE FROM workspace_documents WHERE workspace_id = ?1 AND document_id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  sqlite3_bind_int64 (stmt, 2, document_id);
  return rtx_db_step_done (db_of (self), stmt, error);
}

/**
 * rtx_retriever_set_pinned:
 *
 * Returns: %FALSE with %RTX_ERROR_NOT_FOUND when the document is not in the workspace
 */
gboolean
rtx_retriever_set_pinned (RtxRetriever  *self,
                          gint64         workspace_id,
                          gint64         document_id,
                          gboolean       pinned,
                          GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "UPDATE workspace_documents SET pinned = ?3, updated_at = ?4 "
    "WHERE workspace_id = ?1 AND document_id = ?2", error);
  sqlite3 *handle;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  sqlite3_bind_int64 (stmt, 2, document_id);
  sqlite3_bind_int (stmt, 3, pinned ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (!rtx_db_step_done (db_of (self), stmt, error))
    return FALSE;
  handle = rtx_db_get_handle (db_of (self), error);
  if (handle == NULL)
    return FALSE;
  if (sqlite3_changes (handle) == 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("The document is not in this workspace"));
    return FALSE;
  }
  return TRUE;
}

/* ---- The matrix -------------------------------------------------------------------------- */

static gboolean
read_fingerprint (RtxRetriever  *self,
                  gint64         workspace_id,
                  gint64         out[3],
                  GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT count(*), coalesce(max(wd.id), 0), coalesce(sum(d.n_chunks), 0) "
    "FROM workspace_documents wd JOIN documents d ON d.id = wd.document_id WHERE wd.workspace_id = ?1", error);
  gboolean row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  if (!rtx_db_step_row (db_of (self), stmt, &row, error))
    return FALSE;
  for (guint i = 0; i < 3; i++)
    out[i] = sqlite3_column_int64 (stmt, i);
  return TRUE;
}

/* The vectors of @embedder for the workspace's chunks; the dimension is the first row's (a
 * row of another size, which a misbehaving server could cause, is left out). */
static Matrix *
build_matrix (RtxRetriever  *self,
              gint64         workspace_id,
              const char    *embedder,
              const gint64   fingerprint[3],
              GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT v.chunk_id, v.vector FROM workspace_documents wd "
    "JOIN document_chunks c ON c.document_id = wd.document_id "
    "JOIN chunk_vectors v ON v.chunk_id = c.id AND v.embedder = ?2 "
    "WHERE wd.workspace_id = ?1", error);
  Matrix *m;
  guint capacity = MAX (fingerprint[2], 16);
  gboolean row = FALSE;
  gsize row_bytes = 0;

  if (stmt == NULL)
    return NULL;

  m = g_new0 (Matrix, 1);
  memcpy (m->fingerprint, fingerprint, sizeof m->fingerprint);
  m->embedder = g_strdup (embedder);
  m->dim = RTX_EMBEDDER_BUILTIN_DIM;
  m->chunk_ids = g_new (gint64, capacity);
  m->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  sqlite3_bind_int64 (stmt, 1, workspace_id);
  sqlite3_bind_text (stmt, 2, embedder, -1, SQLITE_TRANSIENT);
  while (rtx_db_step_row (db_of (self), stmt, &row, error) && row) {
    gsize bytes = sqlite3_column_bytes (stmt, 1);
    gint64 *key;

    if (m->data == NULL && bytes > 0 && bytes % sizeof (float) == 0) {
      row_bytes = bytes;
      m->dim = bytes / sizeof (float);
      m->data = g_malloc (capacity * row_bytes);
    }
    if (m->data == NULL || bytes != row_bytes)
      continue;
    if (m->n == capacity) {
      capacity *= 2;
      m->data = g_realloc (m->data, capacity * row_bytes);
      m->chunk_ids = g_renew (gint64, m->chunk_ids, capacity);
    }
    memcpy (m->data + (gsize) m->n * m->dim, sqlite3_column_blob (stmt, 1), row_bytes);
    m->chunk_ids[m->n] = sqlite3_column_int64 (stmt, 0);
    key = g_memdup2 (&m->chunk_ids[m->n], sizeof (gint64));
    g_hash_table_insert (m->rows, key, GUINT_TO_POINTER (m->n + 1));
    m->n++;
  }
  if (error != NULL && *error != NULL) {
    matrix_free (m);
    return NULL;
  }
  return m;
}

/* The workspace's matrix, rebuilt when its documents changed. The matrix stays owned by the
 * cache; the lock is held while it is used, so a rebuild never frees it under a scan. */
static Matrix *
lock_matrix (RtxRetriever  *self,
             gint64         workspace_id,
             const char    *embedder,
             GError       **error)
{
  gint64 fingerprint[3];
  Matrix *m;

  if (!read_fingerprint (self, workspace_id, fingerprint, error))
    return NULL;

  g_mutex_lock (&self->lock);
  m = g_hash_table_lookup (self->matrices, &workspace_id);
  if (m == NULL || memcmp (m->fingerprint, fingerprint, sizeof fingerprint) != 0 ||
      g_strcmp0 (m->embedder, embedder) != 0) {
    m = build_matrix (self, workspace_id, embedder, fingerprint, error);
    if (m == NULL) {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
    g_hash_table_replace (self->matrices, g_memdup2 (&workspace_id, sizeof workspace_id), m);
  }
  return m;
}

/* A dot product the compiler turns into SIMD instructions (GCC vector extensions; 8 floats a
 * step, two SSE registers on the baseline x86-64). */
static inline float
dot (const float *a,
     const float *b,
     guint        dim)
{
  v8sf acc = { 0 };
  float sum = 0;
  guint i = 0;

  for (; i + 8 <= dim; i += 8) {
    v8sf x, y;

    memcpy (&x, a + i, sizeof x);
    memcpy (&y, b + i, sizeof y);
    acc += x * y;
  }
  for (; i < dim; i++)
    sum += a[i] * b[i];
  return sum + acc[0] + acc[1] + acc[2] + acc[3] + acc[4] + acc[5] + acc[6] + acc[7];
}

/* Keeps the @k best (index, score) pairs, best first. */
typedef struct {
  guint  k;
  guint  len;
  guint *idx;
  float *score;
} TopK;

static void
topk_push (TopK  *t,
           guint  index,
           float  score)
{
  guint pos;

  if (t->len == t->k && score <= t->score[t->len - 1])
    return;
  pos = t->len < t->k ? t->len++ : t->len - 1;
  while (pos > 0 && t->score[pos - 1] < score) {
    t->score[pos] = t->score[pos - 1];
    t->idx[pos] = t->idx[pos - 1];
    pos--;
  }
  t->score[pos] = score;
  t->idx[pos] = index;
}

/**
 * rtx_retriever_scan:
 *
 * The vector scan: cosine of @query with every row, the @k best kept. Exposed for the
 * benchmark, which compares it with a plain read of the same bytes.
 */
void
rtx_retriever_scan (const float *data,
                    guint        n,
                    guint        dim,
                    const float *query,
                    float       *sims,
                    guint        k,
                    guint       *out_idx,
                    guint       *out_len)
{
  g_autofree float *scores = g_new (float, k);
  TopK top = { k, 0, out_idx, scores };

  for (guint r = 0; r < n; r++) {
    sims[r] = dot (query, data + (gsize) r * dim, dim);
    topk_push (&top, r, sims[r]);
  }
  *out_len = top.len;
}

/* ---- BM25 -------------------------------------------------------------------------------- */

/* The query's words as an FTS5 expression: each one quoted (so no FTS5 syntax gets through),
 * any of them may match; BM25 ranks by how many and how rare. */
static char *
fts_expression (const char *query)
{
  g_autoptr(GString) expr = g_string_new (NULL);
  g_autofree char *lower = g_utf8_strdown (query, -1);
  guint terms = 0;
  const char *p = lower;

  while (*p != '\0' && terms < MAX_QUERY_TERMS) {
    const char *start;
    gunichar c = g_utf8_get_char (p);

    if (!g_unichar_isalnum (c)) {
      p = g_utf8_next_char (p);
      continue;
    }
    start = p;
    while (*p != '\0' && g_unichar_isalnum (g_utf8_get_char (p)))
      p = g_utf8_next_char (p);
    if (expr->len > 0)
      g_string_append (expr, " OR ");
    g_string_append_c (expr, '"');
    g_string_append_len (expr, start, p - start);
    g_string_append_c (expr, '"');
    terms++;
  }
  return terms > 0 ? g_string_free (g_steal_pointer (&expr), FALSE) : NULL;
}

typedef struct {
  gint64 chunk_id;
  double score;
} Ranked;

/* The @k best chunks by BM25, best first; scores are FTS5's bm25() negated (higher is better). */
static GArray *
bm25_ranking (RtxRetriever  *self,
              gint64         workspace_id,
              const char    *query,
              guint          k,
              GError       **error)
{
  g_autofree char *expr = fts_expression (query);
  GArray *ranked = g_array_new (FALSE, FALSE, sizeof (Ranked));
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean row = FALSE;

  if (expr == NULL)
    return ranked;
  stmt = rtx_db_prepare (db_of (self),
    "SELECT f.rowid, bm25 (document_chunks_fts) AS s FROM document_chunks_fts f "
    "JOIN document_chunks c ON c.id = f.rowid "
    "JOIN workspace_documents wd ON wd.document_id = c.document_id AND wd.workspace_id = ?2 "
    "WHERE document_chunks_fts MATCH ?1 ORDER BY s LIMIT ?3", error);
  if (stmt == NULL) {
    g_array_unref (ranked);
    return NULL;
  }
  sqlite3_bind_text (stmt, 1, expr, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, workspace_id);
  sqlite3_bind_int (stmt, 3, k);
  while (rtx_db_step_row (db_of (self), stmt, &row, error) && row) {
    Ranked r = { sqlite3_column_int64 (stmt, 0), -sqlite3_column_double (stmt, 1) };

    g_array_append_val (ranked, r);
  }
  if (error != NULL && *error != NULL) {
    g_array_unref (ranked);
    return NULL;
  }
  return ranked;
}

/* ---- Search ------------------------------------------------------------------------------ */

typedef struct {
  gint64 chunk_id;
  double fused;
  double score;   /* cosine */
  double bm25;
} Candidate;

static int
by_fused (gconstpointer a,
          gconstpointer b)
{
  const Candidate *x = a, *y = b;

  return x->fused < y->fused ? 1 : x->fused > y->fused ? -1 : (x->chunk_id > y->chunk_id) - (x->chunk_id < y->chunk_id);
}

static Candidate *
candidate_for (GHashTable *table,
               GArray     *list,
               gint64      chunk_id,
               double      bm25)
{
  gpointer found = g_hash_table_lookup (table, &chunk_id);
  Candidate c = { chunk_id, 0, 0, bm25 };

  if (found != NULL)
    return &g_array_index (list, Candidate, GPOINTER_TO_UINT (found) - 1);
  g_array_append_val (list, c);
  g_hash_table_insert (table, g_memdup2 (&chunk_id, sizeof chunk_id), GUINT_TO_POINTER (list->len));
  return &g_array_index (list, Candidate, list->len - 1);
}

/* Mean and standard deviation of @n scores @stride bytes apart. */
static void
moments (const void *scores,
         guint       n,
         gsize       stride,
         double     *mean,
         double     *sd)
{
  double sum = 0, sq = 0;

  *mean = *sd = 0;
  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    sum += *(const double *) ((const char *) scores + i * stride);
  *mean = sum / n;
  for (guint i = 0; i < n; i++) {
    double d = *(const double *) ((const char *) scores + i * stride) - *mean;

    sq += d * d;
  }
  *sd = sqrt (sq / n);
}

static double
standardise (double x,
             double mean,
             double sd)
{
  return sd > 0 ? (x - mean) / sd : 0;
}

/* Orders @candidates (cosines filled in) by @mode: BM25's or the cosine's order alone, or
 * both standardised and mixed with the vectors' @weight. */
static void
fuse (GArray           *candidates,
      const GArray     *bm25,
      gboolean          bm25_complete,
      const double     *top_cosines,
      guint             n_top,
      RtxRetrievalMode  mode,
      double            weight)
{
  double b_mean, b_sd, v_mean, v_sd, floor = 0;

  moments (bm25->len > 0 ? &g_array_index (bm25, Ranked, 0).score : NULL, bm25->len, sizeof (Ranked), &b_mean, &b_sd);
  moments (top_cosines, n_top, sizeof (double), &v_mean, &v_sd);
  if (!bm25_complete && bm25->len > 0)
    floor = g_array_index (bm25, Ranked, bm25->len - 1).score;

  for (guint i = 0; i < candidates->len; i++) {
    Candidate *c = &g_array_index (candidates, Candidate, i);
    double b = isnan (c->bm25) ? floor : c->bm25;

    switch (mode) {
    case RTX_RETRIEVAL_BM25:
      c->fused = b;
      break;
    case RTX_RETRIEVAL_VECTOR:
      c->fused = c->score;
      break;
    case RTX_RETRIEVAL_HYBRID:
    default:
      c->fused = (1 - weight) * standardise (b, b_mean, b_sd) + weight * standardise (c->score, v_mean, v_sd);
      break;
    }
  }
  g_array_sort (candidates, by_fused);
}

static gboolean
fill_hit (RtxRetriever  *self,
          RtxHit        *hit,
          GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT document_id, seq, text FROM document_chunks WHERE id = ?1", error);
  gboolean row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, hit->chunk_id);
  if (!rtx_db_step_row (db_of (self), stmt, &row, error))
    return FALSE;
  if (!row)
    return TRUE;
  hit->document_id = sqlite3_column_int64 (stmt, 0);
  hit->seq = sqlite3_column_int (stmt, 1);
  hit->text = rtx_stmt_dup_text (stmt, 2);
  return TRUE;
}

/**
 * rtx_retriever_search:
 * @top_n: how many passages at most
 * @threshold: drop passages whose cosine similarity is below it (0 keeps all)
 *
 * Blocks: call it from a worker thread.
 *
 * Returns: (transfer full) (element-type RtxHit): the passages, best first
 */
GPtrArray *
rtx_retriever_search (RtxRetriever      *self,
                      gint64             workspace_id,
                      const char        *query,
                      guint              top_n,
                      double             threshold,
                      RtxRetrievalMode   mode,
                      GError           **error)
{
  guint k = MAX (top_n * 4, CANDIDATES);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_hit_free);
  g_autoptr(GArray) bm25 = NULL;
  g_autoptr(RtxDocEmbedder) embedder = current_embedder (self);
  g_autoptr(GPtrArray) qv = NULL;
  g_autoptr(GError) embed_error = NULL;
  const float *q = NULL;
  gsize q_bytes = 0;
  g_autofree float *sims = NULL;
  g_autofree guint *best = g_new (guint, k);
  g_autofree double *top_cosines = g_new (double, k);
  guint n_best = 0;
  Matrix *m;

  /* BM25 first, outside the matrix's lock. */
  if (mode != RTX_RETRIEVAL_VECTOR) {
    bm25 = bm25_ranking (self, workspace_id, query, k, error);
    if (bm25 == NULL)
      return NULL;
  } else {
    bm25 = g_array_new (FALSE, FALSE, sizeof (Ranked));
  }
  for (guint r = 0; r < bm25->len; r++) {
    Ranked *ranked = &g_array_index (bm25, Ranked, r);

    candidate_for (seen, candidates, ranked->chunk_id, ranked->score);
  }

  /* An embedding server that fails leaves BM25 to answer alone (unless vectors alone were
   * asked for). */
  qv = rtx_doc_embedder_embed (embedder, &query, 1, NULL, &embed_error);
  if (qv == NULL && mode == RTX_RETRIEVAL_VECTOR) {
    g_propagate_error (error, g_steal_pointer (&embed_error));
    return NULL;
  }
  if (qv == NULL)
    g_message ("Retrieval without vectors: %s", embed_error->message);
  else
    q = g_bytes_get_data (g_ptr_array_index (qv, 0), &q_bytes);

  m = lock_matrix (self, workspace_id, rtx_doc_embedder_get_name (embedder), error);
  if (m == NULL)
    return NULL;
  sims = g_new0 (float, MAX (m->n, 1));
  if (q != NULL && q_bytes == m->dim * sizeof (float))
    rtx_retriever_scan (m->data, m->n, m->dim, q, sims, k, best, &n_best);
  for (guint r = 0; r < n_best; r++) {
    top_cosines[r] = sims[best[r]];
    if (mode != RTX_RETRIEVAL_BM25)
      candidate_for (seen, candidates, m->chunk_ids[best[r]], NAN);
  }
  /* Every candidate's cosine, BM25's too, from the scan just made. */
  for (guint i = 0; i < candidates->len; i++) {
    Candidate *c = &g_array_index (candidates, Candidate, i);
    gpointer row = g_hash_table_lookup (m->rows, &c->chunk_id);

    c->score = row != NULL ? sims[GPOINTER_TO_UINT (row) - 1] : 0;
  }
  g_mutex_unlock (&self->lock);

  fuse (candidates, bm25, bm25->len < k, top_cosines, n_best, mode, self->vector_weight);
  for (guint i = 0; i < candidates->len && hits->len < top_n; i++) {
    Candidate *c = &g_array_index (candidates, Candidate, i);
    RtxHit *hit;

    /* Thresholds are on the cosine: without a query vector there is none to apply. */
    if (threshold > 0 && q != NULL && c->score < threshold)
      continue;
    hit = g_new0 (RtxHit, 1);
    hit->chunk_id = c->chunk_id;
    hit->score = c->score;
    hit->fused = c->fused;
    g_ptr_array_add (hits, hit);
    if (!fill_hit (self, hit, error))
      return NULL;
  }
  return g_steal_pointer (&hits);
}

/* ---- Workspace documents as JSON --------------------------------------------------------- */

/**
 * rtx_retriever_pinned_workspaces:
 *
 * Where documents are pinned, for listings: one query for all of them (pins are few, a
 * listing's documents may be many).
 *
 * Returns: (transfer full) (nullable): document id (gint64 *) → GArray of workspace ids
 *   (gint64), ascending; only pinned documents are keys
 */
GHashTable *
rtx_retriever_pinned_workspaces (RtxRetriever  *self,
                                 GError       **error)
{
  g_autoptr(GHashTable) pins = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                      (GDestroyNotify) g_array_unref);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT document_id, workspace_id FROM workspace_documents WHERE pinned = 1 "
    "ORDER BY document_id, workspace_id", error);
  gboolean row = FALSE;

  if (stmt == NULL)
    return NULL;
  while (rtx_db_step_row (db_of (self), stmt, &row, error) && row) {
    gint64 document_id = sqlite3_column_int64 (stmt, 0);
    gint64 workspace_id = sqlite3_column_int64 (stmt, 1);
    GArray *ids = g_hash_table_lookup (pins, &document_id);

    if (ids == NULL) {
      ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (pins, g_memdup2 (&document_id, sizeof document_id), ids);
    }
    g_array_append_val (ids, workspace_id);
  }
  if (error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&pins);
}

/**
 * rtx_retriever_add_workspace_documents:
 *
 * Adds the workspace's documents as AnythingLLM's workspace_documents rows (an array value).
 */
void
rtx_retriever_add_workspace_documents (RtxRetriever *self,
                                       JsonBuilder  *builder,
                                       gint64        workspace_id)
{
  RtxDocuments *documents = rtx_runtime_get_documents (self->runtime);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT id, document_id, pinned, watched, created_at, updated_at FROM workspace_documents "
    "WHERE workspace_id = ?1 ORDER BY id", NULL);
  gboolean row = FALSE;

  json_builder_begin_array (builder);
  if (stmt != NULL) {
    sqlite3_bind_int64 (stmt, 1, workspace_id);
    while (rtx_db_step_row (db_of (self), stmt, &row, NULL) && row) {
      g_autoptr(RtxDocument) doc = rtx_documents_find_by_id (documents, sqlite3_column_int64 (stmt, 1), NULL);
      g_autoptr(JsonNode) meta = NULL;
      g_autofree char *location = NULL;

      if (doc == NULL)
        continue;
      location = rtx_document_location (doc);
      meta = rtx_document_to_json (doc, NULL);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 0));
      json_builder_set_member_name (builder, "docId");
      json_builder_add_string_value (builder, doc->doc_id);
      json_builder_set_member_name (builder, "filename");
      json_builder_add_string_value (builder, doc->name);
      json_builder_set_member_name (builder, "docpath");
      json_builder_add_string_value (builder, location);
      json_builder_set_member_name (builder, "workspaceId");
      json_builder_add_int_value (builder, workspace_id);
      json_builder_set_member_name (builder, "metadata");
      json_builder_add_string_value (builder, rtx_json_to_string (meta, FALSE));
      json_builder_set_member_name (builder, "pinned");
      json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, 2) != 0);
      json_builder_set_member_name (builder, "watched");
      json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, 3) != 0);
      json_builder_set_member_name (builder, "createdAt");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 4));
      json_builder_set_member_name (builder, "lastUpdatedAt");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 5));
      json_builder_end_object (builder);
    }
  }
  json_builder_end_array (builder);
}

/* ---- The context provider ---------------------------------------------------------------- */

typedef struct {
  gint64  workspace_id;
  char   *query;
  guint   top_n;
  double  threshold;
} Retrieval;

static void
retrieval_free (Retrieval *r)
{
  g_free (r->query);
  g_free (r);
}

static gboolean
add_pinned (RtxRetriever  *self,
            gint64         workspace_id,
            GPtrArray     *sources,
            GHashTable    *pinned_docs,
            GError       **error)
{
  RtxDocuments *documents = rtx_runtime_get_documents (self->runtime);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT document_id FROM workspace_documents WHERE workspace_id = ?1 AND pinned = 1 ORDER BY id", error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  while (rtx_db_step_row (db_of (self), stmt, &row, error) && row) {
    gint64 id = sqlite3_column_int64 (stmt, 0);

    g_array_append_val (ids, id);
  }
  g_clear_pointer (&stmt, rtx_stmt_release);

  for (guint i = 0; i < ids->len; i++) {
    gint64 id = g_array_index (ids, gint64, i);
    g_autoptr(RtxDocument) doc = rtx_documents_find_by_id (documents, id, NULL);
    g_autoptr(GString) text = g_string_new (NULL);
    g_autoptr(RtxStmt) chunks = rtx_db_prepare (db_of (self),
      "SELECT text FROM document_chunks WHERE document_id = ?1 ORDER BY seq", error);
    g_autofree char *location = NULL;
    RtxSource *source;

    if (doc == NULL || chunks == NULL)
      continue;
    /* Consecutive chunks overlap a little; the whole text is kept as stored, up to a cap. */
    sqlite3_bind_int64 (chunks, 1, id);
    while (text->len < PINNED_MAX_BYTES && rtx_db_step_row (db_of (self), chunks, &row, NULL) && row) {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, (const char *) sqlite3_column_text (chunks, 0));
    }
    location = rtx_document_location (doc);
    source = rtx_source_new (doc->title, text->str, location, 1.0);
    source->pinned = TRUE;
    g_ptr_array_add (sources, source);
    g_hash_table_add (pinned_docs, g_memdup2 (&id, sizeof id));
  }
  return TRUE;
}

static void
retrieve_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  RtxRetriever *self = source_object;
  Retrieval *r = task_data;
  RtxDocuments *documents = rtx_runtime_get_documents (self->runtime);
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);
  g_autoptr(GHashTable) pinned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;

  if (!add_pinned (self, r->workspace_id, sources, pinned, &error)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }

  hits = rtx_retriever_search (self, r->workspace_id, r->query, r->top_n, r->threshold,
                               RTX_RETRIEVAL_HYBRID, &error);
  if (hits == NULL) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  for (guint i = 0; i < hits->len; i++) {
    RtxHit *hit = g_ptr_array_index (hits, i);
    g_autoptr(RtxDocument) doc = NULL;
    g_autofree char *location = NULL;

    if (hit->text == NULL || g_hash_table_contains (pinned, &hit->document_id))
      continue;
    doc = rtx_documents_find_by_id (documents, hit->document_id, NULL);
    if (doc == NULL)
      continue;
    location = rtx_document_location (doc);
    g_ptr_array_add (sources, rtx_source_new (doc->title, hit->text, location, hit->score));
  }
  g_task_return_pointer (task, g_steal_pointer (&sources), (GDestroyNotify) g_ptr_array_unref);
}

/* One indexed lookup (the UNIQUE (workspace_id, document_id) index): cheap enough for the
 * main loop. Errors say "maybe", so that the worker reports them. */
static gboolean
has_documents (RtxRetriever *self,
               gint64        workspace_id)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db_of (self),
    "SELECT 1 FROM workspace_documents WHERE workspace_id = ?1 LIMIT 1", NULL);
  gboolean row = TRUE;

  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  if (!rtx_db_step_row (db_of (self), stmt, &row, NULL))
    return TRUE;
  return row;
}

static void
retriever_retrieve_async (RtxContextProvider    *provider,
                          const RtxContextQuery *query,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  Retrieval *r;

  /* A workspace without documents has no context: no worker thread (its hand-offs would add
   * to the time to first token of every plain chat). */
  if (!has_documents (RTX_RETRIEVER (provider), query->workspace_id)) {
    g_task_return_pointer (task, g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free),
                           (GDestroyNotify) g_ptr_array_unref);
    return;
  }

  r = g_new0 (Retrieval, 1);

  r->workspace_id = query->workspace_id;
  r->query = g_strdup (query->query != NULL ? query->query : "");
  r->top_n = query->top_n > 0 ? query->top_n : 4;
  r->threshold = query->similarity_threshold;
  g_task_set_task_data (task, r, (GDestroyNotify) retrieval_free);
  g_task_run_in_thread (task, retrieve_thread);
}

static GPtrArray *
retriever_retrieve_finish (RtxContextProvider  *provider,
                           GAsyncResult        *result,
                           GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rtx_retriever_context_init (RtxContextProviderInterface *iface)
{
  iface->retrieve_async = retriever_retrieve_async;
  iface->retrieve_finish = retriever_retrieve_finish;
}

/* ---- Life -------------------------------------------------------------------------------- */

static void
rtx_retriever_finalize (GObject *object)
{
  RtxRetriever *self = (RtxRetriever *) object;

  g_hash_table_unref (self->matrices);
  g_clear_pointer (&self->http_context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (rtx_retriever_parent_class)->finalize (object);
}

static void
rtx_retriever_class_init (RtxRetrieverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rtx_retriever_finalize;
}

static void
rtx_retriever_init (RtxRetriever *self)
{
  g_mutex_init (&self->lock);
  self->vector_weight = DEFAULT_VECTOR_WEIGHT;
  self->matrices = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                          (GDestroyNotify) matrix_free);
}

/**
 * rtx_retriever_set_vector_weight:
 *
 * The vectors' weight w in the fusion, between 0 and 1 (BM25's is 1 − w); for the
 * benchmark's tuning.
 */
void
rtx_retriever_set_vector_weight (RtxRetriever *self,
                                 double        weight)
{
  self->vector_weight = weight;
}

/**
 * rtx_retriever_get:
 *
 * Returns: (transfer none): the runtime's retriever, created on first use
 */
RtxRetriever *
rtx_retriever_get (RtxRuntime *runtime)
{
  RtxRetriever *self = rtx_runtime_get_extension (runtime, "rtx-retriever");

  if (self == NULL) {
    self = g_object_new (RTX_TYPE_RETRIEVER, NULL);
    self->runtime = runtime;
    /* Made when the server starts (rtx_rag_install), on the context its HTTP runs on; the
     * model providers (and their HTTP session) are made here too, never first in a worker. */
    self->http_context = g_main_context_ref_thread_default ();
    (void) rtx_llm_get (runtime);
    rtx_runtime_set_extension (runtime, "rtx-retriever", G_OBJECT (self));
    g_object_unref (self);
  }
  return self;
}

/**
 * rtx_rag_install:
 *
 * Makes the retriever the runtime's context provider, so chats get documents as sources.
 */
void
rtx_rag_install (RtxRuntime *runtime)
{
  if (rtx_runtime_get_context_provider (runtime) == NULL)
    rtx_runtime_set_context_provider (runtime, RTX_CONTEXT_PROVIDER (rtx_retriever_get (runtime)));
}
