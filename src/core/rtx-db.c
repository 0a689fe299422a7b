/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-change-counter.h"
#include "rtx-db.h"
#include "rtx-error.h"
#include "rtx-resources.h"

#define BUSY_TIMEOUT_MS 5000
/* SQLite's own automatic checkpoint threshold, which our WAL hook takes over. */
#define WAL_AUTOCHECKPOINT_PAGES 1000
#define MIGRATIONS_PATH RESOURCE_PREFIX "/sql"

/* SQLite connections are used by one thread at a time, so each thread that touches the
 * database gets its own connection and its own cache of prepared statements. */
typedef struct {
  sqlite3          *handle;
  GHashTable       *stmts;   /* SQL text → sqlite3_stmt */
  RtxChangeCounter *credential_changes;
  gboolean          credentials_touched;  /* by the transaction under way */
} Connection;

struct _RtxDb {
  GObject           parent_instance;

  char             *path;
  GMutex            lock;
  GHashTable       *connections;   /* GThread → Connection */
  /* Moved by every commit, in any process, that changes whether a credential is accepted. */
  RtxChangeCounter *credential_changes;
  gint              changes_tracked; /* atomic: FALSE once a connection is not in WAL mode */
};

/* The tables that decide whether an API key is accepted: the key, its owner, and the mode
 * (multi-user or not, in meta). */
static const char *const credential_tables[] = { "api_keys", "users", "meta" };

G_DEFINE_FINAL_TYPE (RtxDb, rtx_db, G_TYPE_OBJECT)

static void
connection_free (gpointer data)
{
  Connection *conn = data;

  g_clear_pointer (&conn->stmts, g_hash_table_unref);
  sqlite3_close_v2 (conn->handle);
  g_free (conn);
}

static void
set_sqlite_error (GError    **error,
                  sqlite3    *handle,
                  int         rc,
                  const char *what)
{
  int code = (rc & 0xFF) == SQLITE_CONSTRAINT ? RTX_ERROR_CONFLICT : RTX_ERROR_DATABASE;

  g_set_error (error, RTX_ERROR, code, "%s: %s (%d)", what,
               handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc), rc);
}

static gboolean
exec_on (sqlite3     *handle,
         const char  *sql,
         GError     **error)
{
  char *errmsg = NULL;
  int rc = sqlite3_exec (handle, sql, NULL, NULL, &errmsg);

  if (rc != SQLITE_OK) {
    g_set_error (error, RTX_ERROR,
                 (rc & 0xFF) == SQLITE_CONSTRAINT ? RTX_ERROR_CONFLICT : RTX_ERROR_DATABASE,
                 "%s (%d)", errmsg != NULL ? errmsg : sqlite3_errstr (rc), rc);
    sqlite3_free (errmsg);
    return FALSE;
  }

  return TRUE;
}

/* Every query looks its statement up here, and statements are long (a few hundred bytes) and
 * differ mostly at the end: hashing the length and the last 64 bytes is several times cheaper
 * than g_str_hash() over the whole text, and equal hashes are still told apart by
 * g_str_equal(). */
static guint
sql_hash (gconstpointer key)
{
  const char *sql = key;
  gsize length = strlen (sql);

  return g_str_hash (sql + (length > 64 ? length - 64 : 0)) ^ (guint) length;
}

static void
on_row_changed (void          *data,
                int            op,
                const char    *schema,
                const char    *table,
                sqlite3_int64  rowid)
{
  Connection *conn = data;

  for (guint i = 0; i < G_N_ELEMENTS (credential_tables); i++)
    if (strcmp (table, credential_tables[i]) == 0)
      conn->credentials_touched = TRUE;
}

static void
on_rollback (void *data)
{
  ((Connection *) data)->credentials_touched = FALSE;
}

/* Called by SQLite once a transaction is committed and its write lock released (it happens
 * only in WAL mode), so the counter moves after the change is visible to every reader: a
 * verdict cached against the old value can no longer be used. Registering it replaces
 * SQLite's automatic checkpoint, which it therefore does in its stead. */
static int
on_wal_commit (void       *data,
               sqlite3    *handle,
               const char *schema,
               int         n_frames)
{
  Connection *conn = data;

  if (conn->credentials_touched) {
    conn->credentials_touched = FALSE;
    rtx_change_counter_bump (conn->credential_changes);
  }

  if (n_frames >= WAL_AUTOCHECKPOINT_PAGES)
    sqlite3_wal_checkpoint_v2 (handle, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
}

static gboolean
is_wal (sqlite3 *handle)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;

  if (sqlite3_prepare_v2 (handle, "PRAGMA journal_mode", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);
  return wal;
}

static void
connection_watch_credentials (RtxDb      *self,
                              Connection *conn)
{
  conn->credential_changes = self->credential_changes;
  sqlite3_update_hook (conn->handle, on_row_changed, conn);
  sqlite3_rollback_hook (conn->handle, on_rollback, conn);
  sqlite3_wal_hook (conn->handle, on_wal_commit, conn);

  /* Without WAL the hook above never runs: nothing may be cached then. */
  if (!is_wal (conn->handle))
    g_atomic_int_set (&self->changes_tracked, FALSE);
}

static Connection *
connection_open (RtxDb   *self,
                 GError **error)
{
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const char *path = self->path;
  g_autofree Connection *conn = g_new0 (Connection, 1);
  int rc;

  rc = sqlite3_open_v2 (path, &conn->handle, flags, NULL);
  if (rc != SQLITE_OK) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_DATABASE, _("Could not open the database “%s”: %s"),
                 path, conn->handle ? sqlite3_errmsg (conn->handle) : sqlite3_errstr (rc));
    sqlite3_close_v2 (conn->handle);
    return NULL;
  }

  sqlite3_extended_result_codes (conn->handle, 1);
  sqlite3_busy_timeout (conn->handle, BUSY_TIMEOUT_MS);

  /* WAL lets the CLI write while a serving runtime reads; synchronous=FULL because a
   * deactivated key must stay deactivated even after a power cut. */
  if (!exec_on (conn->handle,
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=FULL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA journal_size_limit=67108864;",
                error)) {
    sqlite3_close_v2 (conn->handle);
    return NULL;
  }

  conn->stmts = g_hash_table_new_full (sql_hash, g_str_equal, g_free,
                                       (GDestroyNotify) sqlite3_finalize);
  connection_watch_credentials (self, conn);

  return g_steal_pointer (&conn);
}

static Connection *
get_connection (RtxDb   *self,
                GError **error)
{
  GThread *thread = g_thread_self ();
  Connection *conn;

  g_mutex_lock (&self->lock);
  conn = g_hash_table_lookup (self->connections, thread);
  g_mutex_unlock (&self->lock);

  if (conn != NULL)
    return conn;

  conn = connection_open (self, error);
  if (conn == NULL)
    return NULL;

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->connections, thread, conn);
  g_mutex_unlock (&self->lock);

  return conn;
}

static int
user_version_on (sqlite3 *handle)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;

  if (sqlite3_prepare_v2 (handle, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
apply_migration (sqlite3             *handle,
                 const RtxMigration  *migration,
                 GError             **error)
{
  g_autofree char *set_version = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!exec_on (handle, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Another process may have migrated while we waited for the write lock. */
  if (user_version_on (handle) >= migration->version)
    return exec_on (handle, "COMMIT", error);

  set_version = g_strdup_printf ("PRAGMA user_version = %d", migration->version);
  if (!exec_on (handle, migration->sql, &local_error) ||
      !exec_on (handle, set_version, &local_error) ||
      !exec_on (handle, "COMMIT", &local_error)) {
    exec_on (handle, "ROLLBACK", NULL);
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                _("Migration %s failed: "), migration->name);
    return FALSE;
  }

  return TRUE;
}

static gboolean
migrate (sqlite3             *handle,
         const RtxMigration  *migrations,
         guint                n_migrations,
         GError             **error)
{
  int current = user_version_on (handle);
  int latest = n_migrations > 0 ? migrations[n_migrations - 1].version : 0;

  if (current < 0) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_DATABASE, _("Could not read the database version: %s"),
                 sqlite3_errmsg (handle));
    return FALSE;
  }

  if (current > latest) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_UNSUPPORTED_VERSION,
                 _("The database was written by a newer version of RealTimeX Runtime "
                   "(schema %d, this program knows up to %d); refusing to open it"),
                 current, latest);
    return FALSE;
  }

  for (guint i = 0; i < n_migrations; i++) {
    if (migrations[i].version <= current)
      continue;
    if (!apply_migration (handle, &migrations[i], error))
      return FALSE;
  }

  return TRUE;
}

static void
rtx_db_finalize (GObject *object)
{
  RtxDb *self = (RtxDb *)object;

  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->credential_changes, rtx_change_counter_free);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (rtx_db_parent_class)->finalize (object);
}

static void
rtx_db_class_init (RtxDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rtx_db_finalize;
}

static void
rtx_db_init (RtxDb *self)
{
  g_mutex_init (&self->lock);
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, connection_free);
}

static int
compare_migrations (gconstpointer a,
                    gconstpointer b)
{
  const RtxMigration *ma = *(const RtxMigration **) a;
  const RtxMigration *mb = *(const RtxMigration **) b;

  return ma->version - mb->version;
}

static void
migration_free (gpointer data)
{
  RtxMigration *migration = data;

  g_free ((char *) migration->name);
  g_free ((char *) migration->sql);
  g_free (migration);
}

/**
 * rtx_db_builtin_migrations:
 *
 * Reads data/sql/NNN-name.sql from the GResource, sorted by NNN, and checks that the numbers
 * run 1, 2, 3… without gaps or repeats.
 *
 * Returns: (transfer full) (element-type RtxMigration): the migrations
 */
GPtrArray *
rtx_db_builtin_migrations (GError **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (migration_free);
  g_auto(GStrv) names = NULL;

  rtx_resources_ensure ();
  names = g_resources_enumerate_children (MIGRATIONS_PATH, 0, error);
  if (names == NULL)
    return NULL;

  for (guint i = 0; names[i] != NULL; i++) {
    g_autofree char *path = g_strconcat (MIGRATIONS_PATH "/", names[i], NULL);
    g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, error);
    RtxMigration *migration;

    if (bytes == NULL)
      return NULL;

    migration = g_new0 (RtxMigration, 1);
    migration->version = atoi (names[i]);
    migration->name = g_strdup (names[i]);
    migration->sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_ptr_array_add (result, migration);
  }

  g_ptr_array_sort (result, compare_migrations);
  for (guint i = 0; i < result->len; i++) {
    const RtxMigration *migration = g_ptr_array_index (result, i);

    if (migration->version != (int) i + 1) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED,
                   "Migration %s is out of sequence (expected number %u)", migration->name, i + 1);
      return NULL;
    }
  }

  return g_steal_pointer (&result);
}

int
rtx_db_latest_version (void)
{
  g_autoptr(GPtrArray) migrations = rtx_db_builtin_migrations (NULL);

  return migrations != NULL ? (int) migrations->len : -1;
}

/* Beside the database file, so that every process that opens it maps the same counter. A
 * database only this process can see (in memory) gets a counter of its own. */
static gboolean
open_change_counter (RtxDb   *self,
                     GError **error)
{
  g_autofree char *counter_path = NULL;

  g_atomic_int_set (&self->changes_tracked, TRUE);
  if (self->path[0] == '\0' || g_str_has_prefix (self->path, ":memory:") ||
      g_str_has_prefix (self->path, "file:")) {
    self->credential_changes = rtx_change_counter_new_private ();
    return TRUE;
  }

  counter_path = g_strconcat (self->path, "-changes", NULL);
  self->credential_changes = rtx_change_counter_open (counter_path, error);
  return self->credential_changes != NULL;
}

/**
 * rtx_db_open_with_migrations:
 * @path: the database file
 * @migrations: (array length=n_migrations): migrations sorted by version
 * @n_migrations: their number
 * @error: return location for a #GError
 *
 * Opens (creating if needed) the database and brings its schema to the last of @migrations,
 * each migration in its own transaction guarded by `user_version`. A database newer than the
 * last migration is refused rather than misread.
 *
 * Returns: (transfer full): the database, or %NULL
 */
RtxDb *
rtx_db_open_with_migrations (const char          *path,
                             const RtxMigration  *migrations,
                             guint                n_migrations,
                             GError             **error)
{
  g_autoptr(RtxDb) self = g_object_new (RTX_TYPE_DB, NULL);
  Connection *conn;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  if (!open_change_counter (self, error))
    return NULL;
  conn = get_connection (self, error);
  if (conn == NULL)
    return NULL;

  if (!migrate (conn->handle, migrations, n_migrations, error))
    return NULL;

  return g_steal_pointer (&self);
}

RtxDb *
rtx_db_open (const char  *path,
             GError     **error)
{
  g_autoptr(GPtrArray) list = rtx_db_builtin_migrations (error);
  g_autofree RtxMigration *flat = NULL;

  if (list == NULL)
    return NULL;

  flat = g_new0 (RtxMigration, MAX (list->len, 1));
  for (guint i = 0; i < list->len; i++)
    flat[i] = *(RtxMigration *) g_ptr_array_index (list, i);

  return rtx_db_open_with_migrations (path, flat, list->len, error);
}

/**
 * rtx_db_get_credential_generation:
 * @generation: (out): the current value
 *
 * A number that moves after every commit, by any process, that changes an API key, a user or
 * the mode. A verdict on a credential may be reused while this number stays what it was
 * when the verdict's rows were read (read the number first, then the rows).
 *
 * Returns: %FALSE when changes cannot be tracked (the database is not in WAL mode): nothing
 *   may be cached then
 */
gboolean
rtx_db_get_credential_generation (RtxDb   *self,
                                  guint64 *generation)
{
  g_return_val_if_fail (RTX_IS_DB (self), FALSE);

  *generation = rtx_change_counter_get (self->credential_changes);
  return g_atomic_int_get (&self->changes_tracked);
}

const char *
rtx_db_get_path (RtxDb *self)
{
  g_return_val_if_fail (RTX_IS_DB (self), NULL);

  return self->path;
}

sqlite3 *
rtx_db_get_handle (RtxDb   *self,
                   GError **error)
{
  Connection *conn;

  g_return_val_if_fail (RTX_IS_DB (self), NULL);

  conn = get_connection (self, error);
  return conn != NULL ? conn->handle : NULL;
}

/**
 * rtx_db_prepare:
 * @self: a #RtxDb
 * @sql: one statement; its text is the cache key, so pass a literal
 * @error: return location for a #GError
 *
 * Returns: (transfer none): a reset statement from the calling thread's cache; release it
 *   with rtx_stmt_release(), which g_autoptr(RtxStmt) does
 */
RtxStmt *
rtx_db_prepare (RtxDb       *self,
                const char  *sql,
                GError     **error)
{
  Connection *conn;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (RTX_IS_DB (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  conn = get_connection (self, error);
  if (conn == NULL)
    return NULL;

  stmt = g_hash_table_lookup (conn->stmts, sql);
  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (conn->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK) {
    set_sqlite_error (error, conn->handle, rc, "Preparing a statement");
    return NULL;
  }

  g_hash_table_insert (conn->stmts, g_strdup (sql), stmt);
  return stmt;
}

void
rtx_stmt_release (RtxStmt *stmt)
{
  if (stmt == NULL)
    return;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
rtx_db_exec (RtxDb       *self,
             const char  *sql,
             GError     **error)
{
  sqlite3 *handle = rtx_db_get_handle (self, error);

  return handle != NULL && exec_on (handle, sql, error);
}

gboolean
rtx_db_step_row (RtxDb     *self,
                 RtxStmt   *stmt,
                 gboolean  *have_row,
                 GError   **error)
{
  int rc = sqlite3_step (stmt);

  *have_row = (rc == SQLITE_ROW);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;

  set_sqlite_error (error, sqlite3_db_handle (stmt), rc, "Running a statement");
  return FALSE;
}

gboolean
rtx_db_step_done (RtxDb    *self,
                  RtxStmt  *stmt,
                  GError  **error)
{
  gboolean have_row;

  return rtx_db_step_row (self, stmt, &have_row, error);
}

/* IMMEDIATE, because a deferred transaction that reads and then writes gets SQLITE_BUSY at once,
 * whatever the busy timeout, when another connection writes meanwhile. */
gboolean
rtx_db_begin (RtxDb   *self,
              GError **error)
{
  return rtx_db_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
rtx_db_commit (RtxDb   *self,
               GError **error)
{
  if (rtx_db_exec (self, "COMMIT", error))
    return TRUE;

  rtx_db_rollback (self);
  return FALSE;
}

void
rtx_db_rollback (RtxDb *self)
{
  sqlite3 *handle = rtx_db_get_handle (self, NULL);

  if (handle != NULL && !sqlite3_get_autocommit (handle))
    exec_on (handle, "ROLLBACK", NULL);
}

/**
 * rtx_db_collect:
 * @stmt: a prepared and bound statement
 * @rows: where from_row() of every row is appended
 * @from_row: makes an element of the current row
 *
 * Steps @stmt to its end. Every list query uses it, so that a failed step is never mistaken
 * for the end of the rows, whether or not the caller asked for the error.
 *
 * Returns: %FALSE with @error set when a step failed
 */
gboolean
rtx_db_collect (RtxDb       *self,
                RtxStmt     *stmt,
                GPtrArray   *rows,
                RtxRowFunc   from_row,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean have_row = FALSE;

  while (rtx_db_step_row (self, stmt, &have_row, &local_error) && have_row)
    g_ptr_array_add (rows, from_row (stmt));

  if (local_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return TRUE;
}

gint64
rtx_db_last_insert_rowid (RtxDb *self)
{
  sqlite3 *handle = rtx_db_get_handle (self, NULL);

  return handle != NULL ? sqlite3_last_insert_rowid (handle) : 0;
}

int
rtx_db_get_user_version (RtxDb *self)
{
  sqlite3 *handle = rtx_db_get_handle (self, NULL);

  return handle != NULL ? user_version_on (handle) : -1;
}

char *
rtx_db_get_meta (RtxDb       *self,
                 const char  *key,
                 GError     **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self, "SELECT value FROM meta WHERE key = ?1", error);
  gboolean have_row;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self, stmt, &have_row, error))
    return NULL;

  if (!have_row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, "No meta value “%s”", key);
    return NULL;
  }

  return rtx_stmt_dup_text (stmt, 0);
}

char *
rtx_stmt_dup_text (RtxStmt *stmt,
                   int      column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}
