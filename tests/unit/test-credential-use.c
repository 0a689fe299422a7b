/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "rtx-credential-use.h"
#include "rtx-error.h"
#include "rtx-llm-openai.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* Credentials stored in the real keyring, resolved through the vault, applied to requests
 * that a small SoupServer on loopback receives: what it sees is what an upstream service would
 * see. */

static const RtxActor consumer = { "test-consumer", "runtime" };

typedef struct {
  char           *data_dir;
  RtxRuntime     *runtime;
  RtxCredentials *vault;
  SoupServer     *upstream;
  guint16         port;
  SoupSession    *session;

  /* What the upstream received last. */
  SoupMessageHeaders *seen_headers;
  GHashTable         *seen_query;
  char               *seen_raw_query;
} Fixture;

static void
on_upstream_request_cb (SoupServer        *server,
                        SoupServerMessage *msg,
                        const char        *path,
                        GHashTable        *query,
                        gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));

  g_clear_pointer (&fixture->seen_headers, soup_message_headers_unref);
  g_clear_pointer (&fixture->seen_query, g_hash_table_unref);
  g_clear_pointer (&fixture->seen_raw_query, g_free);
  fixture->seen_headers = soup_message_headers_ref (soup_server_message_get_request_headers (msg));
  fixture->seen_query = query != NULL ? g_hash_table_ref (query) : NULL;
  fixture->seen_raw_query = g_strdup (raw);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  if (g_str_has_suffix (path, "/models")) {
    static const char models[] = "{\"object\":\"list\",\"data\":[{\"id\":\"m1\","
                                 "\"object\":\"model\",\"owned_by\":\"test\"}]}";

    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, models,
                                      strlen (models));
    return;
  }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture->data_dir = rtx_test_data_dir_new ("credential-use");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->vault = rtx_runtime_get_credentials (fixture->runtime);

  fixture->upstream = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->upstream, NULL, on_upstream_request_cb, fixture, NULL);
  g_assert_true (soup_server_listen_local (fixture->upstream, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->upstream);
  fixture->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fixture->session = soup_session_new_with_options ("timeout", 20, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  soup_session_abort (fixture->session);
  g_clear_object (&fixture->session);
  soup_server_disconnect (fixture->upstream);
  g_clear_object (&fixture->upstream);
  g_clear_pointer (&fixture->seen_headers, soup_message_headers_unref);
  g_clear_pointer (&fixture->seen_query, g_hash_table_unref);
  g_clear_pointer (&fixture->seen_raw_query, g_free);
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->data_dir, g_free);
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
store (Fixture    *fixture,
       const char *name,
       const char *type,
       const char *payload_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (payload_json, &error);
  g_autoptr(RtxCredential) made = NULL;

  g_assert_no_error (error);
  made = rtx_credentials_create (fixture->vault, name, type, json_node_get_object (node), NULL,
                                 &consumer, &error);
  g_assert_no_error (error);
}

static RtxCredentialUse *
get_use (Fixture    *fixture,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  RtxCredentialUse *use = rtx_credentials_get_use (fixture->vault, name, &consumer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (use);
  return use;
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

/* Sends a GET to the upstream at @path_and_query with @use applied. */
static void
send_with (Fixture                *fixture,
           const RtxCredentialUse *use,
           const char             *path_and_query)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", fixture->port,
                                          path_and_query);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GError) error = NULL;
  Exchange exchange = { 0 };

  g_assert_true (rtx_credential_use_apply_to_message (use, msg, &error));
  g_assert_no_error (error);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb,
                                    &exchange);
  rtx_test_wait_for (&exchange.done, 20000);
  g_assert_no_error (exchange.error);
  g_bytes_unref (exchange.body);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_nonnull (fixture->seen_headers);
}

static const char *
seen (Fixture    *fixture,
      const char *header)
{
  return soup_message_headers_get_one (fixture->seen_headers, header);
}

static int
reads_audited_by (Fixture    *fixture,
                  const char *actor)
{
  RtxDb *db = rtx_runtime_get_db (fixture->runtime);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, "SELECT count(*) FROM audit_log WHERE action ="
                                                " 'credential.read' AND actor = ?1", NULL);
  gboolean have_row = FALSE;

  sqlite3_bind_text (stmt, 1, actor, -1, SQLITE_TRANSIENT);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, NULL));
  return sqlite3_column_int (stmt, 0);
}

/* ---- Each type ------------------------------------------------------------------------- */

static void
test_http_header (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *value = new_secret ("header-value");
  g_autofree char *payload = g_strdup_printf ("{\"name\":\"X-Api-Key\",\"value\":\"%s\"}", value);
  g_autoptr(RtxCredentialUse) use = NULL;

  store (fixture, "search", "http_header", payload);
  use = get_use (fixture, "search");
  g_assert_cmpint (rtx_credential_use_get_target (use), ==, RTX_CREDENTIAL_TARGET_HEADER);
  g_assert_cmpstr (rtx_credential_use_get_name (use), ==, "X-Api-Key");

  send_with (fixture, use, "/v1/search");
  g_assert_cmpstr (seen (fixture, "X-Api-Key"), ==, value);
  g_assert_null (seen (fixture, "Authorization"));
  g_assert_null (fixture->seen_raw_query);
  g_assert_cmpint (reads_audited_by (fixture, consumer.name), ==, 1);
}

static void
test_query_auth (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *secret = new_secret ("query-value");
  /* Characters that mean something in a query must arrive as they were stored. */
  g_autofree char *value = g_strconcat (secret, " a&b=c+d/%", NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *payload_json = NULL;
  g_autoptr(RtxCredentialUse) use = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "api_key");
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, value);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);
  payload_json = json_to_string (payload, FALSE);

  store (fixture, "maps", "query_auth", payload_json);
  use = get_use (fixture, "maps");
  g_assert_cmpint (rtx_credential_use_get_target (use), ==, RTX_CREDENTIAL_TARGET_QUERY);

  /* An api_key already in the URI is replaced; other parameters stay. */
  send_with (fixture, use, "/geo?q=caf%C3%A9%20bar&api_key=stale&page=2");
  g_assert_nonnull (fixture->seen_query);
  g_assert_cmpstr (g_hash_table_lookup (fixture->seen_query, "api_key"), ==, value);
  g_assert_cmpstr (g_hash_table_lookup (fixture->seen_query, "q"), ==, "café bar");
  g_assert_cmpstr (g_hash_table_lookup (fixture->seen_query, "page"), ==, "2");
  g_assert_null (strstr (fixture->seen_raw_query, "stale"));
  g_assert_null (seen (fixture, "Authorization"));

  send_with (fixture, use, "/geo");
  g_assert_cmpuint (g_hash_table_size (fixture->seen_query), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (fixture->seen_query, "api_key"), ==, value);

  /* Stripping takes the credential out of a URI that came back with it (a redirect's), and
   * leaves a parameter of the same name that holds something else: another service's. */
  {
    g_autoptr(RtxSecret) applied = rtx_credential_use_apply_to_uri (
      use, "https://maps.example/geo?q=1#top", NULL);
    g_autofree char *stripped = NULL;
    g_autofree char *kept = NULL;

    g_assert_nonnull (applied);
    stripped = rtx_credential_use_strip_uri (use, applied);
    g_assert_cmpstr (stripped, ==, "https://maps.example/geo?q=1#top");
    kept = rtx_credential_use_strip_uri (use, "https://other.example/?api_key=theirs");
    g_assert_cmpstr (kept, ==, "https://other.example/?api_key=theirs");
    g_free (stripped);
    stripped = rtx_credential_use_strip_uri (use, "https://maps.example/only");
    g_assert_cmpstr (stripped, ==, "https://maps.example/only");
  }
}

static void
test_basic_auth (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *password = new_secret ("basic-pass:with:colons");
  g_autofree char *payload = g_strdup_printf ("{\"username\":\"ada\",\"password\":\"%s\"}",
                                              password);
  g_autofree char *expected = g_strconcat ("ada:", password, NULL);
  g_autoptr(RtxCredentialUse) use = NULL;
  g_autofree guchar *decoded = NULL;
  const char *authorization;
  gsize length = 0;

  store (fixture, "proxy", "basic_auth", payload);
  use = get_use (fixture, "proxy");
  send_with (fixture, use, "/");

  authorization = seen (fixture, "Authorization");
  g_assert_nonnull (authorization);
  g_assert_true (g_str_has_prefix (authorization, "Basic "));
  decoded = g_base64_decode (authorization + strlen ("Basic "), &length);
  g_assert_cmpmem (decoded, length, expected, strlen (expected));
}

static void
test_bearer (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *token = new_secret ("bearer-token");
  g_autofree char *payload = g_strdup_printf ("{\"token\":\"%s\"}", token);
  g_autofree char *expected = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(RtxCredentialUse) use = NULL;

  store (fixture, "generic-openai", "bearer", payload);
  use = get_use (fixture, "generic-openai");
  send_with (fixture, use, "/v1/models");
  g_assert_cmpstr (seen (fixture, "Authorization"), ==, expected);
}

static void
test_oauth_token (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *access = new_secret ("oauth-access");
  g_autofree char *refresh = new_secret ("oauth-refresh");
  g_autofree char *payload = g_strdup_printf ("{\"access_token\":\"%s\",\"refresh_token\":\"%s\","
                                              "\"expires_at\":4102444800}", access, refresh);
  g_autofree char *expected = g_strconcat ("Bearer ", access, NULL);
  g_autoptr(RtxCredentialUse) use = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *value;

  store (fixture, "calendar", "oauth_token", payload);
  use = get_use (fixture, "calendar");
  send_with (fixture, use, "/calendars");
  g_assert_cmpstr (seen (fixture, "Authorization"), ==, expected);

  /* The refresh token is for the owner of the credential, never sent along. */
  soup_message_headers_iter_init (&iter, fixture->seen_headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_assert_null (strstr (value, refresh));
}

/* An env_var credential lands in a child's environment, and in nothing else. */
static void
test_env_var (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *value = new_secret ("env-value");
  g_autofree char *payload = g_strdup_printf ("{\"name\":\"SERVICE_TOKEN\",\"value\":\"%s\"}",
                                              value);
  g_autofree char *expected = g_strdup_printf ("SERVICE_TOKEN=%s\n", value);
  g_autofree char *out = NULL;
  g_autoptr(RtxCredentialUse) use = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", "http://127.0.0.1:1/");
  char *argv[] = { (char *) "env", NULL };
  g_auto(GStrv) envp = NULL;
  g_autoptr(GUri) uri = NULL;
  int status = -1;

  store (fixture, "app-token", "env_var", payload);
  use = get_use (fixture, "app-token");
  g_assert_cmpint (rtx_credential_use_get_target (use), ==, RTX_CREDENTIAL_TARGET_ENVIRONMENT);

  envp = rtx_credential_use_apply_to_environ (use, g_get_environ (), &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, expected));

  g_assert_false (rtx_credential_use_apply_to_message (use, msg, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_assert_null (soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                               "SERVICE_TOKEN"));
  uri = g_uri_ref (soup_message_get_uri (msg));
  g_assert_null (g_uri_get_query (uri));
}

/* ---- Consumers ------------------------------------------------------------------------- */

typedef struct {
  gboolean  done;
  GStrv     models;
  GError   *error;
} Listing;

static void
on_models_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Listing *listing = user_data;

  listing->models = rtx_llm_provider_list_models_finish (RTX_LLM_PROVIDER (source), result,
                                                         &listing->error);
  listing->done = TRUE;
}

/* Lists the models of the upstream through the OpenAI-compatible provider, with the key kept
 * as the credential named after the provider. */
static void
list_models (Fixture  *fixture,
             Listing  *listing)
{
  g_autofree char *base = g_strdup_printf ("http://127.0.0.1:%u/v1", fixture->port);
  g_autoptr(RtxLlmKey) key = rtx_llm_key_new (fixture->vault, "generic-openai", NULL);
  g_autoptr(RtxLlmProvider) provider = rtx_llm_openai_new (fixture->session, base, "m1", key,
                                                           20);

  rtx_llm_provider_list_models_async (provider, NULL, on_models_cb, listing);
  rtx_test_wait_for (&listing->done, 20000);
}

/* The model provider's key goes out by its credential's type: a bearer token as
 * `Authorization: Bearer`, and a provider that wants another header gets that header. */
static void
test_provider_key (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *value = new_secret ("provider-header-key");
  g_autofree char *payload = g_strdup_printf ("{\"name\":\"api-key\",\"value\":\"%s\"}", value);
  g_autoptr(GError) error = NULL;
  Listing listing = { 0 };
  Listing without = { 0 };

  /* No credential: the request goes out without a key. */
  list_models (fixture, &without);
  g_assert_no_error (without.error);
  g_assert_null (seen (fixture, "Authorization"));
  g_strfreev (without.models);

  store (fixture, "generic-openai", "http_header", payload);
  list_models (fixture, &listing);
  g_assert_no_error (listing.error);
  g_assert_cmpstr (listing.models[0], ==, "m1");
  g_assert_cmpstr (seen (fixture, "api-key"), ==, value);
  g_assert_null (seen (fixture, "Authorization"));
  g_assert_cmpint (reads_audited_by (fixture, "model-provider"), ==, 1);
  g_strfreev (listing.models);
}

static void
test_provider_key_env_var_refused (Fixture       *fixture,
                                   gconstpointer  data)
{
  Listing listing = { 0 };

  store (fixture, "generic-openai", "env_var",
         "{\"name\":\"OPENAI_API_KEY\",\"value\":\"not-for-requests\"}");
  list_models (fixture, &listing);
  g_assert_error (listing.error, RTX_ERROR, RTX_ERROR_UPSTREAM);
  g_assert_nonnull (strstr (listing.error->message, "environment variable"));
  g_assert_null (fixture->seen_headers);
  g_clear_error (&listing.error);
}

/* A header credential never goes into an environment, nor a query one into a header. */
static void
test_wrong_targets (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(RtxCredentialUse) bearer = NULL;
  g_autoptr(RtxCredentialUse) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(JsonNode) bearer_payload = json_from_string ("{\"token\":\"t\"}", NULL);
  g_autoptr(JsonNode) query_payload = json_from_string ("{\"name\":\"k\",\"value\":\"v\"}", NULL);
  g_auto(GStrv) envp = NULL;
  g_autofree char *uri = NULL;

  bearer = rtx_credential_use_new ("bearer", json_node_get_object (bearer_payload), &error);
  g_assert_no_error (error);
  query = rtx_credential_use_new ("query_auth", json_node_get_object (query_payload), &error);
  g_assert_no_error (error);

  envp = rtx_credential_use_apply_to_environ (bearer, g_get_environ (), &error);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_assert_null (envp);
  g_clear_error (&error);

  g_assert_false (rtx_credential_use_apply_to_headers (query, headers, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  uri = rtx_credential_use_apply_to_uri (bearer, "https://example.invalid/", &error);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_assert_null (uri);
  g_clear_error (&error);

  /* A payload that does not fit its type is refused, not half applied. */
  g_assert_null (rtx_credential_use_new ("bearer", json_node_get_object (query_payload), &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/credential-use/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("http-header", test_http_header);
  ADD ("query-auth", test_query_auth);
  ADD ("basic-auth", test_basic_auth);
  ADD ("bearer", test_bearer);
  ADD ("oauth-token", test_oauth_token);
  ADD ("env-var", test_env_var);
  ADD ("wrong-targets", test_wrong_targets);
  ADD ("provider-key", test_provider_key);
  ADD ("provider-key-env-var-refused", test_provider_key_env_var_refused);

#undef ADD

  return g_test_run ();
}
