/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-audit.h"

gboolean
rtx_audit_record (RtxDb          *db,
                  const RtxActor *actor,
                  const char     *action,
                  const char     *subject_type,
                  const char     *subject_id,
                  const char     *detail,
                  GError        **error)
{
  g_autoptr(RtxStmt) stmt = NULL;

  g_return_val_if_fail (RTX_IS_DB (db), FALSE);
  g_return_val_if_fail (actor != NULL && actor->name != NULL && actor->surface != NULL, FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  stmt = rtx_db_prepare (db,
                         "INSERT INTO audit_log (at, actor, surface, action, subject_type,"
                         " subject_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                         error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, actor->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, actor->surface, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, action, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, subject_type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, subject_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, detail, -1, SQLITE_TRANSIENT);

  return rtx_db_step_done (db, stmt, error);
}
