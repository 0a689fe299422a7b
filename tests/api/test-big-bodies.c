/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "rtx-body-check.h"
#include "rtx-error.h"
#include "rtx-json-scan.h"
#include "rtx-runtime.h"
#include "rtx-server.h"
#include "rtx-server-private.h"
#include "rtx-test-utils.h"

/* Large JSON bodies (above RTX_SERVER_ASYNC_BODY_BYTES) are scanned, parsed and checked in a
 * worker thread while their message waits: through the SDK's vector upsert, as a registered
 * local app (x-app-id) sends it, they are stored as before, refused with the very 400 a small
 * body gets, do not keep the server from answering others meanwhile, and a client or a server
 * that goes away meanwhile leaves nothing behind. A hook holds the check in its worker, so
 * that what happens meanwhile is seen in order, never timed. */

#define DIM 64
#define LARGE 2000   /* entries: about 750 KB */

static const RtxActor test_actor = { "tester", "cli" };

/* ---- The check's worker, counted and held on demand -------------------------------------- */

typedef struct {
  GMutex        lock;
  GCond         cond;
  gboolean      hold;        /* set by the test before the request */
  gboolean      released;
  GCancellable *cancellable; /* the held check's, once it is reached */
  gboolean      reached;     /* main context's view, set from an idle */
  gboolean      cancelled;   /* main context's view */
  guint         checks;
} Gate;

static Gate gate;

static gboolean
on_reached_idle_cb (gpointer user_data)
{
  gate.reached = TRUE;
  return G_SOURCE_REMOVE;
}

static void
gate_hook (GCancellable *cancellable,
           gpointer      user_data)
{
  g_mutex_lock (&gate.lock);
  gate.checks++;
  if (gate.hold) {
    g_set_object (&gate.cancellable, cancellable);
    g_idle_add (on_reached_idle_cb, NULL);
    while (!gate.released)
      g_cond_wait (&gate.cond, &gate.lock);
  }
  g_mutex_unlock (&gate.lock);
}

static void
gate_release (void)
{
  g_mutex_lock (&gate.lock);
  gate.released = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
}

static guint
gate_checks (void)
{
  guint checks;

  g_mutex_lock (&gate.lock);
  checks = gate.checks;
  g_mutex_unlock (&gate.lock);
  return checks;
}

static void
on_gate_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  gate.cancelled = TRUE;
}

/* Waits for the held check to be told to stop (the client or the server went away). */
static void
gate_wait_cancelled (void)
{
  GCancellable *cancellable;

  g_mutex_lock (&gate.lock);
  cancellable = g_object_ref (gate.cancellable);
  g_mutex_unlock (&gate.lock);

  g_cancellable_connect (cancellable, G_CALLBACK (on_gate_cancelled_cb), NULL, NULL);
  rtx_test_wait_for (&gate.cancelled, 10000);
  g_object_unref (cancellable);
}

/* ---- Fixture ----------------------------------------------------------------------------- */

typedef struct {
  char        *data_dir;
  RtxRuntime  *runtime;
  RtxServer   *server;
  SoupSession *session;
  RtxLocalApp *app;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  static const char * const permissions[] = { "vectors.read", "vectors.write", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);

  fixture->data_dir = rtx_test_data_dir_new ("api-big-bodies");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->server = rtx_server_new (fixture->runtime);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  g_assert_no_error (error);
  fixture->session = soup_session_new_with_options ("timeout", 60, NULL);

  spec->name = g_strdup ("Big bodies");
  fixture->app = rtx_local_apps_create (rtx_runtime_get_local_apps (fixture->runtime), spec,
                                        &test_actor, &error);
  g_assert_no_error (error);
  rtx_local_apps_set_decisions (rtx_runtime_get_local_apps (fixture->runtime), fixture->app->id,
                                permissions, RTX_PERMISSION_GRANTED, &test_actor, &error);
  g_assert_no_error (error);

  memset (&gate, 0, sizeof gate);
  rtx_body_check_set_test_hook (gate_hook, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gate_release ();
  rtx_body_check_set_test_hook (NULL, NULL);
  g_clear_object (&gate.cancellable);
  soup_session_abort (fixture->session);
  g_clear_object (&fixture->session);
  rtx_server_stop (fixture->server);
  /* Nothing still holds the server: no request was left behind. */
  g_assert_finalize_object (fixture->server);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->app, rtx_local_app_free);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* ---- Requests ---------------------------------------------------------------------------- */

typedef struct {
  SoupMessage *msg;
  gboolean     done;
  guint        status;
  char        *text;
  GError      *error;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->msg);
  g_free (call->text);
  g_clear_error (&call->error);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &call->error);

  call->status = soup_message_get_status (call->msg);
  if (body != NULL)
    call->text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  call->done = TRUE;
}

/* Sends a request as the app, with @body as JSON; the answer comes into the Call. */
static Call *
call_start (Fixture    *fixture,
            const char *method,
            const char *path,
            GString    *body)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          rtx_server_get_port (fixture->server), path);
  Call *call = g_new0 (Call, 1);

  call->msg = soup_message_new (method, uri);
  soup_message_headers_append (soup_message_get_request_headers (call->msg), "x-app-id",
                               fixture->app->id);
  if (body != NULL) {
    g_autoptr(GBytes) bytes = g_bytes_new (body->str, body->len);

    soup_message_set_request_body_from_bytes (call->msg, "application/json", bytes);
  }
  soup_session_send_and_read_async (fixture->session, call->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent_cb, call);
  return call;
}

static Call *
call_wait (Fixture    *fixture,
           const char *method,
           const char *path,
           GString    *body)
{
  Call *call = call_start (fixture, method, path, body);

  rtx_test_wait_for (&call->done, 60000);
  g_assert_no_error (call->error);
  return call;
}

static JsonObject *
call_object (Call *call)
{
  g_autoptr(JsonNode) node = json_from_string (call->text, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* ---- Bodies ------------------------------------------------------------------------------ */

static void
append_vector (GString *text,
               guint    index)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (text, '[');
  for (guint d = 0; d < DIM; d++) {
    guint32 x = (index + 1) * 2654435761u ^ (d + 1) * 2246822519u;
    double value;

    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    value = (x % 20001) / 10000.0 - 1;

    g_string_append_printf (text, "%s%s", d > 0 ? "," : "",
                            g_ascii_formatd (number, sizeof number, "%.4f", value));
  }
  g_string_append_c (text, ']');
}

/* @prefix, @count vector entries (v0, v1, …) and @suffix. */
static GString *
vectors_body (const char *prefix,
              guint       count,
              const char *suffix)
{
  GString *text = g_string_new (prefix);

  for (guint i = 0; i < count; i++) {
    g_string_append_printf (text, "%s{\"id\":\"v%u\",\"metadata\":{\"documentId\":\"doc%u\"},"
                            "\"vector\":", i > 0 ? "," : "", i, i % 7);
    append_vector (text, i);
    g_string_append_c (text, '}');
  }
  g_string_append (text, suffix);
  return text;
}

/* ---- Tests ------------------------------------------------------------------------------- */

/* A large upsert is checked in the worker, stored whole, and found by a query. */
static void
test_large_body_stored (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GString) body = vectors_body ("{\"workspaceId\":\"big\",\"vectors\":[", LARGE, "]}");
  g_autoptr(GString) query = g_string_new ("{\"workspaceId\":\"big\",\"topK\":2,\"vector\":");
  g_autoptr(Call) stored = NULL;
  g_autoptr(Call) found = NULL;
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *results;

  g_assert_cmpuint (body->len, >, RTX_SERVER_ASYNC_BODY_BYTES);
  stored = call_wait (fixture, "POST", "/sdk/llm/vectors/upsert", body);
  g_assert_cmpuint (stored->status, ==, 200);
  reply = call_object (stored);
  g_assert_true (json_object_get_boolean_member (reply, "success"));
  g_assert_cmpint (json_object_get_int_member (reply, "upserted"), ==, LARGE);
  g_assert_cmpuint (gate_checks (), ==, 1);

  append_vector (query, 1234);
  g_string_append_c (query, '}');
  found = call_wait (fixture, "POST", "/sdk/llm/vectors/query", query);
  g_assert_cmpuint (found->status, ==, 200);
  g_clear_pointer (&reply, json_object_unref);
  reply = call_object (found);
  results = json_object_get_array_member (reply, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "id"),
                   ==, "v1234");
  /* A small body keeps the synchronous path. */
  g_assert_cmpuint (gate_checks (), ==, 1);
}

/* Each defect gets the same 400, byte for byte, in a body of one entry and in one of
 * thousands; nothing is stored. */
static void
test_large_body_same_errors (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *open = g_strnfill (RTX_JSON_MAX_DEPTH, '[');
  g_autofree char *close = g_strnfill (RTX_JSON_MAX_DEPTH, ']');
  g_autofree char *deep = g_strconcat ("],\"x\":", open, close, "}", NULL);
  const struct {
    const char *name;
    const char *prefix;
    const char *suffix;
    const char *expected;   /* in the message */
  } cases[] = {
    { "malformed", "{\"workspaceId\" \"w\",\"vectors\":[", "]}", "Invalid JSON" },
    { "deep", "{\"vectors\":[", deep, "levels deep" },
    { "duplicate key", "{\"vectors\":[", "],\"workspaceId\":\"a\",\"workspaceId\":\"b\"}",
      "duplicate key" },
    { "pattern", "{\"vectors\":[", "],\"workspaceId\":\"no/slash\"}", "workspaceId" },
    { "entry", "{\"vectors\":[{\"id\":\"bad\",\"vector\":[\"x\"]},", "]}", "vectors[0].vector[0]" },
    { "unknown field", "{\"vectors\":[", "],\"extra\":1}", "is not a known field" },
  };
  g_autoptr(Call) listed = NULL;
  g_autoptr(JsonObject) reply = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GString) small = vectors_body (cases[i].prefix, 1, cases[i].suffix);
    g_autoptr(GString) large = vectors_body (cases[i].prefix, LARGE, cases[i].suffix);
    g_autoptr(Call) small_call = NULL;
    g_autoptr(Call) large_call = NULL;
    guint checks = gate_checks ();

    g_test_message ("%s", cases[i].name);
    g_assert_cmpuint (small->len, <=, RTX_SERVER_ASYNC_BODY_BYTES);
    g_assert_cmpuint (large->len, >, RTX_SERVER_ASYNC_BODY_BYTES);
    small_call = call_wait (fixture, "POST", "/sdk/llm/vectors/upsert", small);
    large_call = call_wait (fixture, "POST", "/sdk/llm/vectors/upsert", large);
    g_assert_cmpuint (gate_checks (), ==, checks + 1);

    g_assert_cmpuint (small_call->status, ==, 400);
    g_assert_cmpuint (large_call->status, ==, 400);
    g_assert_cmpstr (large_call->text, ==, small_call->text);
    g_assert_nonnull (strstr (large_call->text, cases[i].expected));
  }

  listed = call_wait (fixture, "GET", "/sdk/llm/vectors/workspaces", NULL);
  g_assert_cmpuint (listed->status, ==, 200);
  reply = call_object (listed);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "workspaces")),
                    ==, 0);
}

/* While a large body is held in its worker, another client's ping is answered; the upsert is
 * answered once the check goes on. */
static void
test_ping_while_checking (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GString) body = vectors_body ("{\"workspaceId\":\"held\",\"vectors\":[", LARGE, "]}");
  g_autoptr(Call) upsert = NULL;
  g_autoptr(Call) ping = NULL;
  g_autoptr(JsonObject) reply = NULL;

  gate.hold = TRUE;
  upsert = call_start (fixture, "POST", "/sdk/llm/vectors/upsert", body);
  rtx_test_wait_for (&gate.reached, 30000);

  ping = call_wait (fixture, "GET", "/api/ping", NULL);
  g_assert_cmpuint (ping->status, ==, 200);
  g_assert_cmpstr (ping->text, ==, "{\"online\":true}");
  g_assert_false (upsert->done);

  gate_release ();
  rtx_test_wait_for (&upsert->done, 60000);
  g_assert_no_error (upsert->error);
  g_assert_cmpuint (upsert->status, ==, 200);
  reply = call_object (upsert);
  g_assert_cmpint (json_object_get_int_member (reply, "upserted"), ==, LARGE);
}

/* ---- A client that leaves --------------------------------------------------------------- */

static gboolean
on_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until the listener holds @n connections. */
static void
wait_for_connections (Fixture *fixture,
                      guint    n)
{
  RtxListener *listener = rtx_server_get_listener (fixture->server);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (10, on_tick_cb, NULL);

  while (rtx_listener_get_n_connections (listener) != n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  g_assert_cmpuint (rtx_listener_get_n_connections (listener), ==, n);
}

static void
on_written_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  /* The server may have closed its end first; what was sent is what counts. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
free_string (gpointer string)
{
  g_string_free (string, TRUE);
}

/* Sends the headers of an upsert of @body and its first @send bytes, over a socket. */
static GSocketConnection *
send_raw (Fixture    *fixture,
          GString    *body,
          gsize       send,
          gboolean   *written)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;
  GString *request;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                rtx_server_get_port (fixture->server), NULL,
                                                &error);
  g_assert_no_error (error);
  request = g_string_new (NULL);
  g_string_append_printf (request, "POST /sdk/llm/vectors/upsert HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%u\r\nx-app-id: %s\r\n"
                          "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT
                          "\r\n\r\n", rtx_server_get_port (fixture->server), fixture->app->id,
                          body->len);
  g_string_append_len (request, body->str, send);
  g_object_set_data_full (G_OBJECT (connection), "request", request, free_string);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                   request->str, request->len, G_PRIORITY_DEFAULT, NULL,
                                   on_written_cb, written);
  return connection;
}

/* A client that leaves halfway through its body, and one that leaves while its body is being
 * checked: no handler runs, nothing is stored, the connections close, the server serves on. */
static void
test_client_leaves (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) body = vectors_body ("{\"workspaceId\":\"left\",\"vectors\":[", LARGE, "]}");
  g_autoptr(GSocketConnection) halfway = NULL;
  g_autoptr(GSocketConnection) checking = NULL;
  g_autoptr(Call) ping = NULL;
  g_autoptr(Call) listed = NULL;
  g_autoptr(JsonObject) reply = NULL;
  guint64 calls = rtx_server_get_handler_calls (fixture->server);
  gboolean written = FALSE;

  wait_for_connections (fixture, 0);

  halfway = send_raw (fixture, body, body->len / 2, &written);
  rtx_test_wait_for (&written, 30000);
  g_io_stream_close (G_IO_STREAM (halfway), NULL, NULL);
  wait_for_connections (fixture, 0);
  g_assert_cmpuint (gate_checks (), ==, 0);

  gate.hold = TRUE;
  written = FALSE;
  checking = send_raw (fixture, body, body->len, &written);
  rtx_test_wait_for (&gate.reached, 30000);
  rtx_test_wait_for (&written, 30000);
  g_io_stream_close (G_IO_STREAM (checking), NULL, NULL);
  /* The server sees the client leave while the body is held in its worker. */
  gate_wait_cancelled ();
  gate_release ();
  wait_for_connections (fixture, 0);

  g_assert_cmpuint (rtx_server_get_handler_calls (fixture->server), ==, calls);
  ping = call_wait (fixture, "GET", "/api/ping", NULL);
  g_assert_cmpuint (ping->status, ==, 200);
  listed = call_wait (fixture, "GET", "/sdk/llm/vectors/workspaces", NULL);
  reply = call_object (listed);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "workspaces")),
                    ==, 0);
}

/* The server stops while a body is held in its worker: the check is told to stop, and when it
 * returns, the request (which libsoup has dropped) is neither answered nor resumed. */
static void
test_server_stops (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) body = vectors_body ("{\"workspaceId\":\"stop\",\"vectors\":[", LARGE, "]}");
  g_autoptr(Call) upsert = NULL;
  guint64 calls = rtx_server_get_handler_calls (fixture->server);

  gate.hold = TRUE;
  upsert = call_start (fixture, "POST", "/sdk/llm/vectors/upsert", body);
  rtx_test_wait_for (&gate.reached, 30000);

  rtx_server_stop (fixture->server);
  gate_wait_cancelled ();
  rtx_test_wait_for (&upsert->done, 30000);
  g_assert_nonnull (upsert->error);
  gate_release ();

  /* The teardown proves that the held request let go of the server once the check was back;
   * wait for that here, then check that no handler ran. */
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    guint tick = g_timeout_add (10, on_tick_cb, NULL);

    while (G_OBJECT (fixture->server)->ref_count > 1 && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (tick);
  }
  g_assert_cmpuint (rtx_server_get_handler_calls (fixture->server), ==, calls);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/rtx/api/big-bodies/stored", Fixture, NULL, fixture_setup,
              test_large_body_stored, fixture_teardown);
  g_test_add ("/rtx/api/big-bodies/same-errors", Fixture, NULL, fixture_setup,
              test_large_body_same_errors, fixture_teardown);
  g_test_add ("/rtx/api/big-bodies/ping-while-checking", Fixture, NULL, fixture_setup,
              test_ping_while_checking, fixture_teardown);
  g_test_add ("/rtx/api/big-bodies/client-leaves", Fixture, NULL, fixture_setup,
              test_client_leaves, fixture_teardown);
  g_test_add ("/rtx/api/big-bodies/server-stops", Fixture, NULL, fixture_setup,
              test_server_stops, fixture_teardown);

  return g_test_run ();
}
