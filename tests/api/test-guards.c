/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "raw-http.h"
#include "rtx-guards.h"
#include "rtx-runtime.h"
#include "rtx-schema.h"
#include "rtx-server.h"
#include "rtx-server-private.h"
#include "rtx-test-utils.h"

/* Walks every operation of the router's table (so operations added later are covered with no
 * change here) and sends each the requests the guards must refuse before any handler runs:
 * a foreign Host, no credential, a foreign Origin, bad bodies, a foreign media type, and Range.
 * The server counts handler calls; refusals must leave the count, and the database, alone. */

static const RtxActor test_actor = { "tester", "cli" };

typedef struct {
  char       *data_dir;
  RtxRuntime *runtime;
  RtxServer  *server;
  char       *admin_key;
  char       *host;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  RtxSecret *secret = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("api-guards");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->server = rtx_server_new (fixture->runtime);
  g_assert_true (rtx_server_start (fixture->server, 0, &error));
  g_assert_no_error (error);
  fixture->host = g_strdup_printf ("127.0.0.1:%u", rtx_server_get_port (fixture->server));

  key = rtx_api_keys_create (rtx_runtime_get_api_keys (fixture->runtime), "walker", TRUE,
                             &test_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  fixture->admin_key = g_strdup (secret);
  rtx_secret_free (secret);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  rtx_server_stop (fixture->server);
  g_assert_finalize_object (fixture->server);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->admin_key, g_free);
  g_clear_pointer (&fixture->host, g_free);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* A path that the operation's template matches: integers where the parameter's schema asks
 * for one, a word elsewhere. */
static char *
concrete_path (Fixture      *fixture,
               RtxOperation *operation)
{
  g_auto(GStrv) parts = g_strsplit (rtx_operation_get_path (operation), "/", -1);

  for (guint i = 0; parts[i] != NULL; i++) {
    if (parts[i][0] == '{') {
      g_free (parts[i]);
      parts[i] = g_strdup ("1");
    }
  }
  return g_strjoinv ("/", parts);
}

static RawResponse *
send_request (Fixture      *fixture,
              RtxOperation *operation,
              const char   *host,
              const char   *headers,
              const char   *body,
              gsize         body_length)
{
  g_autofree char *path = concrete_path (fixture, operation);
  g_autoptr(GString) request = raw_http_request (rtx_operation_get_method (operation), path,
                                                 host, headers, body, body_length);

  return raw_http_exchange (rtx_server_get_port (fixture->server), request->str, request->len);
}

static char *
auth_header (Fixture *fixture)
{
  return g_strdup_printf ("Authorization: Bearer %s\r\n", fixture->admin_key);
}

/* The body is one JSON object in the operation's surface's error shape. */
static void
assert_json_error (RawResponse  *response,
                   RtxOperation *operation)
{
  g_autoptr(JsonNode) node = json_from_string (response->body, NULL);
  JsonObject *object;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_cmpstr (raw_response_header (response, "Content-Type"), ==,
                   "application/json; charset=utf-8");
  object = json_node_get_object (node);
  if (rtx_operation_get_surface (operation) == RTX_SURFACE_OPENAI)
    g_assert_true (json_object_has_member (object, "error"));
  else
    g_assert_false (json_object_get_boolean_member (object, "success"));
}

/* Uploads take multipart/form-data only, and are parsed as they stream in. */
static gboolean
is_upload (RtxOperation *operation)
{
  JsonNode *node = json_object_get_member (rtx_operation_get_json (operation), "x-rtx-upload");

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

static guint64
handler_calls (Fixture *fixture)
{
  return rtx_server_get_handler_calls (fixture->server);
}

/* The state the refused requests must not change. */
static char *
snapshot (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = rtx_api_keys_list (rtx_runtime_get_api_keys (fixture->runtime),
                                                 &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < keys->len; i++) {
    RtxApiKey *key = g_ptr_array_index (keys, i);

    g_string_append_printf (text, "%" G_GINT64_FORMAT ":%s:%d;", key->id, key->name,
                            rtx_api_key_is_active (key));
  }

  return g_string_free (text, FALSE);
}

static GPtrArray *
operations (Fixture *fixture)
{
  GPtrArray *all = rtx_router_get_operations (rtx_server_get_router (fixture->server));

  g_assert_cmpuint (all->len, >, 0);
  return all;
}

static void
test_foreign_host (Fixture       *fixture,
                   gconstpointer  data)
{
  guint16 port = rtx_server_get_port (fixture->server);
  GPtrArray *all = operations (fixture);
  g_autofree char *auth = auth_header (fixture);
  g_autofree char *evil = g_strdup_printf ("evil.example:%u", port);

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);
    guint64 calls = handler_calls (fixture);
    g_autoptr(RawResponse) response = send_request (fixture, operation, evil, auth, NULL, 0);

    g_test_message ("%s %s", rtx_operation_get_method (operation),
                    rtx_operation_get_path (operation));
    g_assert_cmpuint (response->status, ==, 421);
    assert_json_error (response, operation);
    g_assert_cmpuint (handler_calls (fixture), ==, calls);
  }
}

/* DNS rebinding names, look-alikes, and Host headers a browser would never send. */
static void
test_host_variants (Fixture       *fixture,
                    gconstpointer  data)
{
  guint16 port = rtx_server_get_port (fixture->server);
  RtxOperation *ping = rtx_router_lookup_operation (rtx_server_get_router (fixture->server),
                                                    "ping");
  const char *refused[] = {
    "localhost.evil.example:%u", "127.0.0.1.nip.io:%u", "localhost6:%u", "127.0.0.1",
    "localhost", "127.0.0.1:1", "127.0.0.1:%u.", "127.0.0.2:%u", "0.0.0.0:%u",
    "[::ffff:127.0.0.1]:%u", "localhost:%u, evil.example", "",
  };
  const char *allowed[] = { "127.0.0.1:%u", "localhost:%u", "LOCALHOST:%u", "[::1]:%u" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr(GString) host = g_string_new (refused[i]);
    g_autofree char *number = g_strdup_printf ("%u", port);
    g_autoptr(RawResponse) response = NULL;

    g_string_replace (host, "%u", number, 0);
    g_test_message ("Host: %s", host->str);
    response = send_request (fixture, ping, host->str, NULL, NULL, 0);
    /* libsoup itself refuses a few with 400; nothing gets through. */
    g_assert_true (response->status == 421 || response->status == 400);
  }

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++) {
    g_autoptr(GString) host = g_string_new (allowed[i]);
    g_autofree char *number = g_strdup_printf ("%u", port);
    g_autoptr(RawResponse) response = NULL;

    g_string_replace (host, "%u", number, 0);
    response = send_request (fixture, ping, host->str, NULL, NULL, 0);
    g_assert_cmpuint (response->status, ==, 200);
  }

  /* HTTP/1.1 needs a Host; HTTP/1.0 may go without. */
  {
    g_autoptr(RawResponse) none = send_request (fixture, ping, NULL, NULL, NULL, 0);
    g_autoptr(RawResponse) old = raw_http_exchange (port, "GET /api/ping HTTP/1.0\r\n\r\n",
                                                    strlen ("GET /api/ping HTTP/1.0\r\n\r\n"));

    g_assert_true (none->status == 400 || none->status == 421);
    g_assert_cmpuint (old->status, ==, 200);
  }
}

static void
test_no_credential (Fixture       *fixture,
                    gconstpointer  data)
{
  GPtrArray *all = operations (fixture);
  guint refused = 0;

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);
    guint64 calls = handler_calls (fixture);
    g_autoptr(RawResponse) response = NULL;

    if (rtx_operation_is_public (operation))
      continue;

    g_test_message ("%s %s", rtx_operation_get_method (operation),
                    rtx_operation_get_path (operation));
    response = send_request (fixture, operation, fixture->host, NULL, NULL, 0);
    /* DESIGN.md §1: 403 on the standard surface, 401 on the others. The SDK's approval
     * routes take the app's id in their body (and check the caller's uid): without one they
     * refuse the body. */
    if (rtx_operation_get_app_id_in_body (operation))
      g_assert_cmpuint (response->status, ==, 400);
    else
      g_assert_cmpuint (response->status, ==,
                        rtx_operation_get_surface (operation) == RTX_SURFACE_STANDARD ? 403 : 401);
    assert_json_error (response, operation);
    g_assert_cmpuint (handler_calls (fixture), ==, calls);
    refused++;
  }

  g_assert_cmpuint (refused, >, 0);
}

static void
test_foreign_origin (Fixture       *fixture,
                     gconstpointer  data)
{
  GPtrArray *all = operations (fixture);
  g_autofree char *auth = auth_header (fixture);
  const char *origins[] = { "http://evil.example", "null", "http://localhost.evil.example" };

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);

    for (guint o = 0; o < G_N_ELEMENTS (origins); o++) {
      g_autofree char *headers = g_strdup_printf ("%sOrigin: %s\r\n", auth, origins[o]);
      guint64 calls = handler_calls (fixture);
      g_autoptr(RawResponse) response = send_request (fixture, operation, fixture->host,
                                                      headers, NULL, 0);

      g_test_message ("%s %s from %s", rtx_operation_get_method (operation),
                      rtx_operation_get_path (operation), origins[o]);
      /* The embed widget's routes refuse a page off the allowlist as they do, with 401. */
      g_assert_cmpuint (response->status, ==,
                        rtx_guard_path_is_embed (rtx_operation_get_path (operation)) ? 401 : 403);
      assert_json_error (response, operation);
      g_assert_null (raw_response_header (response, "Access-Control-Allow-Origin"));
      g_assert_cmpuint (handler_calls (fixture), ==, calls);
    }
  }
}

static char *
oversized_body (RtxOperation *operation,
                gsize        *length)
{
  gsize size = rtx_guard_body_limit (operation) + 1;
  char *body = g_malloc (size);

  /* A valid JSON string, so only its size is wrong. */
  memset (body, 'a', size);
  body[0] = '"';
  body[size - 1] = '"';
  *length = size;
  return body;
}

static void
test_bad_bodies (Fixture       *fixture,
                 gconstpointer  data)
{
  GPtrArray *all = operations (fixture);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\n"
                                           "x-api-key: %s\r\n"
                                           "Content-Type: application/json\r\n",
                                           fixture->admin_key, fixture->admin_key);
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *deep_small = g_strnfill (65, '[');
  const char *bodies[] = {
    "{\"name\":", "{\"name\":\"x\",}", "not json", "{\"a\":1,\"a\":2}",
    "{\"n\":123456789012345678901234567890}", "{\"n\":1e999999}", "[NaN]",
    "{\"s\":\"x\\u0000y\"}", "\xff\xfe", "  \n ", deep, deep_small,
  };
  g_autofree char *before = snapshot (fixture);

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);
    gsize big_length;
    g_autofree char *big = oversized_body (operation, &big_length);
    gboolean key_works = rtx_operation_is_public (operation) ||
                         rtx_operation_get_app_id_in_body (operation) ||
                         rtx_operation_get_surface (operation) != RTX_SURFACE_SDK;

    for (guint b = 0; b <= G_N_ELEMENTS (bodies); b++) {
      gboolean is_big = b == G_N_ELEMENTS (bodies);
      const char *body = is_big ? big : bodies[b];
      guint64 calls = handler_calls (fixture);
      g_autoptr(RawResponse) response = send_request (fixture, operation, fixture->host, auth,
                                                      body, is_big ? big_length : strlen (body));
      g_autofree char *shown = g_strndup (body, 24);
      gsize length;

      g_test_message ("%s %s with %s", rtx_operation_get_method (operation),
                      rtx_operation_get_path (operation), shown);
      length = is_big ? big_length : strlen (body);

      /* The size is refused before the credential is looked at, the content after it: the
       * SDK's routes, which may refuse keys (an app id only, or a permission a key does not
       * hold), may refuse with their 401 or 403 first. A body nested 100,000 deep is refused
       * for its size where that is over the route's cap. */
      if (is_upload (operation))
        g_assert_cmpuint (response->status, ==, 415);
      else if ((goffset) length > rtx_guard_body_limit (operation))
        g_assert_cmpuint (response->status, ==, 413);
      else if (key_works)
        g_assert_cmpuint (response->status, ==, 400);
      else
        g_assert_true (response->status == 400 || response->status == 401 ||
                       response->status == 403);
      assert_json_error (response, operation);
      g_assert_cmpuint (handler_calls (fixture), ==, calls);
    }
  }

  {
    g_autofree char *after = snapshot (fixture);

    g_assert_cmpstr (after, ==, before);
  }
}

/* A query value with an encoded NUL is refused whole (C would read it cut short), before the
 * parameters are validated and before any handler runs. */
static void
test_query_nul (Fixture       *fixture,
                gconstpointer  data)
{
  GPtrArray *all = operations (fixture);
  g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s\r\nx-api-key: %s\r\n",
                                           fixture->admin_key, fixture->admin_key);
  g_autofree char *before = snapshot (fixture);

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);
    g_autofree char *path = concrete_path (fixture, operation);
    g_autofree char *target = g_strconcat (path, "?limit=1&rtxq=admin%00x", NULL);
    g_autoptr(GString) request = raw_http_request (rtx_operation_get_method (operation),
                                                   target, fixture->host, auth, NULL, 0);
    guint64 calls = handler_calls (fixture);
    g_autoptr(RawResponse) response = NULL;
    gboolean key_works = rtx_operation_is_public (operation) ||
                         rtx_operation_get_app_id_in_body (operation) ||
                         rtx_operation_get_surface (operation) != RTX_SURFACE_SDK;

    g_test_message ("%s %s", rtx_operation_get_method (operation), target);
    response = raw_http_exchange (rtx_server_get_port (fixture->server), request->str,
                                  request->len);
    /* As with bodies, the SDK's routes may refuse a key with their 401 or 403 first. */
    if (key_works || response->status == 400) {
      g_assert_cmpuint (response->status, ==, 400);
      g_assert_nonnull (strstr (response->body, "“rtxq” contains an encoded NUL"));
    } else {
      g_assert_true (response->status == 401 || response->status == 403);
    }
    assert_json_error (response, operation);
    g_assert_cmpuint (handler_calls (fixture), ==, calls);
  }

  {
    g_autofree char *after = snapshot (fixture);

    g_assert_cmpstr (after, ==, before);
  }
}

/* The hook through which the embeds feature opens the Origin guard: exactly the allowlisted
 * origin, exactly on its embed's routes, with the only CORS answer the runtime gives. */
static const char *embed_test_id = "5d7c0b9e-1f2a-4c3b-8d4e-6f7a8b9c0d1e";

static gboolean
embed_test_origin_func (RtxRuntime *runtime,
                        const char *embed_id,
                        const char *origin)
{
  return g_str_equal (embed_id, embed_test_id) &&
         g_str_equal (origin, "https://shop.example");
}

static RawResponse *
get_with_origin (Fixture    *fixture,
                 const char *path,
                 const char *origin)
{
  g_autofree char *headers = g_strdup_printf ("Origin: %s\r\n", origin);
  g_autoptr(GString) request = raw_http_request ("GET", path, fixture->host, headers, NULL, 0);

  return raw_http_exchange (rtx_server_get_port (fixture->server), request->str, request->len);
}

static void
test_embed_origin_hook (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *mine = g_strdup_printf ("/api/embed/%s/stream-chat", embed_test_id);
  const char *other_embeds[] = {
    "/api/embed/00000000-0000-4000-8000-000000000000/stream-chat", "/api/embed/",
  };
  const char *others[] = { "/api/ping", "/api/v1/auth" };
  g_autoptr(RawResponse) before_hook = NULL;
  g_autoptr(RawResponse) opened = NULL;
  g_autoptr(RawResponse) foreign = NULL;

  /* Without a hook (the server installs the embeds' own), no foreign origin passes, embed
   * routes included; those refuse as the embed routes do, with 401. */
  rtx_server_set_embed_origin_func (fixture->server, NULL);
  before_hook = get_with_origin (fixture, mine, "https://shop.example");
  g_assert_cmpuint (before_hook->status, ==, 401);
  g_assert_null (raw_response_header (before_hook, "Access-Control-Allow-Origin"));

  rtx_server_set_embed_origin_func (fixture->server, embed_test_origin_func);

  /* The guard opens (no route is there yet, so the router answers 404), and the answer is
   * CORS for that origin only. */
  opened = get_with_origin (fixture, mine, "https://shop.example");
  g_assert_cmpuint (opened->status, ==, 404);
  g_assert_cmpstr (raw_response_header (opened, "Access-Control-Allow-Origin"), ==,
                   "https://shop.example");
  g_assert_cmpstr (raw_response_header (opened, "Vary"), ==, "Origin");

  foreign = get_with_origin (fixture, mine, "https://evil.example");
  g_assert_cmpuint (foreign->status, ==, 401);
  g_assert_null (raw_response_header (foreign, "Access-Control-Allow-Origin"));

  for (guint i = 0; i < G_N_ELEMENTS (other_embeds); i++) {
    g_autoptr(RawResponse) response = get_with_origin (fixture, other_embeds[i],
                                                       "https://shop.example");

    g_test_message ("%s", other_embeds[i]);
    g_assert_cmpuint (response->status, ==, 401);
    g_assert_null (raw_response_header (response, "Access-Control-Allow-Origin"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (others); i++) {
    g_autoptr(RawResponse) response = get_with_origin (fixture, others[i],
                                                       "https://shop.example");

    g_test_message ("%s", others[i]);
    g_assert_cmpuint (response->status, ==, 403);
    g_assert_null (raw_response_header (response, "Access-Control-Allow-Origin"));
  }

  rtx_server_set_embed_origin_func (fixture->server, NULL);
  {
    g_autoptr(RawResponse) closed = get_with_origin (fixture, mine, "https://shop.example");

    g_assert_cmpuint (closed->status, ==, 401);
  }
}

/* A browser form or a text/plain "simple request" never reaches a route. */
static void
test_foreign_media_types (Fixture       *fixture,
                          gconstpointer  data)
{
  GPtrArray *all = operations (fixture);
  const char *types[] = {
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
  };
  g_autofree char *before = snapshot (fixture);

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);

    for (guint t = 0; t < G_N_ELEMENTS (types); t++) {
      g_autofree char *headers = g_strdup_printf ("Authorization: Bearer %s\r\n"
                                                  "Content-Type: %s\r\n",
                                                  fixture->admin_key, types[t]);
      guint64 calls = handler_calls (fixture);
      g_autoptr(RawResponse) response = send_request (fixture, operation, fixture->host,
                                                      headers, "{}", 2);

      g_test_message ("%s %s as %s", rtx_operation_get_method (operation),
                      rtx_operation_get_path (operation), types[t]);
      /* An upload route takes multipart: its handler refuses this one's content (400). */
      if (is_upload (operation) && g_str_has_prefix (types[t], "multipart/")) {
        g_assert_cmpuint (response->status, ==, 400);
        assert_json_error (response, operation);
        continue;
      }
      g_assert_cmpuint (response->status, ==, 415);
      assert_json_error (response, operation);
      g_assert_cmpuint (handler_calls (fixture), ==, calls);
    }
  }

  {
    g_autofree char *after = snapshot (fixture);

    g_assert_cmpstr (after, ==, before);
  }
}

static void
test_range_ignored (Fixture       *fixture,
                    gconstpointer  data)
{
  GPtrArray *all = operations (fixture);
  g_autofree char *headers = g_strdup_printf ("Authorization: Bearer %s\r\n"
                                              "Range: bytes=0-3\r\nIf-Range: *\r\n",
                                              fixture->admin_key);

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);
    g_autoptr(RawResponse) response = NULL;

    if (!g_str_equal (rtx_operation_get_method (operation), "GET"))
      continue;

    g_test_message ("GET %s", rtx_operation_get_path (operation));
    response = send_request (fixture, operation, fixture->host, headers, NULL, 0);
    g_assert_cmpuint (response->status, !=, 206);
    g_assert_cmpuint (response->status, !=, 416);
    g_assert_null (raw_response_header (response, "Content-Range"));
  }
}

/* No route answers CORS: a preflight gets no Access-Control-* header anywhere. */
static void
test_no_cors (Fixture       *fixture,
              gconstpointer  data)
{
  GPtrArray *all = operations (fixture);
  g_autofree char *own = g_strdup_printf ("Origin: http://%s\r\n"
                                          "Access-Control-Request-Method: POST\r\n",
                                          fixture->host);

  for (guint i = 0; i < all->len; i++) {
    RtxOperation *operation = g_ptr_array_index (all, i);
    g_autofree char *path = concrete_path (fixture, operation);
    g_autoptr(GString) request = raw_http_request ("OPTIONS", path, fixture->host, own, NULL, 0);
    g_autoptr(RawResponse) response = raw_http_exchange (rtx_server_get_port (fixture->server),
                                                         request->str, request->len);

    g_assert_null (raw_response_header (response, "Access-Control-Allow-Origin"));
    g_assert_null (raw_response_header (response, "Access-Control-Allow-Methods"));
    g_assert_cmpuint (response->status, >=, 400);
  }
}

/* The runtime's own origins may call the API (/api/docs does). */
static void
test_own_origin (Fixture       *fixture,
                 gconstpointer  data)
{
  guint16 port = rtx_server_get_port (fixture->server);
  RtxOperation *auth = rtx_router_lookup_operation (rtx_server_get_router (fixture->server),
                                                    "getAuth");
  const char *origins[] = { "http://127.0.0.1:%u", "http://localhost:%u", "http://[::1]:%u" };

  for (guint i = 0; i < G_N_ELEMENTS (origins); i++) {
    g_autoptr(GString) origin = g_string_new (origins[i]);
    g_autofree char *number = g_strdup_printf ("%u", port);
    g_autofree char *headers = NULL;
    g_autoptr(RawResponse) response = NULL;

    g_string_replace (origin, "%u", number, 0);
    headers = g_strdup_printf ("Authorization: Bearer %s\r\nOrigin: %s\r\n",
                               fixture->admin_key, origin->str);
    response = send_request (fixture, auth, fixture->host, headers, NULL, 0);
    g_assert_cmpuint (response->status, ==, 200);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/guards/every-operation/foreign-host", test_foreign_host);
  ADD ("/rtx/api/guards/every-operation/no-credential", test_no_credential);
  ADD ("/rtx/api/guards/every-operation/foreign-origin", test_foreign_origin);
  ADD ("/rtx/api/guards/every-operation/bad-bodies", test_bad_bodies);
  ADD ("/rtx/api/guards/every-operation/foreign-media-types", test_foreign_media_types);
  ADD ("/rtx/api/guards/every-operation/query-nul", test_query_nul);
  ADD ("/rtx/api/guards/every-operation/range-ignored", test_range_ignored);
  ADD ("/rtx/api/guards/every-operation/no-cors", test_no_cors);
  ADD ("/rtx/api/guards/host-variants", test_host_variants);
  ADD ("/rtx/api/guards/own-origin", test_own_origin);
  ADD ("/rtx/api/guards/embed-origin-hook", test_embed_origin_hook);
#undef ADD

  return g_test_run ();
}
