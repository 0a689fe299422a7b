/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <libsoup/soup.h>

#include "rtx-auth.h"
#include "rtx-error.h"
#include "rtx-reply.h"
#include "rtx-runtime.h"
#include "rtx-server.h"
#include "rtx-server-private.h"
#include "rtx-test-utils.h"

/* A live server on port 0 and a SoupSession client, both on this thread's main context: the
 * client sends asynchronously and the test iterates the context until the answer is in, so
 * the server gets to run in between. */

#define STANDARD_REFUSAL "{\"success\":false,\"error\":\"No valid api key found.\"}"

static const RtxActor test_actor = { "tester", "cli" };

typedef struct {
  char        *data_dir;
  RtxRuntime  *runtime;
  RtxServer   *server;
  SoupSession *session;
} Fixture;

typedef struct {
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
  GError             *error;
} Response;

static void
response_free (Response *response)
{
  g_free (response->body);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_error (&response->error);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("api-server");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);

  fixture->server = rtx_server_new (fixture->runtime);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rtx_server_get_port (fixture->server), >, 0);

  fixture->session = soup_session_new_with_options ("timeout", 10, NULL);
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

/* Sends a request to host:port and waits for the whole answer. The variable arguments are
 * header name/value pairs, ending with NULL. */
static Response *
fetch_va (SoupSession *session,
          const char  *host,
          guint16      port,
          const char  *method,
          const char  *path,
          va_list      args)
{
  g_autofree char *uri = g_strdup_printf ("http://%s:%u%s", host, port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Response *response = g_new0 (Response, 1);
  Exchange exchange = { 0 };
  const char *name;

  g_assert_nonnull (msg);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_append (soup_message_get_request_headers (msg), name,
                                 va_arg (args, const char *));

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb,
                                    &exchange);
  rtx_test_wait_for (&exchange.done, 10000);

  response->error = exchange.error;
  if (exchange.body != NULL) {
    response->body = g_strndup (g_bytes_get_data (exchange.body, NULL),
                                g_bytes_get_size (exchange.body));
    g_bytes_unref (exchange.body);
  }
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return response;
}

static Response *
fetch (Fixture    *fixture,
       const char *method,
       const char *path,
       ...)
{
  Response *response;
  va_list args;

  va_start (args, path);
  response = fetch_va (fixture->session, "127.0.0.1", rtx_server_get_port (fixture->server),
                       method, path, args);
  va_end (args);

  g_assert_no_error (response->error);
  return response;
}

/* Like fetch(), to any host and port, and without asserting that a response came. */
static Response *
fetch_at (SoupSession *session,
          const char  *host,
          guint16      port,
          const char  *method,
          const char  *path,
          ...)
{
  Response *response;
  va_list args;

  va_start (args, path);
  response = fetch_va (session, host, port, method, path, args);
  va_end (args);

  return response;
}

static void
assert_json_headers (Response *response)
{
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Type"), ==,
                   "application/json; charset=utf-8");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Cache-Control"), ==,
                   "no-store");
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "X-Content-Type-Options"),
                   ==, "nosniff");
}

static void
assert_refused (Fixture    *fixture,
                const char *header,
                const char *value)
{
  g_autoptr(Response) response = fetch (fixture, "GET", "/api/v1/auth", header, value, NULL);

  g_test_message ("refused? %s", header != NULL ? header : "(no header)");
  g_assert_cmpuint (response->status, ==, 403);
  g_assert_cmpstr (response->body, ==, STANDARD_REFUSAL);
  assert_json_headers (response);
}

static RtxApiKey *
create_key (Fixture    *fixture,
            const char *name,
            RtxSecret **out_secret)
{
  RtxApiKeys *keys = rtx_runtime_get_api_keys (fixture->runtime);
  g_autoptr(GError) error = NULL;
  RtxApiKey *key = rtx_api_keys_create (keys, name, FALSE, &test_actor, out_secret, &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_nonnull (*out_secret);
  rtx_test_record_key (*out_secret);
  return key;
}

static gboolean
host_has_ipv6_loopback (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  return socket != NULL && g_socket_bind (socket, address, TRUE, NULL);
}

/* ---- Routes ------------------------------------------------------------------------------ */

static void
test_ping (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(Response) response = fetch (fixture, "GET", "/api/ping", NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->body, ==, "{\"online\":true}");
  assert_json_headers (response);
  g_assert_null (soup_message_headers_get_one (response->headers, "Server"));
}

static void
test_head_ping (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Response) response = fetch (fixture, "HEAD", "/api/ping", NULL);

  /* libsoup answers HEAD with the GET response's headers and no body. */
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_true (response->body == NULL || response->body[0] == '\0');
  g_assert_cmpstr (soup_message_headers_get_one (response->headers, "Content-Length"), ==, "15");
  assert_json_headers (response);
}

static void
test_auth_bearer (Fixture       *fixture,
                  gconstpointer  data)
{
  RtxApiKeys *keys = rtx_runtime_get_api_keys (fixture->runtime);
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create_key (fixture, "bearer", &secret);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", secret);
  g_autofree char *lower = g_strdup_printf ("bearer %s", secret);
  g_autofree char *upper = g_strdup_printf ("BEARER %s", secret);
  const char *values[] = { bearer, lower, upper };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    guint64 lookups = rtx_api_keys_get_lookup_count (keys);
    g_autoptr(Response) response = fetch (fixture, "GET", "/api/v1/auth",
                                          "Authorization", values[i], NULL);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (response->body, ==, "{\"authenticated\":true}");
    assert_json_headers (response);
    /* The database is read for the first request only; later ones reuse its verdict, since
     * nothing about keys or users changed in between. */
    g_assert_cmpuint (rtx_api_keys_get_lookup_count (keys), ==, lookups + (i == 0 ? 1 : 0));
  }
}

static void
test_auth_x_api_key (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create_key (fixture, "header", &secret);
  g_autoptr(Response) response = fetch (fixture, "GET", "/api/v1/auth",
                                        "x-api-key", secret, NULL);
  g_autoptr(Response) both = fetch (fixture, "GET", "/api/v1/auth",
                                    "Authorization", "Basic dXNlcjpwYXNz",
                                    "x-api-key", secret, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->body, ==, "{\"authenticated\":true}");
  /* A non-Bearer Authorization is no credential, so x-api-key still counts. */
  g_assert_cmpuint (both->status, ==, 200);
}

static void
test_auth_refused (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create_key (fixture, "refused", &secret);
  g_autofree char *two_spaces = g_strdup_printf ("Bearer  %s", secret);
  g_autofree char *two_words = g_strdup_printf ("Bearer %s extra", secret);
  g_autofree char *token_scheme = g_strdup_printf ("Token %s", secret);
  g_autofree char *no_space = g_strdup_printf ("Bearer%s", secret);
  g_autofree char *basic_key = g_strdup_printf ("Basic %s", secret);

  assert_refused (fixture, NULL, NULL);
  assert_refused (fixture, "Authorization", "Bearer");
  assert_refused (fixture, "Authorization", "Bearer ");
  assert_refused (fixture, "Authorization", "Bearer garbage");
  assert_refused (fixture, "Authorization", "Bearer rtx_0000000000000000000000000000000000000000000000");
  assert_refused (fixture, "Authorization", "Basic dXNlcjpwYXNz");
  assert_refused (fixture, "Authorization", basic_key);
  assert_refused (fixture, "Authorization", two_spaces);
  assert_refused (fixture, "Authorization", two_words);
  assert_refused (fixture, "Authorization", token_scheme);
  assert_refused (fixture, "Authorization", no_space);
  assert_refused (fixture, "x-api-key", "");
  assert_refused (fixture, "x-api-key", "garbage");
  /* The key belongs in the header, not in the query. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/auth?apiKey=%s", secret);
    g_autoptr(Response) response = fetch (fixture, "GET", path, NULL);

    g_assert_cmpuint (response->status, ==, 403);
  }
}

static void
test_auth_typo_without_lookup (Fixture       *fixture,
                               gconstpointer  data)
{
  RtxApiKeys *keys = rtx_runtime_get_api_keys (fixture->runtime);
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create_key (fixture, "typo", &secret);
  g_autofree char *typo = g_strdup (secret);
  g_autofree char *bearer = NULL;
  guint64 lookups;
  gsize middle = strlen (typo) / 2;

  typo[middle] = typo[middle] == 'a' ? 'b' : 'a';
  bearer = g_strdup_printf ("Bearer %s", typo);

  lookups = rtx_api_keys_get_lookup_count (keys);
  assert_refused (fixture, "Authorization", bearer);
  assert_refused (fixture, "x-api-key", typo);
  g_assert_cmpuint (rtx_api_keys_get_lookup_count (keys), ==, lookups);
}

static void
test_auth_deactivated (Fixture       *fixture,
                       gconstpointer  data)
{
  RtxApiKeys *keys = rtx_runtime_get_api_keys (fixture->runtime);
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create_key (fixture, "deactivated", &secret);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", secret);
  g_autoptr(GError) error = NULL;
  g_autoptr(Response) before = fetch (fixture, "GET", "/api/v1/auth",
                                      "Authorization", bearer, NULL);

  g_assert_cmpuint (before->status, ==, 200);

  g_assert_true (rtx_api_keys_deactivate (keys, key->id, &test_actor, &error));
  g_assert_no_error (error);

  /* The very next request, on the same keep-alive connection. */
  assert_refused (fixture, "Authorization", bearer);
  assert_refused (fixture, "x-api-key", secret);
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  static const struct {
    const char *path;
    const char *body;
  } cases[] = {
    { "/api/v1/nope", "{\"success\":false,\"error\":\"Not found\"}" },
    { "/nope", "{\"success\":false,\"error\":\"Not found\"}" },
    { "/api/ping/", "{\"success\":false,\"error\":\"Not found\"}" },
    { "/api/v1/auth%2Fx", "{\"success\":false,\"error\":\"Not found\"}" },
    { "/api/v1/openai/nope",
      "{\"error\":{\"message\":\"Not found\",\"type\":\"invalid_request_error\","
      "\"param\":null,\"code\":\"not_found\"}}" },
    { "/sdk/nope", "{\"success\":false,\"error\":\"Not found\",\"code\":\"NOT_FOUND\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(Response) response = fetch (fixture, "GET", cases[i].path, NULL);

    g_test_message ("%s", cases[i].path);
    g_assert_cmpuint (response->status, ==, 404);
    g_assert_cmpstr (response->body, ==, cases[i].body);
    assert_json_headers (response);
  }
}

static void
test_method_not_allowed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(Response) post = fetch (fixture, "POST", "/api/ping", NULL);
  g_autoptr(Response) delete = fetch (fixture, "DELETE", "/api/v1/auth", NULL);

  g_assert_cmpuint (post->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Allow"), ==, "GET");
  g_assert_cmpstr (post->body, ==,
                   "{\"success\":false,\"error\":\"Method not allowed. Allowed: GET\"}");
  assert_json_headers (post);

  /* The method is checked before the credential. */
  g_assert_cmpuint (delete->status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (delete->headers, "Allow"), ==, "GET");
}

static void
test_auth_duplicate_headers (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create_key (fixture, "duplicate", &secret);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", secret);
  g_autoptr(Response) two_auth = fetch (fixture, "GET", "/api/v1/auth",
                                        "Authorization", bearer,
                                        "Authorization", "Bearer garbage", NULL);
  g_autoptr(Response) two_auth_reversed = fetch (fixture, "GET", "/api/v1/auth",
                                                 "Authorization", "Bearer garbage",
                                                 "Authorization", bearer, NULL);
  g_autoptr(Response) two_x_api_key = fetch (fixture, "GET", "/api/v1/auth",
                                             "x-api-key", secret,
                                             "x-api-key", secret, NULL);

  /* A request that carries two credentials is not guessed at. */
  g_assert_cmpuint (two_auth->status, ==, 403);
  g_assert_cmpuint (two_auth_reversed->status, ==, 403);
  g_assert_cmpuint (two_x_api_key->status, ==, 403);
}

static void
test_auth_parse_bearer (void)
{
  static const struct {
    const char *header;
    const char *token;
  } cases[] = {
    { "Bearer abc", "abc" },
    { "bearer abc", "abc" },
    { "BeArEr rtx_x", "rtx_x" },
    { "Bearer", NULL },
    { "Bearer ", NULL },
    { "Bearer  abc", NULL },
    { "Bearer abc ", NULL },
    { "Bearer abc def", NULL },
    { "Bearer\tabc", NULL },
    { "Bearerabc", NULL },
    { "Basic abc", NULL },
    { "Bearer abc, Bearer def", NULL },
    { "Bearer ab\x01" "c", NULL },
    { "Bearer caf\xc3\xa9", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (rtx_auth_parse_bearer (cases[i].header), ==, cases[i].token);
}

static RtxOperation *
operation_with_security (const char *surface,
                         const char *security)
{
  g_autofree char *text = g_strdup_printf ("{\"operationId\":\"t\",\"x-rtx-surface\":\"%s\","
                                           "\"security\":%s}", surface, security);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(JsonObject) path_item = json_object_new ();
  g_autoptr(GError) error = NULL;
  RtxOperation *operation;

  g_assert_nonnull (node);
  operation = rtx_operation_new_from_json ("GET", "/t", path_item, json_node_get_object (node),
                                           NULL, &error);
  g_assert_no_error (error);
  return operation;
}

static gboolean
authenticates (Fixture      *fixture,
               RtxOperation *operation,
               const char   *header,
               const char   *value)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_auto(RtxCaller) caller = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (header != NULL)
    soup_message_headers_append (headers, header, value);

  ok = rtx_auth_authenticate (fixture->runtime, headers, NULL, NULL, operation, &caller, &error);
  if (!ok) {
    g_assert_error (error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED);
    g_assert_null (caller.key);
    g_assert_null (caller.app);
  } else if (!rtx_operation_is_public (operation)) {
    g_assert_nonnull (caller.key);
  }

  return ok;
}

/* Each operation accepts exactly the credentials its security lists. */
static void
test_auth_schemes (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create_key (fixture, "schemes", &secret);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", secret);
  g_autoptr(RtxOperation) bearer_only = operation_with_security ("openai",
                                                                 "[{\"BearerAuth\":[]}]");
  g_autoptr(RtxOperation) header_only = operation_with_security ("sdk",
                                                                 "[{\"ApiKeyHeader\":[]}]");
  g_autoptr(RtxOperation) app_only = operation_with_security ("sdk", "[{\"AppId\":[]}]");
  g_autoptr(RtxOperation) open = operation_with_security ("public", "[]");

  g_assert_true (authenticates (fixture, bearer_only, "Authorization", bearer));
  g_assert_false (authenticates (fixture, bearer_only, "x-api-key", secret));
  g_assert_false (authenticates (fixture, bearer_only, NULL, NULL));

  g_assert_true (authenticates (fixture, header_only, "x-api-key", secret));
  g_assert_false (authenticates (fixture, header_only, "Authorization", bearer));

  g_assert_false (authenticates (fixture, app_only, "Authorization", bearer));
  g_assert_false (authenticates (fixture, app_only, "x-api-key", secret));
  g_assert_false (authenticates (fixture, app_only, "x-app-id", secret));

  g_assert_true (authenticates (fixture, open, NULL, NULL));
  g_assert_true (authenticates (fixture, open, "Authorization", "Bearer garbage"));
}

/* ---- Raw HTTP ---------------------------------------------------------------------------- */

/* Requests a client library would refuse or rewrite are sent over a plain socket from a
 * thread, while this thread's main context serves them. */
typedef struct {
  guint16   port;
  char     *request;
  GString  *reply;
  gboolean  done;
} RawExchange;

static gboolean
raw_done_cb (gpointer user_data)
{
  RawExchange *raw = user_data;

  raw->done = TRUE;
  return G_SOURCE_REMOVE;
}

static gpointer
raw_thread (gpointer user_data)
{
  RawExchange *raw = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", raw->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             raw->request, strlen (raw->request), NULL, NULL, &error);
  g_assert_no_error (error);

  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (raw->reply, buffer, n);

  g_idle_add (raw_done_cb, raw);
  return NULL;
}

/* Sends @request (which should ask for `Connection: close`) and returns the whole reply. */
static char *
raw_fetch (Fixture    *fixture,
           const char *request)
{
  RawExchange raw = { 0 };
  GThread *thread;

  raw.port = rtx_server_get_port (fixture->server);
  raw.request = (char *) request;
  raw.reply = g_string_new (NULL);

  thread = g_thread_new ("raw-client", raw_thread, &raw);
  rtx_test_wait_for (&raw.done, 10000);
  g_thread_join (thread);

  return g_string_free (raw.reply, FALSE);
}

/* @request may contain "%u" where the server's port goes (in the Host header). */
static void
assert_raw (Fixture    *fixture,
            const char *request,
            const char *status_line,
            const char *body)
{
  g_autoptr(GString) text = g_string_new (request);
  g_autofree char *port = g_strdup_printf ("%u", rtx_server_get_port (fixture->server));
  g_autofree char *reply = NULL;
  g_autofree char *escaped = NULL;
  const char *reply_body;

  g_string_replace (text, "%u", port, 0);
  reply = raw_fetch (fixture, text->str);
  reply_body = strstr (reply, "\r\n\r\n");
  escaped = g_strescape (text->str, NULL);

  g_test_message ("%s", escaped);
  g_assert_true (g_str_has_prefix (reply, status_line));
  g_assert_nonnull (reply_body);
  g_assert_cmpstr (reply_body + 4, ==, body);
}

static void
test_raw_requests (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char not_found[] = "{\"success\":false,\"error\":\"Not found\"}";

  assert_raw (fixture, "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
              "HTTP/1.1 404", not_found);
  assert_raw (fixture, "GET /api/p%00ing HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
              "Connection: close\r\n\r\n", "HTTP/1.1 404", not_found);
  assert_raw (fixture, "GET /api/ping%2F HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
              "Connection: close\r\n\r\n", "HTTP/1.1 404", not_found);
  assert_raw (fixture, "GET /api/ping HTTP/1.0\r\n\r\n", "HTTP/1.0 200", "{\"online\":true}");
  assert_raw (fixture, "BREW /api/ping HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
              "HTTP/1.1 405", "{\"success\":false,\"error\":\"Method not allowed. Allowed: GET\"}");
  assert_raw (fixture, "GET /api/v1/auth HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
              "Authorization: Bearer \xff\xfe\r\nConnection: close\r\n\r\n",
              "HTTP/1.1 403", STANDARD_REFUSAL);
}

/* ---- Listening --------------------------------------------------------------------------- */

static void
test_listeners (Fixture       *fixture,
                gconstpointer  data)
{
  guint16 port = rtx_server_get_port (fixture->server);
  g_autoptr(GSList) listeners = rtx_server_get_listeners (fixture->server);
  gboolean have_ipv4 = FALSE, have_ipv6 = FALSE;

  g_assert_nonnull (listeners);
  for (GSList *l = listeners; l != NULL; l = l->next) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketAddress) address = g_socket_get_local_address (l->data, &error);
    GInetAddress *inet;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
    text = g_inet_address_to_string (inet);
    g_test_message ("listening on %s port %u", text,
                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));

    g_assert_true (g_inet_address_get_is_loopback (inet));
    g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)), ==,
                      port);
    if (g_str_equal (text, "127.0.0.1"))
      have_ipv4 = TRUE;
    else if (g_str_equal (text, "::1"))
      have_ipv6 = TRUE;
    else
      g_error ("unexpected listener on %s", text);
  }

  g_assert_true (have_ipv4);
  g_assert_cmpuint (g_slist_length (listeners), ==, have_ipv6 ? 2 : 1);

  if (!host_has_ipv6_loopback ()) {
    g_test_message ("this host has no ::1; IPv4 only is expected");
    g_assert_false (have_ipv6);
    return;
  }

  g_assert_true (have_ipv6);
  {
    g_autoptr(Response) response = fetch_at (fixture->session, "[::1]", port, "GET",
                                              "/api/ping", NULL);

    g_assert_no_error (response->error);
    g_assert_cmpuint (response->status, ==, 200);
  }
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_restart (Fixture       *fixture,
              gconstpointer  data)
{
  guint16 port = rtx_server_get_port (fixture->server);
  g_autoptr(GError) error = NULL;
  guint state_notifies = 0;
  gulong handler_id;

  {
    g_autoptr(Response) response = fetch (fixture, "GET", "/api/ping", NULL);

    g_assert_cmpuint (response->status, ==, 200);
  }

  handler_id = g_signal_connect (fixture->server, "notify::state",
                                 G_CALLBACK (on_notify_cb), &state_notifies);

  rtx_server_stop (fixture->server);
  g_assert_cmpint (rtx_server_get_state (fixture->server), ==, RTX_SERVER_STOPPED);
  g_assert_false (rtx_server_get_running (fixture->server));
  g_assert_cmpuint (rtx_server_get_port (fixture->server), ==, 0);
  g_assert_null (rtx_server_get_listeners (fixture->server));
  g_assert_cmpuint (state_notifies, ==, 1);

  /* Nobody answers while stopped. */
  soup_session_abort (fixture->session);
  {
    g_autoptr(Response) response = fetch_at (fixture->session, "127.0.0.1", port, "GET",
                                              "/api/ping", NULL);

    g_assert_nonnull (response->error);
  }

  /* Starting again on the same port serves again, twice over. */
  for (guint round = 0; round < 2; round++) {
    g_autoptr(Response) response = NULL;

    g_assert_true (rtx_server_start (fixture->server, port, &error));
    g_assert_no_error (error);
    g_assert_cmpint (rtx_server_get_state (fixture->server), ==, RTX_SERVER_RUNNING);
    g_assert_cmpuint (rtx_server_get_port (fixture->server), ==, port);

    response = fetch (fixture, "GET", "/api/ping", NULL);
    g_assert_cmpuint (response->status, ==, 200);

    if (round == 0) {
      rtx_server_stop (fixture->server);
      soup_session_abort (fixture->session);
    }
  }

  g_assert_cmpuint (state_notifies, ==, 4);
  g_signal_handler_disconnect (fixture->server, handler_id);
}

static void
test_start_while_running (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (rtx_server_start (fixture->server, 0, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_CONFLICT);
  g_assert_true (rtx_server_get_running (fixture->server));
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  data)
{
  guint16 port = rtx_server_get_port (fixture->server);
  g_autoptr(RtxServer) second = rtx_server_new (fixture->runtime);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("Port %u is already in use", port);
  guint state_notifies = 0;

  g_signal_connect (second, "notify::state", G_CALLBACK (on_notify_cb), &state_notifies);

  g_assert_false (rtx_server_start (second, port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_cmpint (rtx_server_get_state (second), ==, RTX_SERVER_FAILED);
  g_assert_cmpstr (rtx_server_get_state_reason (second), ==, error->message);
  g_assert_false (rtx_server_get_running (second));
  g_assert_cmpuint (rtx_server_get_port (second), ==, 0);
  g_assert_cmpuint (state_notifies, ==, 1);

  /* The first server is unharmed, and the failed one can start elsewhere. */
  {
    g_autoptr(Response) response = fetch (fixture, "GET", "/api/ping", NULL);

    g_assert_cmpuint (response->status, ==, 200);
  }

  g_clear_error (&error);
  g_assert_true (rtx_server_start (second, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rtx_server_get_port (second), !=, port);
  g_assert_null (rtx_server_get_state_reason (second));
  rtx_server_stop (second);
}

/* A port taken on ::1 only is as taken as one taken on 127.0.0.1: a client that resolves
 * localhost to ::1 would otherwise reach the other program. */
static void
test_port_in_use_on_ipv6 (void)
{
  g_autofree char *data_dir = rtx_test_data_dir_new ("api-ipv6-in-use");
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) runtime = NULL;
  g_autoptr(RtxServer) server = NULL;
  g_autoptr(GSocket) squatter = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  if (!host_has_ipv6_loopback ()) {
    g_test_skip ("this host has no ::1");
    return;
  }

  squatter = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (squatter, address, FALSE, &error));
  g_assert_true (g_socket_listen (squatter, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (squatter, &error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  runtime = rtx_runtime_new (data_dir, &error);
  g_assert_no_error (error);
  server = rtx_server_new (runtime);

  g_assert_false (rtx_server_start (server, port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_cmpint (rtx_server_get_state (server), ==, RTX_SERVER_FAILED);
}

static void
handle_nothing (RtxRequest *req)
{
}

/* A server whose document and handlers disagree does not start, and says which names. */
static void
test_refuses_unbound_operations (void)
{
  static const char document[] =
    "{\"openapi\":\"3.1.0\",\"paths\":{"
    "\"/api/ping\":{\"get\":{\"operationId\":\"ping\",\"x-rtx-surface\":\"public\","
    "\"security\":[]}},"
    "\"/api/v1/unbound\":{\"get\":{\"operationId\":\"unbound\",\"x-rtx-surface\":\"standard\","
    "\"security\":[{\"BearerAuth\":[]}]}}}}";
  static const RtxHandlerBinding bindings[] = {
    { "ping", handle_nothing },
    { "orphan", handle_nothing },
    { NULL, NULL },
  };
  static const RtxHandlerBinding * const areas[] = { bindings, NULL };
  g_autofree char *data_dir = rtx_test_data_dir_new ("api-unbound");
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) runtime = rtx_runtime_new (data_dir, &error);
  g_autoptr(RtxRouter) router = NULL;
  g_autoptr(RtxServer) server = NULL;

  g_assert_no_error (error);
  router = rtx_router_new_from_data (document, -1, areas, &error);
  g_assert_no_error (error);

  server = rtx_server_new (runtime);
  rtx_server_set_router (server, router);
  g_assert_false (rtx_server_start (server, 0, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "unbound"));
  g_assert_nonnull (strstr (error->message, "orphan"));
  g_assert_cmpint (rtx_server_get_state (server), ==, RTX_SERVER_FAILED);
  g_assert_null (rtx_server_get_listeners (server));
}

/* ---- Replies ----------------------------------------------------------------------------- */

static void
test_reply_error_shapes (void)
{
  static const struct {
    RtxSurface  surface;
    guint       status;
    const char *code;
    const char *json;
  } cases[] = {
    { RTX_SURFACE_STANDARD, 403, NULL, STANDARD_REFUSAL },
    { RTX_SURFACE_PUBLIC, 429, NULL, "{\"success\":false,\"error\":\"No valid api key found.\"}" },
    { RTX_SURFACE_OPENAI, 401, NULL,
      "{\"error\":{\"message\":\"No valid api key found.\",\"type\":\"invalid_request_error\","
      "\"param\":null,\"code\":\"invalid_api_key\"}}" },
    { RTX_SURFACE_OPENAI, 500, NULL,
      "{\"error\":{\"message\":\"No valid api key found.\",\"type\":\"server_error\","
      "\"param\":null,\"code\":\"internal_error\"}}" },
    { RTX_SURFACE_OPENAI, 418, NULL,
      "{\"error\":{\"message\":\"No valid api key found.\",\"type\":\"invalid_request_error\","
      "\"param\":null,\"code\":null}}" },
    { RTX_SURFACE_SDK, 401, NULL,
      "{\"success\":false,\"error\":\"No valid api key found.\",\"code\":\"MISSING_APP_ID\"}" },
    { RTX_SURFACE_SDK, 401, "INVALID_APP_ID",
      "{\"success\":false,\"error\":\"No valid api key found.\",\"code\":\"INVALID_APP_ID\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(JsonNode) body = rtx_reply_error_body (cases[i].surface, cases[i].status,
                                                     cases[i].code, "No valid api key found.");
    g_autofree char *json = json_to_string (body, FALSE);

    g_assert_cmpstr (json, ==, cases[i].json);
  }
}

static void
test_reply_status_for_error (void)
{
  static const struct {
    GQuark   domain;
    int      code;
    guint    standard;
    guint    others;
  } cases[] = {
    { 0, RTX_ERROR_FAILED, 500, 500 },
    { 0, RTX_ERROR_INVALID_ARGUMENT, 400, 400 },
    { 0, RTX_ERROR_NOT_FOUND, 404, 404 },
    { 0, RTX_ERROR_CONFLICT, 409, 409 },
    { 0, RTX_ERROR_UNAUTHENTICATED, 403, 401 },
    { 0, RTX_ERROR_PERMISSION_DENIED, 403, 403 },
    { 0, RTX_ERROR_DATABASE, 500, 500 },
    { 0, RTX_ERROR_KEYRING_UNAVAILABLE, 503, 503 },
    { 0, RTX_ERROR_KEYRING_LOCKED, 503, 503 },
    { 0, RTX_ERROR_UNSUPPORTED_VERSION, 500, 500 },
    { 0, RTX_ERROR_ALREADY_DEACTIVATED, 409, 409 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = g_error_new_literal (RTX_ERROR, cases[i].code, "x");

    g_assert_cmpuint (rtx_reply_status_for_error (RTX_SURFACE_STANDARD, error), ==,
                      cases[i].standard);
    g_assert_cmpuint (rtx_reply_status_for_error (RTX_SURFACE_OPENAI, error), ==,
                      cases[i].others);
    g_assert_cmpuint (rtx_reply_status_for_error (RTX_SURFACE_SDK, error), ==,
                      cases[i].others);
  }

  {
    g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "x");

    g_assert_cmpuint (rtx_reply_status_for_error (RTX_SURFACE_STANDARD, error), ==, 500);
  }
}

static void
test_reply_sanitize_header (void)
{
  g_autofree char *clean = rtx_reply_sanitize_header_value ("my app\r\nSet-Cookie: x=1\t\x01é");

  g_assert_cmpstr (clean, ==, "my appSet-Cookie: x=1é");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/ping", test_ping);
  ADD ("/rtx/api/ping/head", test_head_ping);
  ADD ("/rtx/api/auth/bearer", test_auth_bearer);
  ADD ("/rtx/api/auth/x-api-key", test_auth_x_api_key);
  ADD ("/rtx/api/auth/refused", test_auth_refused);
  ADD ("/rtx/api/auth/typo-without-lookup", test_auth_typo_without_lookup);
  ADD ("/rtx/api/auth/deactivated", test_auth_deactivated);
  ADD ("/rtx/api/auth/duplicate-headers", test_auth_duplicate_headers);
  ADD ("/rtx/api/auth/schemes", test_auth_schemes);
  ADD ("/rtx/api/raw-requests", test_raw_requests);
  ADD ("/rtx/api/not-found", test_not_found);
  ADD ("/rtx/api/method-not-allowed", test_method_not_allowed);
  ADD ("/rtx/api/server/listeners", test_listeners);
  ADD ("/rtx/api/server/restart", test_restart);
  ADD ("/rtx/api/server/start-while-running", test_start_while_running);
  ADD ("/rtx/api/server/port-in-use", test_port_in_use);
#undef ADD
  g_test_add_func ("/rtx/api/server/port-in-use-on-ipv6", test_port_in_use_on_ipv6);
  g_test_add_func ("/rtx/api/server/refuses-unbound-operations",
                   test_refuses_unbound_operations);
  g_test_add_func ("/rtx/api/auth/parse-bearer", test_auth_parse_bearer);
  g_test_add_func ("/rtx/api/reply/error-shapes", test_reply_error_shapes);
  g_test_add_func ("/rtx/api/reply/status-for-error", test_reply_status_for_error);
  g_test_add_func ("/rtx/api/reply/sanitize-header", test_reply_sanitize_header);

  return g_test_run ();
}
