/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <libsoup/soup.h>
#include <sqlite3.h>

#include "rtx-test-utils.h"

/* kill -9 of the real runtime at random points of ingestion, 20 times, each on a fresh data
 * directory: the database passes integrity_check (FTS5 included), and no listed document lacks
 * chunks, nor a workspace document its vectors. */

#define DEFAULT_TRIALS 20

typedef struct {
  GSubprocess *process;
  guint16      port;
  char        *bearer;
} Runtime;

static char *
run_cli (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  char *out = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error));
  g_assert_true (g_subprocess_get_successful (p));
  return g_strstrip (out);
}

static void
start_runtime (Runtime    *rt,
               const char *data_dir)
{
  const char *binary = g_getenv ("RTX_BINARY");
  const char *create[] = { binary, "keys", "create", "--name", "crash", "--data-dir", data_dir, NULL };
  g_autofree char *key = run_cli (create);
  g_autoptr(GError) error = NULL;
  GInputStream *out;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;

  rtx_test_record_key (key);
  rt->bearer = g_strconcat ("Bearer ", key, NULL);
  rt->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                  binary, "--headless", "--port", "0", "--data-dir", data_dir, NULL);
  g_assert_no_error (error);
  out = g_subprocess_get_stdout_pipe (rt->process);
  lines = g_data_input_stream_new (out);
  while ((line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error)) != NULL) {
    const char *at = strstr (line, "http://127.0.0.1:");

    if (at != NULL) {
      rt->port = atoi (at + strlen ("http://127.0.0.1:"));
      break;
    }
    g_clear_pointer (&line, g_free);
  }
  g_assert_cmpuint (rt->port, >, 0);
}

typedef struct {
  guint sent;
  guint done;
} Counter;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Counter *c = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  c->done++;
}

static void
post (SoupSession *session,
      Runtime     *rt,
      const char  *path,
      const char  *json,
      Counter     *counter)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", rt->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", rt->bearer);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_done, counter);
  counter->sent++;
}

static gboolean
on_kill (gpointer user_data)
{
  gboolean *fired = user_data;

  *fired = TRUE;
  return G_SOURCE_REMOVE;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
check_database (const char *data_dir,
                gint64     *documents)
{
  g_autofree char *path = g_build_filename (data_dir, "runtime.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO document_chunks_fts (document_chunks_fts) VALUES ('integrity-check')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  /* Every listed document has all its chunks; every workspace document has all its vectors. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM documents d WHERE d.n_chunks != "
                                  "(SELECT count(*) FROM document_chunks c WHERE c.document_id = d.id)"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM documents WHERE n_chunks = 0"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM workspace_documents wd JOIN document_chunks c "
                                  "ON c.document_id = wd.document_id WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors v "
                                  "WHERE v.chunk_id = c.id AND v.embedder = wd.embedder)"), ==, 0);
  *documents = query_int (db, "SELECT count(*) FROM documents");
  sqlite3_close (db);
}

static void
trial (guint       n,
       GString    *text_json)
{
  g_autofree char *data_dir = rtx_test_data_dir_new ("ingest-crash");
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  Runtime rt = { 0 };
  Counter counter = { 0 };
  gboolean fired = FALSE;
  guint delay = g_random_int_range (20, 420);
  gint64 documents = 0;

  start_runtime (&rt, data_dir);
  post (session, &rt, "/api/v1/workspace/new", "{\"name\":\"Crash\"}", &counter);
  while (counter.done < 1)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < 6; i++)
    post (session, &rt, "/api/v1/document/raw-text", text_json->str, &counter);

  g_timeout_add (delay, on_kill, &fired);
  while (!fired)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_send_signal (rt.process, SIGKILL);
  g_subprocess_wait (rt.process, NULL, NULL);
  soup_session_abort (session);
  while (counter.done < counter.sent)
    g_main_context_iteration (NULL, TRUE);

  check_database (data_dir, &documents);
  g_test_message ("trial %u: killed after %u ms, %" G_GINT64_FORMAT " documents whole", n, delay, documents);

  g_object_unref (rt.process);
  g_free (rt.bearer);
}

static void
test_kill_nine (void)
{
  const char *env = g_getenv ("RTX_CRASH_TRIALS");
  guint trials = env != NULL ? (guint) atoi (env) : DEFAULT_TRIALS;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) json = g_string_new ("{\"addToWorkspaces\":\"crash\",\"metadata\":{\"title\":\"Crash report\"},\"textContent\":\"");

  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (text, "Sentence %u of the crash test describes rivers, bridges and lighthouses. ", i);
  g_string_append (json, text->str);
  g_string_append (json, "\"}");

  for (guint n = 0; n < trials; n++)
    trial (n, json);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ingest/kill-nine", test_kill_nine);

  return g_test_run ();
}
