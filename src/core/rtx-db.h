/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define RTX_TYPE_DB (rtx_db_get_type ())
G_DECLARE_FINAL_TYPE (RtxDb, rtx_db, RTX, DB, GObject)

/**
 * RtxStmt:
 *
 * A prepared statement borrowed from the calling thread's statement cache. Declare it with
 * `g_autoptr(RtxStmt)`: leaving the scope resets it and clears its bindings, so the next user
 * finds it ready and no read transaction stays open (a stale read would hide a deactivation
 * committed by another process).
 */
typedef sqlite3_stmt RtxStmt;

/**
 * RtxMigration:
 * @version: the `user_version` the database has after this migration
 * @name: file name, for error messages
 * @sql: the script
 */
typedef struct {
  int         version;
  const char *name;
  const char *sql;
} RtxMigration;

RtxDb      *rtx_db_open                 (const char          *path,
                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
RtxDb      *rtx_db_open_with_migrations (const char          *path,
                                         const RtxMigration  *migrations,
                                         guint                n_migrations,
                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
const char *rtx_db_get_path             (RtxDb               *self);
gboolean    rtx_db_get_credential_generation (RtxDb          *self,
                                              guint64        *generation);
sqlite3    *rtx_db_get_handle           (RtxDb               *self,
                                         GError             **error);
RtxStmt    *rtx_db_prepare              (RtxDb               *self,
                                         const char          *sql,
                                         GError             **error);
gboolean    rtx_db_exec                 (RtxDb               *self,
                                         const char          *sql,
                                         GError             **error);
gboolean    rtx_db_step_done            (RtxDb               *self,
                                         RtxStmt             *stmt,
                                         GError             **error);
gboolean    rtx_db_step_row             (RtxDb               *self,
                                         RtxStmt             *stmt,
                                         gboolean            *have_row,
                                         GError             **error);
gboolean    rtx_db_begin                (RtxDb               *self,
                                         GError             **error);
gboolean    rtx_db_commit               (RtxDb               *self,
                                         GError             **error);
void        rtx_db_rollback             (RtxDb               *self);
gint64      rtx_db_last_insert_rowid    (RtxDb               *self);

/* Makes one element (transfer full) of the row @stmt is on. */
typedef gpointer (*RtxRowFunc) (RtxStmt *stmt);

gboolean    rtx_db_collect              (RtxDb               *self,
                                         RtxStmt             *stmt,
                                         GPtrArray           *rows,
                                         RtxRowFunc           from_row,
                                         GError             **error);
int         rtx_db_get_user_version     (RtxDb               *self);
char       *rtx_db_get_meta             (RtxDb               *self,
                                         const char          *key,
                                         GError             **error);

/* The migrations compiled into the program (data/sql/NNN-*.sql in the GResource). */
GPtrArray  *rtx_db_builtin_migrations   (GError             **error);
int         rtx_db_latest_version       (void);

/* Text column helper: a copy of the column, or NULL for SQL NULL. */
char       *rtx_stmt_dup_text           (RtxStmt             *stmt,
                                         int                  column);
void        rtx_stmt_release            (RtxStmt             *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxStmt, rtx_stmt_release)

G_END_DECLS
