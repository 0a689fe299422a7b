/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "rtx-error.h"
#include "rtx-runtime.h"
#include "rtx-server.h"
#include "rtx-test-utils.h"

/* The credentials admin API against a live server on port 0 and the real keyring of the test
 * session. Every secret a test sends is unique and recorded, so that the suite's last test can
 * prove it reached no file but the keyring's; this file also checks the database, its WAL and
 * every log message of the process itself. */

static const RtxActor test_actor = { "tester", "cli" };

/* Every log message of this process, whatever its level, to look for secrets in. */
static GMutex log_lock;
static GString *log_text;

typedef struct {
  char        *data_dir;
  RtxRuntime  *runtime;
  RtxServer   *server;
  SoupSession *session;
  RtxSecret   *admin_key;
  RtxSecret   *user_key;
  gint64       admin_key_id;
} Fixture;

typedef struct {
  guint     status;
  char     *body;
  JsonNode *json;
} Response;

static void
response_free (Response *response)
{
  g_free (response->body);
  g_clear_pointer (&response->json, json_node_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static GLogWriterOutput
capture_log_cb (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++) {
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      g_string_append_printf (log_text, "%s\n", (const char *) fields[i].value);
  }
  g_mutex_unlock (&log_lock);

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
log_contains (const char *needle)
{
  gboolean found;

  g_mutex_lock (&log_lock);
  found = strstr (log_text->str, needle) != NULL;
  g_mutex_unlock (&log_lock);
  return found;
}

static char *
new_secret (const char *what)
{
  g_autofree char *uuid = g_uuid_string_random ();
  char *secret = g_strdup_printf ("%s-%s", what, uuid);

  rtx_test_record_secret (secret);
  return secret;
}

static RtxSecret *
create_key (Fixture  *fixture,
            gboolean  admin,
            gint64   *out_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  RtxSecret *secret = NULL;

  key = rtx_api_keys_create (rtx_runtime_get_api_keys (fixture->runtime),
                             admin ? "credentials-admin" : "credentials-user", admin,
                             &test_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  if (out_id != NULL)
    *out_id = key->id;
  return secret;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("api-credentials");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);

  fixture->server = rtx_server_new (fixture->runtime);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  g_assert_no_error (error);

  fixture->session = soup_session_new_with_options ("timeout", 20, NULL);
  fixture->admin_key = create_key (fixture, TRUE, &fixture->admin_key_id);
  fixture->user_key = create_key (fixture, FALSE, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  soup_session_abort (fixture->session);
  g_clear_object (&fixture->session);
  rtx_server_stop (fixture->server);
  g_assert_finalize_object (fixture->server);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->admin_key, rtx_secret_free);
  g_clear_pointer (&fixture->user_key, rtx_secret_free);
  g_clear_pointer (&fixture->data_dir, g_free);
}

typedef struct {
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Exchange;

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

/* Sends @body (JSON text, or NULL) with @key as a Bearer key (or none), and parses the answer,
 * which must be JSON. */
static Response *
call (Fixture    *fixture,
      const char *key,
      const char *method,
      const char *path,
      const char *body)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          rtx_server_get_port (fixture->server), path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  Response *response = g_new0 (Response, 1);
  Exchange exchange = { 0 };

  g_assert_nonnull (msg);
  if (key != NULL) {
    g_autofree char *bearer = g_strdup_printf ("Bearer %s", key);

    soup_message_headers_append (soup_message_get_request_headers (msg), "Authorization",
                                 bearer);
  }
  if (body != NULL) {
    g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  }

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent_cb, &exchange);
  rtx_test_wait_for (&exchange.done, 20000);
  g_assert_no_error (exchange.error);

  response->status = soup_message_get_status (msg);
  response->body = g_strndup (g_bytes_get_data (exchange.body, NULL),
                              g_bytes_get_size (exchange.body));
  g_bytes_unref (exchange.body);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                          NULL), ==, "application/json");
  response->json = json_from_string (response->body, &error);
  g_assert_no_error (error);
  return response;
}

static Response *
admin_call (Fixture    *fixture,
            const char *method,
            const char *path,
            const char *body)
{
  return call (fixture, fixture->admin_key, method, path, body);
}

static JsonObject *
root (Response *response)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response->json));
  return json_node_get_object (response->json);
}

static void
assert_error (Response   *response,
              guint       status,
              const char *fragment)
{
  JsonObject *body = root (response);

  g_assert_cmpuint (response->status, ==, status);
  g_assert_false (json_object_get_boolean_member (body, "success"));
  if (fragment != NULL)
    g_assert_nonnull (strstr (json_object_get_string_member (body, "error"), fragment));
}

static int
count (Fixture    *fixture,
       const char *sql,
       const char *text)
{
  RtxDb *db = rtx_runtime_get_db (fixture->runtime);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, sql, NULL);
  gboolean have_row = FALSE;

  g_assert_nonnull (stmt);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, NULL));
  return sqlite3_column_int (stmt, 0);
}

/* The keyring item itself, read without the vault (so without an audit row). */
static JsonObject *
keyring_payload (Fixture    *fixture,
                 const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredential) credential = rtx_credentials_get (
    rtx_runtime_get_credentials (fixture->runtime), name, &error);
  g_autoptr(RtxSecret) text = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  text = rtx_secrets_lookup_credential (rtx_runtime_get_secrets (fixture->runtime),
                                        credential->id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

/* The payload is in no file of the data dir (runtime.db, its WAL, anything else), in no log
 * message, and in no response. */
static void
assert_only_in_keyring (Fixture    *fixture,
                        const char *secret)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->data_dir, 0, NULL);
  g_autofree char *wal = g_build_filename (fixture->data_dir, "runtime.db-wal", NULL);
  const char *leaf;
  guint files = 0;

  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  while ((leaf = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (fixture->data_dir, leaf, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
      g_assert_false (rtx_test_file_contains (path, secret));
      files++;
    }
  }
  g_assert_cmpuint (files, >=, 2);
  g_assert_false (log_contains (secret));
}

static void
assert_credential_json (JsonObject *credential,
                        const char *name,
                        const char *type)
{
  g_assert_cmpstr (json_object_get_string_member (credential, "name"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (credential, "type"), ==, type);
  g_assert_true (json_object_has_member (credential, "metadata"));
  g_assert_nonnull (json_object_get_string_member (credential, "created_at"));
  g_assert_nonnull (json_object_get_string_member (credential, "updated_at"));
  g_assert_false (json_object_has_member (credential, "payload"));
  g_assert_cmpuint (json_object_get_size (credential), ==, 5);
}

/* ---- The lifecycle --------------------------------------------------------------------- */

static void
test_lifecycle (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *value = new_secret ("header-value");
  g_autofree char *value2 = new_secret ("header-value-two");
  g_autofree char *create = g_strdup_printf ("{\"name\":\"search-api\",\"type\":\"http_header\","
                                             "\"payload\":{\"name\":\"X-Api-Key\",\"value\":\"%s\"},"
                                             "\"metadata\":{\"service\":\"search\"}}", value);
  g_autofree char *update = g_strdup_printf ("{\"payload\":{\"value\":\"%s\"}}", value2);
  g_autofree char *actor = g_strdup_printf ("key:%" G_GINT64_FORMAT, fixture->admin_key_id);
  g_autoptr(Response) made = NULL;
  g_autoptr(Response) listed = NULL;
  g_autoptr(Response) updated = NULL;
  g_autoptr(Response) deleted = NULL;
  g_autoptr(Response) after = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(RtxCredential) row = NULL;
  g_autoptr(RtxSecret) left = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *credential;
  JsonArray *credentials;

  made = admin_call (fixture, "POST", "/api/v1/credentials", create);
  g_assert_cmpuint (made->status, ==, 200);
  credential = json_object_get_object_member (root (made), "credential");
  assert_credential_json (credential, "search-api", "http_header");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (credential,
                                                                                 "metadata"),
                                                  "service"), ==, "search");
  g_assert_null (strstr (made->body, value));

  listed = admin_call (fixture, "GET", "/api/v1/credentials", NULL);
  g_assert_cmpuint (listed->status, ==, 200);
  credentials = json_object_get_array_member (root (listed), "credentials");
  g_assert_cmpuint (json_array_get_length (credentials), ==, 1);
  assert_credential_json (json_array_get_object_element (credentials, 0), "search-api",
                          "http_header");
  g_assert_null (strstr (listed->body, value));

  /* The payload is in the keyring, whole, and nowhere else. */
  payload = keyring_payload (fixture, "search-api");
  g_assert_cmpstr (json_object_get_string_member (payload, "name"), ==, "X-Api-Key");
  g_assert_cmpstr (json_object_get_string_member (payload, "value"), ==, value);
  g_clear_pointer (&payload, json_object_unref);
  assert_only_in_keyring (fixture, value);

  /* An update changes the value it is given and keeps the header name it is not. */
  updated = admin_call (fixture, "POST", "/api/v1/credentials/search-api", update);
  g_assert_cmpuint (updated->status, ==, 200);
  credential = json_object_get_object_member (root (updated), "credential");
  assert_credential_json (credential, "search-api", "http_header");
  g_assert_null (strstr (updated->body, value2));
  payload = keyring_payload (fixture, "search-api");
  g_assert_cmpstr (json_object_get_string_member (payload, "name"), ==, "X-Api-Key");
  g_assert_cmpstr (json_object_get_string_member (payload, "value"), ==, value2);
  assert_only_in_keyring (fixture, value2);

  row = rtx_credentials_get (rtx_runtime_get_credentials (fixture->runtime), "search-api", NULL);
  g_assert_nonnull (row);

  deleted = admin_call (fixture, "DELETE", "/api/v1/credentials/search-api", NULL);
  g_assert_cmpuint (deleted->status, ==, 200);
  g_assert_cmpstr (deleted->body, ==, "{\"success\":true}");
  left = rtx_secrets_lookup_credential (rtx_runtime_get_secrets (fixture->runtime), row->id,
                                        &error);
  g_assert_no_error (error);
  g_assert_null (left);

  after = admin_call (fixture, "GET", "/api/v1/credentials", NULL);
  g_assert_cmpstr (after->body, ==, "{\"credentials\":[]}");

  /* Each change is audited, by the key that made it, through the standard surface; no audit
   * row holds a value. */
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE subject_type = "
                                   "'credential' AND surface = 'standard' AND actor = ?1",
                          actor), ==, 3);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE action = ?1",
                          "credential.create"), ==, 1);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE action = ?1",
                          "credential.update"), ==, 1);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE action = ?1",
                          "credential.delete"), ==, 1);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE action = ?1",
                          "credential.read"), ==, 0);
  assert_only_in_keyring (fixture, value);
  assert_only_in_keyring (fixture, value2);
}

/* Editing a basic-auth credential's username leaves its password; a new type needs its whole
 * payload; metadata alone changes no secret. */
static void
test_update_keeps_what_is_left_out (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *password = new_secret ("basic-password");
  g_autofree char *token = new_secret ("bearer-token");
  g_autofree char *create = g_strdup_printf ("{\"name\":\"proxy\",\"type\":\"basic_auth\","
                                             "\"payload\":{\"username\":\"ada\","
                                             "\"password\":\"%s\"}}", password);
  g_autofree char *to_bearer = g_strdup_printf ("{\"type\":\"bearer\",\"payload\":"
                                                "{\"token\":\"%s\"}}", token);
  g_autoptr(Response) made = admin_call (fixture, "POST", "/api/v1/credentials", create);
  g_autoptr(Response) renamed = NULL;
  g_autoptr(Response) meta = NULL;
  g_autoptr(Response) half = NULL;
  g_autoptr(Response) retyped = NULL;
  g_autoptr(JsonObject) payload = NULL;

  g_assert_cmpuint (made->status, ==, 200);

  renamed = admin_call (fixture, "POST", "/api/v1/credentials/proxy",
                        "{\"payload\":{\"username\":\"grace\"}}");
  g_assert_cmpuint (renamed->status, ==, 200);
  payload = keyring_payload (fixture, "proxy");
  g_assert_cmpstr (json_object_get_string_member (payload, "username"), ==, "grace");
  g_assert_cmpstr (json_object_get_string_member (payload, "password"), ==, password);
  g_clear_pointer (&payload, json_object_unref);

  meta = admin_call (fixture, "POST", "/api/v1/credentials/proxy",
                     "{\"metadata\":{\"host\":\"proxy.example\"}}");
  g_assert_cmpuint (meta->status, ==, 200);
  g_assert_nonnull (strstr (meta->body, "\"metadata\":{\"host\":\"proxy.example\"}"));
  payload = keyring_payload (fixture, "proxy");
  g_assert_cmpstr (json_object_get_string_member (payload, "password"), ==, password);
  g_clear_pointer (&payload, json_object_unref);

  half = admin_call (fixture, "POST", "/api/v1/credentials/proxy", "{\"type\":\"bearer\"}");
  assert_error (half, 400, "whole new payload");

  retyped = admin_call (fixture, "POST", "/api/v1/credentials/proxy", to_bearer);
  g_assert_cmpuint (retyped->status, ==, 200);
  g_assert_nonnull (strstr (retyped->body, "\"type\":\"bearer\""));
  payload = keyring_payload (fixture, "proxy");
  g_assert_cmpuint (json_object_get_size (payload), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (payload, "token"), ==, token);
  assert_only_in_keyring (fixture, password);
  assert_only_in_keyring (fixture, token);
}

/* ---- Errors ---------------------------------------------------------------------------- */

static void
test_bad_input_changes_nothing (Fixture       *fixture,
                                gconstpointer  data)
{
  static const struct {
    const char *body;
    const char *fragment;
  } cases[] = {
    { "", "JSON" },
    { "not json", "JSON" },
    { "[1,2]", "JSON object" },
    { "{\"type\":\"bearer\",\"payload\":{\"token\":\"tok-0123456789\"}}", "“name”" },
    { "{\"name\":\"a\",\"payload\":{\"token\":\"tok-0123456789\"}}", "“type”" },
    { "{\"name\":\"a\",\"type\":\"bearer\"}", "“payload”" },
    { "{\"name\":7,\"type\":\"bearer\",\"payload\":{\"token\":\"t\"}}", "string" },
    { "{\"name\":\"a\",\"type\":\"bearer\",\"payload\":\"t\"}", "object" },
    { "{\"name\":\"a\",\"type\":\"bearer\",\"payload\":{\"token\":\"t\"},\"metadata\":[]}",
      "object" },
    { "{\"name\":\"a\",\"type\":\"bearer\",\"payload\":{\"token\":\"t\"},\"extra\":1}",
      "“extra”" },
    { "{\"name\":\"a\",\"type\":\"telepathy\",\"payload\":{\"token\":\"t\"}}", "telepathy" },
    { "{\"name\":\"a\",\"type\":\"bearer\",\"payload\":{}}", "payload.token" },
    { "{\"name\":\"a\",\"type\":\"bearer\",\"payload\":{\"token\":\"t\",\"x\":\"y\"}}", "“x”" },
    { "{\"name\":\"a\",\"type\":\"http_header\",\"payload\":{\"name\":\"X-A\","
      "\"value\":\"a\\r\\nInjected: 1\"}}", "line breaks" },
    { "{\"name\":\"../etc\",\"type\":\"bearer\",\"payload\":{\"token\":\"t\"}}", "name" },
    { "{\"name\":\"\",\"type\":\"bearer\",\"payload\":{\"token\":\"t\"}}", "name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(Response) response = admin_call (fixture, "POST", "/api/v1/credentials",
                                               cases[i].body);

    g_test_message ("case %u", i);
    assert_error (response, 400, cases[i].fragment);
  }

  g_assert_cmpint (count (fixture, "SELECT count(*) FROM credentials", NULL), ==, 0);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE subject_type = ?1",
                          "credential"), ==, 0);
}

static void
test_unknown_and_duplicate (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *first = new_secret ("first-token");
  g_autofree char *second = new_secret ("second-token");
  g_autofree char *create1 = g_strdup_printf ("{\"name\":\"dup\",\"type\":\"bearer\","
                                              "\"payload\":{\"token\":\"%s\"}}", first);
  g_autofree char *create2 = g_strdup_printf ("{\"name\":\"dup\",\"type\":\"bearer\","
                                              "\"payload\":{\"token\":\"%s\"}}", second);
  g_autoptr(Response) made = admin_call (fixture, "POST", "/api/v1/credentials", create1);
  g_autoptr(Response) again = admin_call (fixture, "POST", "/api/v1/credentials", create2);
  g_autoptr(Response) update = admin_call (fixture, "POST", "/api/v1/credentials/nope",
                                           "{\"metadata\":{}}");
  g_autoptr(Response) delete = admin_call (fixture, "DELETE", "/api/v1/credentials/nope", NULL);
  g_autoptr(Response) empty = admin_call (fixture, "POST", "/api/v1/credentials/dup", "{}");
  g_autoptr(Response) rename = admin_call (fixture, "POST", "/api/v1/credentials/dup",
                                           "{\"name\":\"other\"}");
  g_autoptr(JsonObject) payload = NULL;

  g_assert_cmpuint (made->status, ==, 200);
  assert_error (again, 409, "already exists");
  assert_error (update, 404, "nope");
  assert_error (delete, 404, "nope");
  /* The document's minProperties refuses it before the handler runs. */
  assert_error (empty, 400, "must have at least 1 field");
  assert_error (rename, 400, "“name”");

  payload = keyring_payload (fixture, "dup");
  g_assert_cmpstr (json_object_get_string_member (payload, "token"), ==, first);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE subject_type = ?1",
                          "credential"), ==, 1);
  assert_only_in_keyring (fixture, second);
}

/* Only administrator keys manage credentials; without a key the standard refusal. */
static void
test_admin_only (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct {
    const char *method, *path, *body;
  } routes[] = {
    { "GET", "/api/v1/credentials", NULL },
    { "POST", "/api/v1/credentials",
      "{\"name\":\"x\",\"type\":\"bearer\",\"payload\":{\"token\":\"t\"}}" },
    { "POST", "/api/v1/credentials/kept", "{\"metadata\":{\"a\":1}}" },
    { "DELETE", "/api/v1/credentials/kept", NULL },
  };
  g_autoptr(Response) made = admin_call (fixture, "POST", "/api/v1/credentials",
                                         "{\"name\":\"kept\",\"type\":\"bearer\","
                                         "\"payload\":{\"token\":\"kept-token\"}}");

  g_assert_cmpuint (made->status, ==, 200);

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    g_autoptr(Response) as_user = call (fixture, fixture->user_key, routes[i].method,
                                        routes[i].path, routes[i].body);
    g_autoptr(Response) anonymous = call (fixture, NULL, routes[i].method, routes[i].path,
                                          routes[i].body);

    g_test_message ("%s %s", routes[i].method, routes[i].path);
    assert_error (as_user, 403, "administrator");
    g_assert_null (strstr (as_user->body, "kept-token"));
    g_assert_cmpuint (anonymous->status, ==, 403);
    g_assert_cmpstr (anonymous->body, ==, "{\"success\":false,\"error\":\"No valid api key found.\"}");
  }

  g_assert_cmpint (count (fixture, "SELECT count(*) FROM credentials WHERE metadata IS NULL",
                          NULL), ==, 1);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE subject_type = ?1",
                          "credential"), ==, 1);
}

/* With no Secret Service on the bus the server still runs and lists, and refuses to store
 * with 503 and a message that says why; nothing is written. */
static void
test_without_keyring (void)
{
  if (g_test_subprocess ()) {
    Fixture fixture = { 0 };
    g_autofree char *db = NULL;
    g_autoptr(Response) made = NULL;
    g_autoptr(Response) listed = NULL;

    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rtx-no-bus", TRUE);
    fixture_setup (&fixture, NULL);

    made = admin_call (&fixture, "POST", "/api/v1/credentials",
                       "{\"name\":\"nokeyring\",\"type\":\"bearer\","
                       "\"payload\":{\"token\":\"no-keyring-token\"}}");
    assert_error (made, 503, "No keyring");
    g_assert_nonnull (strstr (made->body, "never kept in plain files"));

    listed = admin_call (&fixture, "GET", "/api/v1/credentials", NULL);
    g_assert_cmpuint (listed->status, ==, 200);
    g_assert_cmpstr (listed->body, ==, "{\"credentials\":[]}");
    g_assert_cmpint (count (&fixture, "SELECT count(*) FROM audit_log WHERE subject_type = ?1",
                            "credential"), ==, 0);
    db = g_build_filename (fixture.data_dir, "runtime.db", NULL);
    g_assert_false (rtx_test_file_contains (db, "no-keyring-token"));
    fixture_teardown (&fixture, NULL);
    return;
  }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log_cb, NULL, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/api/credentials/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("lifecycle", test_lifecycle);
  ADD ("update-keeps-what-is-left-out", test_update_keeps_what_is_left_out);
  ADD ("bad-input-changes-nothing", test_bad_input_changes_nothing);
  ADD ("unknown-and-duplicate", test_unknown_and_duplicate);
  ADD ("admin-only", test_admin_only);
  g_test_add_func ("/rtx/api/credentials/without-keyring", test_without_keyring);

#undef ADD

  return g_test_run ();
}
