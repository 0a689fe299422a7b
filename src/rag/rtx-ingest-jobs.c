/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-ingest-jobs.h"

/* Ended ingestion jobs in SQLite (data/sql/012-ingest-jobs.sql): saved in batches, one
 * transaction each, by the ingestion worker; read back when a job is no longer in memory. */

#define KEEP_JOBS 10000

void
rtx_job_record_free (RtxJobRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->id);
  g_free (record->error);
  g_free (record->documents);
  g_free (record);
}

static gboolean
save_one (RtxDb         *db,
          RtxJobRecord  *record,
          GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db,
    "INSERT OR REPLACE INTO ingest_jobs (id, status, error, documents, ended_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, record->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record->failed ? "failed" : "done", -1, SQLITE_STATIC);
  if (record->error != NULL)
    sqlite3_bind_text (stmt, 3, record->error, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, record->documents != NULL ? record->documents : "[]", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, record->ended_at);
  return rtx_db_step_done (db, stmt, error);
}

static gboolean
prune (RtxDb   *db,
       GError **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db,
    "DELETE FROM ingest_jobs WHERE ended_at < "
    "(SELECT ended_at FROM ingest_jobs ORDER BY ended_at DESC LIMIT 1 OFFSET ?1)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, KEEP_JOBS);
  return rtx_db_step_done (db, stmt, error);
}

/**
 * rtx_ingest_jobs_save:
 * @records: (element-type RtxJobRecord): ended jobs
 *
 * Stores @records in one transaction and forgets the oldest jobs beyond the most recent
 * 10,000. Blocks: call it from a worker thread.
 */
gboolean
rtx_ingest_jobs_save (RtxDb      *db,
                      GPtrArray  *records,
                      GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (records->len == 0)
    return TRUE;
  if (!rtx_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < records->len; i++)
    if (!save_one (db, g_ptr_array_index (records, i), &local_error))
      break;
  if (local_error == NULL)
    prune (db, &local_error);
  if (local_error != NULL || !rtx_db_commit (db, &local_error)) {
    rtx_db_rollback (db);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return TRUE;
}

/**
 * rtx_ingest_jobs_load:
 *
 * Returns: (transfer full) (nullable): the stored job as `{id, status, progress, step, error,
 *   documents}`, or %NULL when none is stored (or on error)
 */
JsonNode *
rtx_ingest_jobs_load (RtxDb       *db,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db,
    "SELECT status, error, documents FROM ingest_jobs WHERE id = ?1", error);
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  const char *status;
  gboolean row = FALSE;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (db, stmt, &row, error) || !row)
    return NULL;
  status = (const char *) sqlite3_column_text (stmt, 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  json_builder_set_member_name (builder, "progress");
  json_builder_add_int_value (builder, 100);
  json_builder_set_member_name (builder, "step");
  json_builder_add_string_value (builder, status);
  json_builder_set_member_name (builder, "error");
  if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    json_builder_add_string_value (builder, (const char *) sqlite3_column_text (stmt, 1));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "documents");
  if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 2), -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser))) {
    json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  } else {
    json_builder_begin_array (builder);
    json_builder_end_array (builder);
  }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
