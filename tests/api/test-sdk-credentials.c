/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-test-utils.h"

/* `GET /sdk/credentials/{name}` and `GET /sdk/credentials` against a live server and the real
 * keyring, as a local app calls them: raw HTTP with `x-app-id`, because @realtimex/sdk 1.2.4
 * has no credentials module (local-app-protocol.md §5). The permission is asked for and
 * granted through the protocol's own flow: PERMISSION_REQUIRED, request-permission, and the
 * admin API answering the prompt as the person would in the window. */

static const RtxActor test_actor = { "tester", "cli" };

typedef struct {
  ApiFixture   api;
  char        *admin_key;
  RtxLocalApp *app;
  RtxLocalApp *other_app;
  char        *header_value;
  char        *token;
} Fixture;

static RtxLocalApp *
new_app (Fixture    *fixture,
         const char *name)
{
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
  g_autoptr(GError) error = NULL;
  RtxLocalApp *app;

  spec->name = g_strdup (name);
  app = rtx_local_apps_create (rtx_runtime_get_local_apps (fixture->api.runtime), spec,
                               &test_actor, &error);
  g_assert_no_error (error);
  return app;
}

static char *
new_secret (const char *what)
{
  g_autofree char *uuid = g_uuid_string_random ();
  char *secret = g_strdup_printf ("%s-%s", what, uuid);

  rtx_test_record_secret (secret);
  return secret;
}

static void
create_credential (Fixture    *fixture,
                   const char *body)
{
  g_autoptr(ApiResponse) response = api_call (&fixture->api, "POST", "/api/v1/credentials",
                                              fixture->admin_key, body);

  g_assert_cmpuint (response->status, ==, 200);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *header = NULL;
  g_autofree char *bearer = NULL;

  api_fixture_setup (&fixture->api, data);
  fixture->admin_key = api_new_key (&fixture->api, "credentials admin", TRUE, 0);
  fixture->app = new_app (fixture, "Search helper");
  fixture->other_app = new_app (fixture, "Other app");

  fixture->header_value = new_secret ("sdk-header-value");
  fixture->token = new_secret ("sdk-bearer-token");
  header = g_strdup_printf ("{\"name\":\"search-api\",\"type\":\"http_header\",\"payload\":"
                            "{\"name\":\"X-Api-Key\",\"value\":\"%s\"}}", fixture->header_value);
  bearer = g_strdup_printf ("{\"name\":\"other-api\",\"type\":\"bearer\",\"payload\":"
                            "{\"token\":\"%s\"}}", fixture->token);
  create_credential (fixture, header);
  create_credential (fixture, bearer);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->app, rtx_local_app_free);
  g_clear_pointer (&fixture->other_app, rtx_local_app_free);
  g_clear_pointer (&fixture->admin_key, g_free);
  g_clear_pointer (&fixture->header_value, g_free);
  g_clear_pointer (&fixture->token, g_free);
  api_fixture_teardown (&fixture->api, data);
}

/* A request as the app sends it: its id in `x-app-id`, no key. */
static ApiResponse *
as_app (Fixture           *fixture,
        const RtxLocalApp *app,
        const char        *path)
{
  return api_call_full (&fixture->api, "GET", path, NULL, "application/json", NULL,
                        "x-app-id", app->id, NULL);
}

static void
assert_refused (ApiResponse *response,
                const char  *code,
                const char  *permission)
{
  JsonObject *body = api_object (response);

  g_assert_cmpuint (response->status, ==, 403);
  g_assert_cmpstr (json_object_get_string_member (body, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (body, "permission"), ==, permission);
}

typedef struct {
  gboolean     done;
  SoupMessage *msg;
  GBytes      *body;
  GError      *error;
} Pending;

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pending *pending = user_data;

  pending->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                     &pending->error);
  pending->done = TRUE;
}

/* Asks for @permission as the SDK does after PERMISSION_REQUIRED (a call that waits for the
 * person's answer), answers the prompt through the admin API as the window would, and returns
 * what the app is told. */
static gboolean
ask_and_answer (Fixture           *fixture,
                const RtxLocalApp *app,
                const char        *permission,
                gboolean           grant)
{
  g_autofree char *uri = api_url (&fixture->api, "/api/local-apps/request-permission");
  g_autofree char *request = g_strdup_printf ("{\"app_id\":\"%s\",\"app_name\":\"%s\","
                                              "\"permission\":\"%s\"}", app->id, app->name,
                                              permission);
  g_autoptr(GBytes) bytes = g_bytes_new (request, strlen (request));
  g_autoptr(JsonNode) answer = NULL;
  Pending pending = { 0 };
  const char *id = NULL;

  pending.msg = soup_message_new ("POST", uri);
  soup_message_set_request_body_from_bytes (pending.msg, "application/json", bytes);
  soup_session_send_and_read_async (fixture->api.session, pending.msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent_cb, &pending);

  /* The prompt shows up for the person: the same permission, the same app. */
  for (guint i = 0; i < 200 && id == NULL && !pending.done; i++) {
    g_autoptr(ApiResponse) prompts = api_call (&fixture->api, "GET",
                                               "/api/v1/local-apps/permission-requests",
                                               fixture->admin_key, NULL);

    g_assert_cmpuint (prompts->status, ==, 200);
    if (g_strcmp0 (api_path_string (prompts, "$.requests[0].permission"), permission) == 0) {
      g_assert_cmpstr (api_path_string (prompts, "$.requests[0].app_id"), ==, app->id);
      id = api_path_string (prompts, "$.requests[0].id");
    } else {
      g_usleep (20 * 1000);
    }
  }
  g_assert_nonnull (id);

  {
    g_autofree char *path = g_strdup_printf ("/api/v1/local-apps/permission-requests/%s", id);
    g_autoptr(ApiResponse) decided = api_call (&fixture->api, "POST", path, fixture->admin_key,
                                               grant ? "{\"granted\":true}"
                                                     : "{\"granted\":false}");

    g_assert_cmpuint (decided->status, ==, 200);
  }

  rtx_test_wait_for (&pending.done, 30000);
  g_assert_no_error (pending.error);
  g_assert_cmpuint (soup_message_get_status (pending.msg), ==, 200);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (pending.body, NULL),
                                       g_bytes_get_size (pending.body));

    answer = json_from_string (text, NULL);
  }
  g_bytes_unref (pending.body);
  g_object_unref (pending.msg);
  g_assert_nonnull (answer);
  return json_object_get_boolean_member (json_node_get_object (answer), "granted");
}

/* Like as_app(), for an answer that holds a secret: api_call() logs every body it gets, and
 * the suite's last test would rightly find the secret in the log. */
static ApiResponse *
read_quietly (Fixture           *fixture,
              const RtxLocalApp *app,
              const char        *path)
{
  g_autofree char *uri = api_url (&fixture->api, path);
  ApiResponse *response = g_new0 (ApiResponse, 1);
  Pending pending = { 0 };

  pending.msg = soup_message_new ("GET", uri);
  soup_message_headers_append (soup_message_get_request_headers (pending.msg), "x-app-id",
                               app->id);
  soup_session_send_and_read_async (fixture->api.session, pending.msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent_cb, &pending);
  rtx_test_wait_for (&pending.done, 30000);
  g_assert_no_error (pending.error);

  response->status = soup_message_get_status (pending.msg);
  response->text = g_strndup (g_bytes_get_data (pending.body, NULL),
                              g_bytes_get_size (pending.body));
  response->json = json_from_string (response->text, NULL);
  g_bytes_unref (pending.body);
  g_object_unref (pending.msg);
  return response;
}

static int
reads_by (Fixture           *fixture,
          const RtxLocalApp *app)
{
  RtxDb *db = rtx_runtime_get_db (fixture->api.runtime);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, "SELECT count(*) FROM audit_log WHERE action ="
                                                " 'credential.read' AND surface = 'sdk'"
                                                " AND actor = ?1", NULL);
  g_autofree char *actor = g_strdup_printf ("app:%s", app->name);
  gboolean have_row = FALSE;

  sqlite3_bind_text (stmt, 1, actor, -1, SQLITE_TRANSIENT);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, NULL));
  return sqlite3_column_int (stmt, 0);
}

/* Without the grant: PERMISSION_REQUIRED for that very credential; after the person grants it,
 * the app reads exactly that one, and no other, and no other app reads it. */
static void
test_grant_reads_that_credential (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(ApiResponse) before = as_app (fixture, fixture->app, "/sdk/credentials/search-api");
  g_autoptr(ApiResponse) read = NULL;
  g_autoptr(ApiResponse) other = NULL;
  g_autoptr(ApiResponse) other_app = NULL;
  JsonObject *body;
  JsonObject *payload;

  assert_refused (before, "PERMISSION_REQUIRED", "credentials.read:search-api");
  g_assert_null (strstr (before->text, fixture->header_value));
  g_assert_cmpint (reads_by (fixture, fixture->app), ==, 0);

  g_assert_true (ask_and_answer (fixture, fixture->app, "credentials.read:search-api", TRUE));

  read = read_quietly (fixture, fixture->app, "/sdk/credentials/search-api");
  g_assert_cmpuint (read->status, ==, 200);
  body = api_object (read);
  g_assert_true (json_object_get_boolean_member (body, "success"));
  g_assert_cmpstr (json_object_get_string_member (body, "name"), ==, "search-api");
  g_assert_cmpstr (json_object_get_string_member (body, "type"), ==, "http_header");
  payload = json_object_get_object_member (body, "payload");
  g_assert_cmpuint (json_object_get_size (payload), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (payload, "name"), ==, "X-Api-Key");
  g_assert_cmpstr (json_object_get_string_member (payload, "value"), ==, fixture->header_value);
  g_assert_cmpint (reads_by (fixture, fixture->app), ==, 1);

  other = as_app (fixture, fixture->app, "/sdk/credentials/other-api");
  assert_refused (other, "PERMISSION_REQUIRED", "credentials.read:other-api");
  g_assert_null (strstr (other->text, fixture->token));

  other_app = as_app (fixture, fixture->other_app, "/sdk/credentials/search-api");
  assert_refused (other_app, "PERMISSION_REQUIRED", "credentials.read:search-api");
  g_assert_null (strstr (other_app->text, fixture->header_value));

  g_assert_cmpint (reads_by (fixture, fixture->app), ==, 1);
  g_assert_cmpint (reads_by (fixture, fixture->other_app), ==, 0);
}

/* A refusal is remembered: the route keeps saying PERMISSION_REQUIRED (the SDK's /sdk/ modules
 * need that), and asking again is answered false at once from the stored decision. */
static void
test_denied (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(ApiResponse) after = NULL;
  g_autoptr(ApiResponse) again = NULL;

  g_assert_false (ask_and_answer (fixture, fixture->app, "credentials.read:other-api", FALSE));
  after = as_app (fixture, fixture->app, "/sdk/credentials/other-api");
  assert_refused (after, "PERMISSION_REQUIRED", "credentials.read:other-api");

  {
    g_autofree char *body = g_strdup_printf ("{\"app_id\":\"%s\",\"permission\":"
                                             "\"credentials.read:other-api\"}",
                                             fixture->app->id);

    again = api_call (&fixture->api, "POST", "/api/local-apps/request-permission", NULL, body);
  }
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_false (json_object_get_boolean_member (api_object (again), "granted"));
  g_assert_cmpint (reads_by (fixture, fixture->app), ==, 0);
}

/* Development mode never reads a credential: not an ordinary key, not an administrator key,
 * not a key sent along with a granted app's id (a key decides the mode). */
static void
test_keys_refused (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *permissions[] = { "credentials.read:search-api", "credentials.list", NULL };
  g_autoptr(GError) error = NULL;
  const char *keys[] = { fixture->api.key, fixture->admin_key };
  g_autoptr(ApiResponse) anonymous = NULL;

  rtx_local_apps_set_decisions (rtx_runtime_get_local_apps (fixture->api.runtime),
                                fixture->app->id, permissions, RTX_PERMISSION_GRANTED,
                                &test_actor, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
    g_autoptr(ApiResponse) bearer = api_call (&fixture->api, "GET",
                                              "/sdk/credentials/search-api", keys[i], NULL);
    g_autoptr(ApiResponse) header = api_call_full (&fixture->api, "GET",
                                                   "/sdk/credentials/search-api", NULL,
                                                   "application/json", NULL,
                                                   "x-api-key", keys[i], NULL);
    g_autoptr(ApiResponse) both = api_call_full (&fixture->api, "GET",
                                                 "/sdk/credentials/search-api", keys[i],
                                                 "application/json", NULL,
                                                 "x-app-id", fixture->app->id, NULL);
    g_autoptr(ApiResponse) list = api_call (&fixture->api, "GET", "/sdk/credentials", keys[i],
                                            NULL);

    assert_refused (bearer, "PERMISSION_DENIED", "credentials.read:search-api");
    assert_refused (header, "PERMISSION_DENIED", "credentials.read:search-api");
    assert_refused (both, "PERMISSION_DENIED", "credentials.read:search-api");
    assert_refused (list, "PERMISSION_DENIED", "credentials.list");
    g_assert_null (strstr (bearer->text, fixture->header_value));
    g_assert_null (strstr (both->text, fixture->header_value));
  }

  anonymous = api_call (&fixture->api, "GET", "/sdk/credentials/search-api", NULL, NULL);
  g_assert_cmpuint (anonymous->status, ==, 401);
  g_assert_cmpstr (json_object_get_string_member (api_object (anonymous), "code"), ==,
                   "MISSING_APP_ID");
  g_assert_cmpint (reads_by (fixture, fixture->app), ==, 0);
}

/* `credentials.list`: names and types, never a payload. */
static void
test_list_names (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ApiResponse) before = as_app (fixture, fixture->app, "/sdk/credentials");
  g_autoptr(ApiResponse) listed = NULL;
  JsonArray *credentials;

  assert_refused (before, "PERMISSION_REQUIRED", "credentials.list");
  g_assert_true (ask_and_answer (fixture, fixture->app, "credentials.list", TRUE));

  listed = as_app (fixture, fixture->app, "/sdk/credentials");
  g_assert_cmpuint (listed->status, ==, 200);
  credentials = json_object_get_array_member (api_object (listed), "credentials");
  g_assert_cmpuint (json_array_get_length (credentials), ==, 2);
  g_assert_cmpstr (api_path_string (listed, "$.credentials[0].name"), ==, "other-api");
  g_assert_cmpstr (api_path_string (listed, "$.credentials[0].type"), ==, "bearer");
  g_assert_cmpstr (api_path_string (listed, "$.credentials[1].name"), ==, "search-api");
  g_assert_null (strstr (listed->text, "payload"));
  g_assert_null (strstr (listed->text, fixture->header_value));
  g_assert_null (strstr (listed->text, fixture->token));

  /* Listing reads no secret, and grants no read. */
  g_assert_cmpint (reads_by (fixture, fixture->app), ==, 0);
  {
    g_autoptr(ApiResponse) read = as_app (fixture, fixture->app, "/sdk/credentials/search-api");

    assert_refused (read, "PERMISSION_REQUIRED", "credentials.read:search-api");
  }
}

/* A grant outlives its credential only as a 404; a name that could not be a credential is a
 * 400 before any permission is looked up. */
static void
test_gone_and_bad_names (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *permissions[] = { "credentials.read:search-api", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(ApiResponse) deleted = NULL;
  g_autoptr(ApiResponse) gone = NULL;
  g_autoptr(ApiResponse) bad = NULL;

  rtx_local_apps_set_decisions (rtx_runtime_get_local_apps (fixture->api.runtime),
                                fixture->app->id, permissions, RTX_PERMISSION_GRANTED,
                                &test_actor, &error);
  g_assert_no_error (error);

  deleted = api_call (&fixture->api, "DELETE", "/api/v1/credentials/search-api",
                      fixture->admin_key, NULL);
  g_assert_cmpuint (deleted->status, ==, 200);
  gone = as_app (fixture, fixture->app, "/sdk/credentials/search-api");
  g_assert_cmpuint (gone->status, ==, 404);
  g_assert_cmpstr (json_object_get_string_member (api_object (gone), "code"), ==, "NOT_FOUND");

  bad = as_app (fixture, fixture->app, "/sdk/credentials/has%20space");
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_false (json_object_get_boolean_member (api_object (bad), "success"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/api/sdk-credentials/" path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)

  ADD ("grant-reads-that-credential", test_grant_reads_that_credential);
  ADD ("denied", test_denied);
  ADD ("keys-refused", test_keys_refused);
  ADD ("list-names", test_list_names);
  ADD ("gone-and-bad-names", test_gone_and_bad_names);

#undef ADD

  return g_test_run ();
}
