/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-vector-count.h"

/* The table of embedding vectors that the documents room (rag/) writes. Until that room is
 * built into the program there is no such table, and the count is honestly 0. */
#define VECTOR_TABLE "chunk_vectors"

/**
 * rtx_vector_count:
 * @out_count: (out): how many embedding vectors the runtime stores, over all workspaces
 *
 * `GET /v1/system/vector-count`.
 */
gboolean
rtx_vector_count (RtxDb   *db,
                  gint64  *out_count,
                  GError **error)
{
  g_autoptr(RtxStmt) exists = NULL;
  g_autoptr(RtxStmt) count = NULL;
  gboolean have_row = FALSE;

  g_return_val_if_fail (RTX_IS_DB (db), FALSE);

  *out_count = 0;
  exists = rtx_db_prepare (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                           error);
  if (exists == NULL)
    return FALSE;
  sqlite3_bind_text (exists, 1, VECTOR_TABLE, -1, SQLITE_STATIC);
  if (!rtx_db_step_row (db, exists, &have_row, error))
    return FALSE;
  if (!have_row)
    return TRUE;

  count = rtx_db_prepare (db, "SELECT count(*) FROM " VECTOR_TABLE, error);
  if (count == NULL || !rtx_db_step_row (db, count, &have_row, error))
    return FALSE;

  *out_count = have_row ? sqlite3_column_int64 (count, 0) : 0;
  return TRUE;
}
