/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsoup/soup.h>

#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-router.h"
#include "rtx-runtime.h"
#include "rtx-server.h"
#include "rtx-server-private.h"
#include "rtx-test-utils.h"

/* `x-rtx-permission`, enforced by the server before any handler, with the 403 bodies that
 * every SDK module family understands (local-app-protocol.md §2.8). The SDK's module routes
 * arrive with a later issue, so this serves a small document of its own with guarded
 * operations of each family; a guarded handler answers only when the server let it run. */

static const RtxActor test_actor = { "tester", "cli" };

#define SDK_SECURITY "[{\"AppId\":[]},{\"BearerAuth\":[]},{\"ApiKeyHeader\":[]}]," \
  "\"responses\":{\"200\":{\"description\":\"ok\",\"content\":{\"application/json\":" \
  "{\"schema\":{\"type\":\"object\",\"required\":[\"success\"]}}}}}"

static const char document[] =
  "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{"
  "\"/sdk/llm/chat\":{\"post\":{\"operationId\":\"guardedSdk\",\"x-rtx-surface\":\"sdk\","
  "  \"x-rtx-permission\":\"llm.chat\",\"security\":" SDK_SECURITY "}},"
  "\"/agents\":{\"get\":{\"operationId\":\"guardedAgents\",\"x-rtx-surface\":\"sdk\","
  "  \"x-rtx-permission\":\"api.agents\",\"security\":" SDK_SECURITY "}},"
  "\"/sdk/credentials\":{\"get\":{\"operationId\":\"guardedCredentials\","
  "  \"x-rtx-surface\":\"sdk\",\"x-rtx-permission\":\"credentials.read\","
  "  \"security\":" SDK_SECURITY "}}}}";

static guint handler_runs;

static void
handle_guarded (RtxRequest *req)
{
  g_autoptr(JsonNode) body = json_from_string ("{\"success\":true}", NULL);

  handler_runs++;
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static const RtxHandlerBinding guarded[] = {
  { "guardedSdk", handle_guarded },
  { "guardedAgents", handle_guarded },
  { "guardedCredentials", handle_guarded },
  { NULL, NULL },
};

static const RtxHandlerBinding * const areas[] = { guarded, NULL };

typedef struct {
  char        *data_dir;
  RtxRuntime  *runtime;
  RtxServer   *server;
  SoupSession *session;
  RtxLocalApp *app;
  char        *key;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRouter) router = rtx_router_new_from_data (document, -1, areas, &error);
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;

  g_assert_no_error (error);
  fixture->data_dir = rtx_test_data_dir_new ("api-local-apps");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);

  fixture->server = rtx_server_new (fixture->runtime);
  rtx_server_set_router (fixture->server, router);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  fixture->session = soup_session_new_with_options ("timeout", 10, NULL);

  spec->name = g_strdup ("Guarded app");
  fixture->app = rtx_local_apps_create (rtx_runtime_get_local_apps (fixture->runtime), spec,
                                        &test_actor, &error);
  g_assert_no_error (error);

  key = rtx_api_keys_create (rtx_runtime_get_api_keys (fixture->runtime), "dev", FALSE,
                             &test_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  fixture->key = g_strdup (secret);
  handler_runs = 0;
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
  g_clear_pointer (&fixture->app, rtx_local_app_free);
  g_clear_pointer (&fixture->key, g_free);
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

/* Sends a request with one credential header and returns the status; *out_body the body. */
static guint
call (Fixture     *fixture,
      const char  *method,
      const char  *path,
      const char  *header,
      const char  *value,
      char       **out_body)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          rtx_server_get_port (fixture->server), path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Exchange exchange = { 0 };

  soup_message_headers_append (soup_message_get_request_headers (msg), "Content-Type",
                               "application/json");
  if (header != NULL)
    soup_message_headers_append (soup_message_get_request_headers (msg), header, value);
  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent_cb, &exchange);
  rtx_test_wait_for (&exchange.done, 10000);
  g_assert_no_error (exchange.error);

  *out_body = g_strndup (g_bytes_get_data (exchange.body, NULL), g_bytes_get_size (exchange.body));
  g_bytes_unref (exchange.body);
  return soup_message_get_status (msg);
}

static void
decide (Fixture            *fixture,
        const char         *permission,
        RtxPermissionState  state)
{
  const char *permissions[] = { permission, NULL };
  g_autoptr(GError) error = NULL;

  rtx_local_apps_set_decisions (rtx_runtime_get_local_apps (fixture->runtime), fixture->app->id,
                                permissions, state, &test_actor, &error);
  g_assert_no_error (error);
}

static void
assert_call (Fixture    *fixture,
             const char *method,
             const char *path,
             const char *header,
             const char *value,
             guint       status,
             const char *body)
{
  g_autofree char *got = NULL;

  g_test_message ("%s %s", method, path);
  g_assert_cmpuint (call (fixture, method, path, header, value, &got), ==, status);
  g_assert_cmpstr (got, ==, body);
}

#define REQUIRED(p) \
  "{\"success\":false,\"error\":\"PERMISSION_REQUIRED\",\"code\":\"PERMISSION_REQUIRED\"," \
  "\"permission\":\"" p "\",\"message\":\"This app needs the permission '" p "'\"}"
#define DENIED(p) \
  "{\"success\":false,\"error\":\"PERMISSION_DENIED\",\"code\":\"PERMISSION_DENIED\"," \
  "\"permission\":\"" p "\",\"message\":\"Permission '" p "' was denied\"}"
#define OK "{\"success\":true}"

/* Undecided → PERMISSION_REQUIRED; granted → served; denied → PERMISSION_DENIED for families
 * A and B, but PERMISSION_REQUIRED on /sdk/ routes (whose modules would otherwise throw a
 * plain error), and request-permission then answers false from the stored denial. */
static void
test_permission_states (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *id = fixture->app->id;

  assert_call (fixture, "POST", "/sdk/llm/chat", "x-app-id", id, 403, REQUIRED ("llm.chat"));
  assert_call (fixture, "GET", "/agents", "x-app-id", id, 403, REQUIRED ("api.agents"));
  g_assert_cmpuint (handler_runs, ==, 0);

  decide (fixture, "llm.chat", RTX_PERMISSION_GRANTED);
  decide (fixture, "api.agents", RTX_PERMISSION_GRANTED);
  assert_call (fixture, "POST", "/sdk/llm/chat", "x-app-id", id, 200, OK);
  assert_call (fixture, "GET", "/agents", "x-app-id", id, 200, OK);
  /* The SDK's LLM module asks for //sdk/... when its base URL ends with a slash. */
  assert_call (fixture, "POST", "//sdk/llm/chat", "x-app-id", id, 200, OK);
  g_assert_cmpuint (handler_runs, ==, 3);

  decide (fixture, "llm.chat", RTX_PERMISSION_DENIED);
  decide (fixture, "api.agents", RTX_PERMISSION_DENIED);
  assert_call (fixture, "POST", "/sdk/llm/chat", "x-app-id", id, 403, REQUIRED ("llm.chat"));
  assert_call (fixture, "GET", "/agents", "x-app-id", id, 403, DENIED ("api.agents"));

  decide (fixture, "api.agents", RTX_PERMISSION_UNDECIDED);
  assert_call (fixture, "GET", "/agents", "x-app-id", id, 403, REQUIRED ("api.agents"));
  g_assert_cmpuint (handler_runs, ==, 3);
}

/* Development mode: every SDK permission but credentials, without any decision. */
static void
test_permission_dev_mode (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", fixture->key);

  assert_call (fixture, "POST", "/sdk/llm/chat", "Authorization", bearer, 200, OK);
  assert_call (fixture, "GET", "/agents", "x-api-key", fixture->key, 200, OK);
  assert_call (fixture, "GET", "/sdk/credentials", "Authorization", bearer, 403,
               "{\"success\":false,\"error\":\"PERMISSION_DENIED\",\"code\":\"PERMISSION_DENIED\","
               "\"permission\":\"credentials.read\",\"message\":\"API keys never read "
               "credentials; grant them to a local app\"}");
  g_assert_cmpuint (handler_runs, ==, 2);

  /* A granted app reads them. */
  decide (fixture, "credentials.read", RTX_PERMISSION_GRANTED);
  assert_call (fixture, "GET", "/sdk/credentials", "x-app-id", fixture->app->id, 200, OK);
}

/* No identity and unknown ids never reach the permission check or the handler. */
static void
test_permission_needs_identity (Fixture       *fixture,
                                gconstpointer  data)
{
  assert_call (fixture, "GET", "/agents", NULL, NULL, 401,
               "{\"success\":false,\"error\":\"Missing required header: x-app-id\","
               "\"code\":\"MISSING_APP_ID\"}");
  assert_call (fixture, "GET", "/agents", "x-app-id", "00000000-0000-4000-8000-000000000000", 401,
               "{\"success\":false,\"error\":\"Invalid app ID: "
               "00000000-0000-4000-8000-000000000000\",\"code\":\"INVALID_APP_ID\"}");
  assert_call (fixture, "GET", "/agents", "Authorization", "Bearer rtx_bad", 401,
               "{\"success\":false,\"error\":\"Missing required header: x-app-id\","
               "\"code\":\"MISSING_APP_ID\"}");
  g_assert_cmpuint (handler_runs, ==, 0);
}

/* The router checks the extension where it is declared. */
static void
test_permission_extension_checked (void)
{
  static const char * const bad[] = {
    /* not on the SDK surface */
    "{\"openapi\":\"3.1.0\",\"paths\":{\"/api/v1/x\":{\"get\":{\"operationId\":\"guardedSdk\","
    "\"x-rtx-surface\":\"standard\",\"x-rtx-permission\":\"llm.chat\","
    "\"security\":[{\"BearerAuth\":[]}]}}}}",
    /* not a string */
    "{\"openapi\":\"3.1.0\",\"paths\":{\"/sdk/x\":{\"get\":{\"operationId\":\"guardedSdk\","
    "\"x-rtx-surface\":\"sdk\",\"x-rtx-permission\":true,\"security\":" SDK_SECURITY "}}}}",
    /* an app id in the body, with a credential scheme */
    "{\"openapi\":\"3.1.0\",\"paths\":{\"/sdk/x\":{\"post\":{\"operationId\":\"guardedSdk\","
    "\"x-rtx-surface\":\"sdk\",\"x-rtx-app-id-in-body\":true,\"security\":" SDK_SECURITY "}}}}",
    /* a permission that names a parameter the path does not have */
    "{\"openapi\":\"3.1.0\",\"paths\":{\"/sdk/x/{name}\":{\"get\":{\"operationId\":\"guardedSdk\","
    "\"x-rtx-surface\":\"sdk\",\"x-rtx-permission\":\"credentials.read:{id}\","
    "\"security\":" SDK_SECURITY "}}}}",
    /* no credential on the SDK surface without saying where the app id is */
    "{\"openapi\":\"3.1.0\",\"paths\":{\"/sdk/x\":{\"post\":{\"operationId\":\"guardedSdk\","
    "\"x-rtx-surface\":\"sdk\",\"security\":[]}}}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(RtxRouter) router = rtx_router_new_from_data (bad[i], -1, areas, &error);

    g_test_message ("%s", bad[i]);
    g_assert_null (router);
    g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/local-apps/permission-states", test_permission_states);
  ADD ("/rtx/api/local-apps/permission-dev-mode", test_permission_dev_mode);
  ADD ("/rtx/api/local-apps/permission-needs-identity", test_permission_needs_identity);
#undef ADD
  g_test_add_func ("/rtx/api/local-apps/permission-extension-checked",
                   test_permission_extension_checked);

  return g_test_run ();
}
