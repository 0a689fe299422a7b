/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-db.h"
#include "rtx-error.h"
#include "rtx-test-utils.h"

static char *
fresh_db_path (void)
{
  g_autofree char *dir = rtx_test_data_dir_new ("db");

  return g_build_filename (dir, "runtime.db", NULL);
}

static char *
query_text (RtxDb      *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, sql, &error);
  gboolean have_row = FALSE;

  g_assert_no_error (error);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, &error));
  g_assert_no_error (error);
  return have_row ? rtx_stmt_dup_text (stmt, 0) : NULL;
}

static gboolean
table_exists (RtxDb      *db,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db,
                                            "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                            "AND name = ?1", &error);
  gboolean have_row = FALSE;

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, &error));
  return have_row;
}

static void
test_builtin_sequence (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) migrations = rtx_db_builtin_migrations (&error);

  g_assert_no_error (error);
  g_assert_cmpuint (migrations->len, >=, 2);
  for (guint i = 0; i < migrations->len; i++) {
    const RtxMigration *m = g_ptr_array_index (migrations, i);

    g_assert_cmpint (m->version, ==, (int) i + 1);
    g_assert_true (g_str_has_suffix (m->name, ".sql"));
  }
  g_assert_cmpint (rtx_db_latest_version (), ==, (int) migrations->len);
}

static void
test_fresh (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fresh_db_path ();
  g_autoptr(RtxDb) db = rtx_db_open (path, &error);
  g_autofree char *mode = NULL;
  g_autofree char *fk = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (rtx_db_get_user_version (db), ==, rtx_db_latest_version ());
  g_assert_true (table_exists (db, "api_keys"));
  g_assert_true (table_exists (db, "audit_log"));

  mode = query_text (db, "PRAGMA journal_mode");
  fk = query_text (db, "PRAGMA foreign_keys");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpstr (fk, ==, "1");
}

/* A database written by the first release (schema 1, with a key in it) opens with the current
 * program, reaches the latest schema and keeps its rows. */
static void
test_upgrade_keeps_rows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = rtx_db_builtin_migrations (&error);
  g_autofree char *path = fresh_db_path ();
  g_autofree char *name = NULL;
  g_autofree char *used = NULL;
  RtxMigration first;

  g_assert_no_error (error);
  first = *(RtxMigration *) g_ptr_array_index (all, 0);

  {
    g_autoptr(RtxDb) old = rtx_db_open_with_migrations (path, &first, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpint (rtx_db_get_user_version (old), ==, 1);
    g_assert_false (table_exists (old, "audit_log"));
    rtx_db_exec (old,
                 "INSERT INTO api_keys (name, digest, display, created_by, created_via, created_at,"
                 " last_used_at, last_used_surface)"
                 " VALUES ('old key', zeroblob (32), 'rtx_…abcd', 'alice', 'cli', 1700000000,"
                 " 1700000600, 'openai')",
                 &error);
    g_assert_no_error (error);
  }

  {
    g_autoptr(RtxDb) db = rtx_db_open (path, &error);

    g_assert_no_error (error);
    g_assert_cmpint (rtx_db_get_user_version (db), ==, rtx_db_latest_version ());
    g_assert_true (table_exists (db, "audit_log"));
    name = query_text (db, "SELECT name FROM api_keys WHERE created_by = 'alice'");
    g_assert_cmpstr (name, ==, "old key");
    /* Its last use moved to the table of uses (migration 015). */
    used = query_text (db, "SELECT last_used_at || ' ' || last_used_surface FROM api_key_usage"
                           " JOIN api_keys ON api_keys.id = key_id WHERE created_by = 'alice'");
    g_assert_cmpstr (used, ==, "1700000600 openai");
  }
}

/* A migration that fails half-way leaves the database at the previous version, with nothing
 * of the failed script applied. */
static void
test_failed_migration_rolls_back (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fresh_db_path ();
  const RtxMigration broken[] = {
    { 1, "001-one.sql", "CREATE TABLE one (a INTEGER);" },
    { 2, "002-two.sql", "CREATE TABLE two (a INTEGER); INSERT INTO missing VALUES (1);" },
  };
  g_autoptr(RtxDb) failed = rtx_db_open_with_migrations (path, broken, 2, &error);

  g_assert_error (error, RTX_ERROR, RTX_ERROR_DATABASE);
  g_assert_null (failed);
  g_assert_nonnull (strstr (error->message, "002-two.sql"));
  g_clear_error (&error);

  {
    g_autoptr(RtxDb) db = rtx_db_open_with_migrations (path, broken, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpint (rtx_db_get_user_version (db), ==, 1);
    g_assert_true (table_exists (db, "one"));
    g_assert_false (table_exists (db, "two"));
  }
}

static void
test_newer_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fresh_db_path ();

  {
    g_autoptr(RtxDb) db = rtx_db_open (path, &error);

    g_assert_no_error (error);
    rtx_db_exec (db, "PRAGMA user_version = 999", &error);
    g_assert_no_error (error);
  }

  {
    g_autoptr(RtxDb) db = rtx_db_open (path, &error);

    g_assert_error (error, RTX_ERROR, RTX_ERROR_UNSUPPORTED_VERSION);
    g_assert_null (db);
  }
}

static gpointer
count_in_thread (gpointer data)
{
  RtxDb *db = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, "SELECT count(*) FROM api_keys", &error);
  gboolean have_row = FALSE;

  g_assert_no_error (error);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, &error));
  g_assert_true (have_row);
  return GINT_TO_POINTER (sqlite3_column_int (stmt, 0) + 1);
}

/* Each thread gets its own connection, and a second process-like opener of the same file sees
 * the committed rows of the first. */
static void
test_threads_and_second_opener (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fresh_db_path ();
  g_autoptr(RtxDb) db = rtx_db_open (path, &error);
  g_autoptr(RtxDb) other = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autofree char *count = NULL;

  g_assert_no_error (error);
  rtx_db_exec (db,
               "INSERT INTO api_keys (name, digest, display, created_by, created_via, created_at)"
               " VALUES ('k', randomblob (32), 'rtx_…abcd', 'me', 'cli', 1)",
               &error);
  g_assert_no_error (error);

  thread = g_thread_new ("reader", count_in_thread, db);
  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (g_steal_pointer (&thread))), ==, 2);

  other = rtx_db_open (path, &error);
  g_assert_no_error (error);
  count = query_text (other, "SELECT count(*) FROM api_keys");
  g_assert_cmpstr (count, ==, "1");
}

static void
test_audit_is_append_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fresh_db_path ();
  g_autoptr(RtxDb) db = rtx_db_open (path, &error);

  g_assert_no_error (error);
  rtx_db_exec (db, "INSERT INTO audit_log (at, actor, surface, action) VALUES (1, 'a', 'cli', 'x')",
               &error);
  g_assert_no_error (error);

  rtx_db_exec (db, "UPDATE audit_log SET actor = 'b'", &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  rtx_db_exec (db, "DELETE FROM audit_log", &error);
  g_assert_nonnull (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/rtx/db/builtin-sequence", test_builtin_sequence);
  g_test_add_func ("/rtx/db/fresh", test_fresh);
  g_test_add_func ("/rtx/db/upgrade-keeps-rows", test_upgrade_keeps_rows);
  g_test_add_func ("/rtx/db/failed-migration-rolls-back", test_failed_migration_rolls_back);
  g_test_add_func ("/rtx/db/newer-refused", test_newer_refused);
  g_test_add_func ("/rtx/db/threads-and-second-opener", test_threads_and_second_opener);
  g_test_add_func ("/rtx/db/audit-append-only", test_audit_is_append_only);

  return g_test_run ();
}
