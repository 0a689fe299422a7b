/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-vector-store.h"

/**
 * RtxVectorStore:
 *
 * The vectors that local apps keep through the SDK (`sdk.llm.vectors`), in namespaces
 * `sdk_<identity>_<workspaceId>`. Every call names the identity the server derived from the
 * request, so one app never reaches another's namespace. Rows live in SQLite; each namespace
 * is also held as one contiguous float matrix with the rows' norms, loaded on first use and
 * kept in step with every write, so that a query is a straight scan the compiler vectorises.
 *
 * Calls block (SQLite, scans): the server makes them from worker threads. One lock guards the
 * whole store, so that the matrices never disagree with the database.
 */

typedef struct {
  guint       n;
  guint       capacity;
  guint       dim;            /* 0 while the namespace is empty */
  float      *matrix;         /* n × dim */
  float      *norms;          /* n */
  GPtrArray  *ids;            /* char *, row order */
  GPtrArray  *metadata;       /* char * or NULL */
  GPtrArray  *document_ids;   /* char * or NULL */
  GHashTable *rows;           /* id → row + 1 */
} Space;

struct _RtxVectorStore {
  GObject     parent_instance;

  RtxDb      *db;
  GMutex      lock;
  GHashTable *spaces;         /* namespace → Space */
};

G_DEFINE_FINAL_TYPE (RtxVectorStore, rtx_vector_store, G_TYPE_OBJECT)

void
rtx_vector_hit_free (RtxVectorHit *hit)
{
  if (hit == NULL)
    return;

  g_free (hit->id);
  g_free (hit->metadata);
  g_free (hit);
}

RtxVectorBatch *
rtx_vector_batch_new (guint n,
                      guint dim)
{
  RtxVectorBatch *batch = g_new0 (RtxVectorBatch, 1);

  batch->n = n;
  batch->dim = dim;
  batch->ids = g_new0 (char *, n + 1);
  batch->data = g_new0 (float, (gsize) n * dim);
  batch->metadata = g_new0 (char *, n + 1);
  batch->document_ids = g_new0 (char *, n + 1);
  return batch;
}

void
rtx_vector_batch_free (RtxVectorBatch *batch)
{
  if (batch == NULL)
    return;

  for (guint i = 0; i < batch->n; i++) {
    g_free (batch->ids[i]);
    g_free (batch->metadata[i]);
    g_free (batch->document_ids[i]);
  }
  g_free (batch->ids);
  g_free (batch->data);
  g_free (batch->metadata);
  g_free (batch->document_ids);
  g_free (batch);
}

/* ---- Spaces ------------------------------------------------------------------------------ */

static Space *
space_new (void)
{
  Space *space = g_new0 (Space, 1);

  space->ids = g_ptr_array_new_with_free_func (g_free);
  space->metadata = g_ptr_array_new_with_free_func (g_free);
  space->document_ids = g_ptr_array_new_with_free_func (g_free);
  space->rows = g_hash_table_new (g_str_hash, g_str_equal);
  return space;
}

static void
space_free (Space *space)
{
  g_hash_table_unref (space->rows);
  g_ptr_array_unref (space->ids);
  g_ptr_array_unref (space->metadata);
  g_ptr_array_unref (space->document_ids);
  g_free (space->matrix);
  g_free (space->norms);
  g_free (space);
}

static float
norm_of (const float *v,
         guint        dim)
{
  float sum = 0;

  for (guint d = 0; d < dim; d++)
    sum += v[d] * v[d];
  return sqrtf (sum);
}

/* Sets row @row (an existing one, or the next one) to @vector and its strings. */
static void
space_put (Space       *space,
           const char  *id,
           const float *vector,
           const char  *metadata,
           const char  *document_id)
{
  guint row = GPOINTER_TO_UINT (g_hash_table_lookup (space->rows, id));

  if (row > 0) {
    row--;
    g_free (g_ptr_array_index (space->metadata, row));
    g_free (g_ptr_array_index (space->document_ids, row));
    g_ptr_array_index (space->metadata, row) = g_strdup (metadata);
    g_ptr_array_index (space->document_ids, row) = g_strdup (document_id);
  } else {
    if (space->n == space->capacity) {
      space->capacity = MAX (64, space->capacity * 2);
      space->matrix = g_renew (float, space->matrix, (gsize) space->capacity * space->dim);
      space->norms = g_renew (float, space->norms, space->capacity);
    }
    row = space->n++;
    g_ptr_array_add (space->ids, g_strdup (id));
    g_ptr_array_add (space->metadata, g_strdup (metadata));
    g_ptr_array_add (space->document_ids, g_strdup (document_id));
    g_hash_table_insert (space->rows, g_ptr_array_index (space->ids, row), GUINT_TO_POINTER (row + 1));
  }

  memcpy (space->matrix + (gsize) row * space->dim, vector, space->dim * sizeof (float));
  space->norms[row] = norm_of (vector, space->dim);
}

/* Removes row @row by moving the last row into its place. */
static void
space_remove_row (Space *space,
                  guint  row)
{
  guint last = space->n - 1;

  g_hash_table_remove (space->rows, g_ptr_array_index (space->ids, row));
  if (row != last) {
    memcpy (space->matrix + (gsize) row * space->dim, space->matrix + (gsize) last * space->dim,
            space->dim * sizeof (float));
    space->norms[row] = space->norms[last];
    g_hash_table_insert (space->rows, g_ptr_array_index (space->ids, last),
                         GUINT_TO_POINTER (row + 1));
  }
  g_ptr_array_remove_index_fast (space->ids, row);
  g_ptr_array_remove_index_fast (space->metadata, row);
  g_ptr_array_remove_index_fast (space->document_ids, row);
  space->n--;
  if (space->n == 0)
    space->dim = 0;
}

/* ---- The store --------------------------------------------------------------------------- */

static void
rtx_vector_store_dispose (GObject *object)
{
  RtxVectorStore *self = (RtxVectorStore *) object;

  g_clear_pointer (&self->spaces, g_hash_table_unref);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (rtx_vector_store_parent_class)->dispose (object);
}

static void
rtx_vector_store_finalize (GObject *object)
{
  RtxVectorStore *self = (RtxVectorStore *) object;

  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (rtx_vector_store_parent_class)->finalize (object);
}

static void
rtx_vector_store_class_init (RtxVectorStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_vector_store_dispose;
  G_OBJECT_CLASS (klass)->finalize = rtx_vector_store_finalize;
}

static void
rtx_vector_store_init (RtxVectorStore *self)
{
  g_mutex_init (&self->lock);
  self->spaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) space_free);
}

RtxVectorStore *
rtx_vector_store_new (RtxDb *db)
{
  RtxVectorStore *self;

  g_return_val_if_fail (RTX_IS_DB (db), NULL);

  self = g_object_new (RTX_TYPE_VECTOR_STORE, NULL);
  self->db = g_object_ref (db);
  return self;
}

/* A workspace id names a namespace: 1 to 128 letters, digits, `-`, `_` and `.`. */
gboolean
rtx_vector_store_workspace_is_valid (const char *workspace)
{
  gsize length = workspace != NULL ? strlen (workspace) : 0;

  if (length == 0 || length > 128)
    return FALSE;
  for (const char *p = workspace; *p != '\0'; p++) {
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  }
  return TRUE;
}

char *
rtx_vector_store_namespace (const char *identity,
                            const char *workspace)
{
  return g_strdup_printf ("sdk_%s_%s", identity, workspace);
}

/* Returns: (transfer none): the namespace's matrix, loaded from SQLite on first use */
static Space *
get_space (RtxVectorStore  *self,
           const char      *identity,
           const char      *workspace,
           GError         **error)
{
  g_autofree char *name = rtx_vector_store_namespace (identity, workspace);
  g_autoptr(RtxStmt) stmt = NULL;
  Space *space = g_hash_table_lookup (self->spaces, name);
  gboolean have_row;

  if (space != NULL)
    return space;

  stmt = rtx_db_prepare (self->db,
                         "SELECT id, vector, metadata, document_id FROM sdk_vectors "
                         "WHERE identity = ?1 AND workspace = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, workspace, -1, SQLITE_TRANSIENT);

  space = space_new ();
  for (;;) {
    const float *vector;

    if (!rtx_db_step_row (self->db, stmt, &have_row, error)) {
      space_free (space);
      return NULL;
    }
    if (!have_row)
      break;
    vector = sqlite3_column_blob (stmt, 1);
    if (space->dim == 0)
      space->dim = sqlite3_column_bytes (stmt, 1) / sizeof (float);
    if ((guint) sqlite3_column_bytes (stmt, 1) != space->dim * sizeof (float))
      continue;   /* never written by us */
    space_put (space, (const char *) sqlite3_column_text (stmt, 0), vector,
               (const char *) sqlite3_column_text (stmt, 2),
               (const char *) sqlite3_column_text (stmt, 3));
  }

  g_hash_table_insert (self->spaces, g_steal_pointer (&name), space);
  return space;
}

static gboolean
write_rows (RtxVectorStore        *self,
            const char            *identity,
            const char            *workspace,
            const RtxVectorBatch  *batch,
            GError               **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  stmt = rtx_db_prepare (self->db,
                         "INSERT OR REPLACE INTO sdk_vectors "
                         "(identity, workspace, id, vector, metadata, document_id) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < batch->n; i++) {
    sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, workspace, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 3, batch->ids[i], -1, SQLITE_STATIC);
    sqlite3_bind_blob (stmt, 4, batch->data + (gsize) i * batch->dim,
                       batch->dim * sizeof (float), SQLITE_STATIC);
    sqlite3_bind_text (stmt, 5, batch->metadata[i], -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 6, batch->document_ids[i], -1, SQLITE_STATIC);
    if (!rtx_db_step_done (self->db, stmt, error))
      return FALSE;
    sqlite3_reset (stmt);
  }

  return TRUE;
}

/**
 * rtx_vector_store_upsert:
 * @identity: the caller's identity (from the server, never from the client)
 * @workspace: the namespace's workspace id
 * @batch: the vectors; ids that exist are replaced
 *
 * All or nothing. Every vector of a namespace has the dimension of its first one.
 */
gboolean
rtx_vector_store_upsert (RtxVectorStore        *self,
                         const char            *identity,
                         const char            *workspace,
                         const RtxVectorBatch  *batch,
                         GError               **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Space *space;

  g_return_val_if_fail (RTX_IS_VECTOR_STORE (self), FALSE);

  space = get_space (self, identity, workspace, error);
  if (space == NULL)
    return FALSE;
  if (space->dim != 0 && space->dim != batch->dim) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("This namespace holds vectors of dimension %u, not %u"), space->dim, batch->dim);
    return FALSE;
  }

  if (!rtx_db_begin (self->db, error))
    return FALSE;
  if (!write_rows (self, identity, workspace, batch, error) || !rtx_db_commit (self->db, error)) {
    rtx_db_rollback (self->db);
    return FALSE;
  }

  if (space->dim == 0)
    space->dim = batch->dim;
  for (guint i = 0; i < batch->n; i++)
    space_put (space, batch->ids[i], batch->data + (gsize) i * batch->dim, batch->metadata[i],
               batch->document_ids[i]);
  return TRUE;
}

/* The best @top_k rows, kept sorted best first in @best (row indexes) and @scores. */
static guint
scan (const Space *space,
      const float *query,
      float        query_norm,
      const char  *document_id,
      guint        top_k,
      guint       *best,
      float       *scores)
{
  guint found = 0;
  guint dim = space->dim;

  for (guint row = 0; row < space->n; row++) {
    const float *v = space->matrix + (gsize) row * dim;
    float dot = 0, score;
    guint at;

    if (document_id != NULL &&
        g_strcmp0 (g_ptr_array_index (space->document_ids, row), document_id) != 0)
      continue;

    for (guint d = 0; d < dim; d++)
      dot += v[d] * query[d];
    score = space->norms[row] > 0 ? dot / (space->norms[row] * query_norm) : 0;

    if (found == top_k && score <= scores[found - 1])
      continue;
    at = found < top_k ? found++ : found - 1;
    while (at > 0 && scores[at - 1] < score) {
      scores[at] = scores[at - 1];
      best[at] = best[at - 1];
      at--;
    }
    scores[at] = score;
    best[at] = row;
  }

  return found;
}

/**
 * rtx_vector_store_query:
 * @query: (array length=dim): the query vector
 * @top_k: how many hits at most
 * @document_id: (nullable): only vectors whose metadata's documentId is this
 *
 * Returns: (transfer full) (element-type RtxVectorHit): the most similar vectors by cosine,
 *   best first; empty for an empty namespace
 */
GPtrArray *
rtx_vector_store_query (RtxVectorStore  *self,
                        const char      *identity,
                        const char      *workspace,
                        const float     *query,
                        guint            dim,
                        guint            top_k,
                        const char      *document_id,
                        GError         **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_vector_hit_free);
  g_autofree guint *best = NULL;
  g_autofree float *scores = NULL;
  Space *space;
  float query_norm = norm_of (query, dim);
  guint found;

  g_return_val_if_fail (RTX_IS_VECTOR_STORE (self), NULL);
  g_return_val_if_fail (top_k > 0, NULL);

  space = get_space (self, identity, workspace, error);
  if (space == NULL)
    return NULL;
  if (space->n == 0)
    return g_steal_pointer (&hits);
  if (space->dim != dim) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("This namespace holds vectors of dimension %u, not %u"), space->dim, dim);
    return NULL;
  }

  best = g_new (guint, top_k);
  scores = g_new (float, top_k);
  found = scan (space, query, query_norm > 0 ? query_norm : 1, document_id, top_k, best, scores);
  for (guint i = 0; i < found; i++) {
    RtxVectorHit *hit = g_new0 (RtxVectorHit, 1);

    hit->id = g_strdup (g_ptr_array_index (space->ids, best[i]));
    hit->score = scores[i];
    hit->metadata = g_strdup (g_ptr_array_index (space->metadata, best[i]));
    g_ptr_array_add (hits, hit);
  }

  return g_steal_pointer (&hits);
}

static gboolean
delete_row (RtxVectorStore  *self,
            const char      *identity,
            const char      *workspace,
            const char      *id,
            GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  stmt = rtx_db_prepare (self->db,
                         "DELETE FROM sdk_vectors WHERE identity = ?1 AND workspace = ?2 AND id = ?3",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, workspace, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_STATIC);
  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_vector_store_delete:
 * @ids: (nullable): these vectors only
 * @document_id: (nullable): the vectors of this document only
 *
 * With neither @ids nor @document_id, empties the namespace.
 *
 * Returns: how many vectors went, or -1 with @error set
 */
gint64
rtx_vector_store_delete (RtxVectorStore      *self,
                         const char          *identity,
                         const char          *workspace,
                         const char * const  *ids,
                         const char          *document_id,
                         GError             **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GArray) doomed = g_array_new (FALSE, FALSE, sizeof (guint));
  Space *space;

  g_return_val_if_fail (RTX_IS_VECTOR_STORE (self), -1);

  space = get_space (self, identity, workspace, error);
  if (space == NULL)
    return -1;

  /* Rows from the last down, so that moving the last row into a hole keeps the others. */
  for (guint row = space->n; row > 0; row--) {
    const char *id = g_ptr_array_index (space->ids, row - 1);
    gboolean match = (ids == NULL || g_strv_contains (ids, id)) &&
                     (document_id == NULL ||
                      g_strcmp0 (g_ptr_array_index (space->document_ids, row - 1), document_id) == 0);

    if (match) {
      guint r = row - 1;

      g_array_append_val (doomed, r);
    }
  }

  if (!rtx_db_begin (self->db, error))
    return -1;
  for (guint i = 0; i < doomed->len; i++) {
    const char *id = g_ptr_array_index (space->ids, g_array_index (doomed, guint, i));

    if (!delete_row (self, identity, workspace, id, error)) {
      rtx_db_rollback (self->db);
      return -1;
    }
  }
  if (!rtx_db_commit (self->db, error))
    return -1;

  for (guint i = 0; i < doomed->len; i++)
    space_remove_row (space, g_array_index (doomed, guint, i));
  return doomed->len;
}

/* Returns: (transfer full): the workspace ids of @identity's non-empty namespaces, sorted */
GStrv
rtx_vector_store_list_workspaces (RtxVectorStore  *self,
                                  const char      *identity,
                                  GError         **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_VECTOR_STORE (self), NULL);

  stmt = rtx_db_prepare (self->db,
                         "SELECT DISTINCT workspace FROM sdk_vectors WHERE identity = ?1 "
                         "ORDER BY workspace", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  for (;;) {
    if (!rtx_db_step_row (self->db, stmt, &have_row, error))
      return NULL;
    if (!have_row)
      break;
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  }

  return g_strv_builder_end (builder);
}

gboolean
rtx_vector_store_set_config (RtxVectorStore  *self,
                             const char      *identity,
                             const char      *provider,
                             const char      *config_json,
                             GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_VECTOR_STORE (self), FALSE);

  stmt = rtx_db_prepare (self->db,
                         "INSERT INTO sdk_vector_configs (identity, provider, config, updated_at) "
                         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (identity) DO UPDATE SET "
                         "provider = ?2, config = ?3, updated_at = ?4", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, provider, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, config_json, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return rtx_db_step_done (self->db, stmt, error);
}

/* Returns: %TRUE, with %NULLs when @identity registered no configuration */
gboolean
rtx_vector_store_get_config (RtxVectorStore  *self,
                             const char      *identity,
                             char           **out_provider,
                             char           **out_config_json,
                             GError         **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  gboolean have_row;

  g_return_val_if_fail (RTX_IS_VECTOR_STORE (self), FALSE);

  *out_provider = NULL;
  *out_config_json = NULL;
  stmt = rtx_db_prepare (self->db,
                         "SELECT provider, config FROM sdk_vector_configs WHERE identity = ?1",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, identity, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &have_row, error))
    return FALSE;
  if (have_row) {
    *out_provider = rtx_stmt_dup_text (stmt, 0);
    *out_config_json = rtx_stmt_dup_text (stmt, 1);
  }
  return TRUE;
}
