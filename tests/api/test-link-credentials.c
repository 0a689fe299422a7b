/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "rtx-api-client.h"
#include "rtx-ingest.h"
#include "rtx-test-utils.h"

/* upload-link requests that name a credential, against the real keyring of the test session
 * and two servers of the test's own, "origin" and "elsewhere", on two loopback ports (so two
 * origins), both on the operator's allowlist. Each server remembers what the last request to it
 * carried; origin answers only when the credential is right, and can redirect to itself or to
 * elsewhere. Every secret is unique and recorded for the suite's final sweep, and this file
 * also checks that none reached a file of the data dir or an answer. */

static const RtxActor tester = { "tester", "cli" };

typedef struct {
  guint  hits;
  char  *authorization;
  char  *api_key;
  char  *query;
} Seen;

typedef struct {
  RtxApiFixture  api;
  char          *user_bearer;
  char          *admin_bearer;
  SoupServer    *origin;
  SoupServer    *elsewhere;
  guint16        origin_port;
  guint16        elsewhere_port;
  Seen           at_origin;
  Seen           at_elsewhere;
  char          *expected_header;   /* name: value the origin insists on */
  char          *expected_query;    /* name=value */
} Fixture;

static void
seen_clear (Seen *seen)
{
  seen->hits = 0;
  g_clear_pointer (&seen->authorization, g_free);
  g_clear_pointer (&seen->api_key, g_free);
  g_clear_pointer (&seen->query, g_free);
}

static void
remember (Seen              *seen,
          SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  seen_clear (seen);
  seen->hits = 1;
  seen->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  seen->api_key = g_strdup (soup_message_headers_get_one (headers, "X-Api-Key"));
  seen->query = g_strdup (query);
}

static void
serve_page (SoupServerMessage *msg,
            const char        *words)
{
  g_autofree char *html = g_strdup_printf ("<html><head><title>Members only</title></head>"
                                           "<body><p>%s</p></body></html>", words);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html,
                                    strlen (html));
}

/* Whether the origin's last request carried the credential it expects. */
static gboolean
authorized (Fixture *fixture)
{
  g_auto(GStrv) header = NULL;
  g_auto(GStrv) pairs = NULL;
  const char *value;

  if (fixture->expected_query != NULL) {
    if (fixture->at_origin.query == NULL)
      return FALSE;
    pairs = g_strsplit (fixture->at_origin.query, "&", -1);
    return g_strv_contains ((const char * const *) pairs, fixture->expected_query);
  }

  header = g_strsplit (fixture->expected_header, ": ", 2);
  value = g_ascii_strcasecmp (header[0], "Authorization") == 0 ? fixture->at_origin.authorization
                                                                : fixture->at_origin.api_key;
  return g_strcmp0 (value, header[1]) == 0;
}

static void
on_origin (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  guint hits = fixture->at_origin.hits;

  remember (&fixture->at_origin, msg);
  fixture->at_origin.hits += hits;

  if (!authorized (fixture)) {
    soup_server_message_set_status (msg, 401, NULL);
    return;
  }

  if (g_str_equal (path, "/page.html")) {
    serve_page (msg, "The members page talks about herons.");
  } else if (g_str_equal (path, "/to-same")) {
    soup_server_message_set_redirect (msg, 302, "/page.html");
  } else if (g_str_equal (path, "/to-elsewhere")) {
    /* Echoes the query, credential included, as careless servers do. */
    g_autofree char *target = g_strdup_printf ("http://127.0.0.1:%u/page.html%s%s",
                                               fixture->elsewhere_port,
                                               fixture->at_origin.query != NULL ? "?" : "",
                                               fixture->at_origin.query != NULL
                                               ? fixture->at_origin.query : "");

    soup_server_message_set_redirect (msg, 302, target);
  } else {
    soup_server_message_set_status (msg, 404, NULL);
  }
}

static void
on_elsewhere (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *fixture = user_data;
  guint hits = fixture->at_elsewhere.hits;

  remember (&fixture->at_elsewhere, msg);
  fixture->at_elsewhere.hits += hits;
  serve_page (msg, "Another site talks about storks.");
}

static guint16
listen_loopback (SoupServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  return g_uri_get_port (uris->data);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  RtxSecret *secret = NULL;
  RtxLinkPolicy *policy;

  rtx_api_fixture_setup (&fixture->api, "api-link-credentials");
  fixture->user_bearer = g_strdup (fixture->api.bearer);
  key = rtx_api_keys_create (rtx_runtime_get_api_keys (fixture->api.runtime), "admin", TRUE,
                             &tester, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  fixture->admin_bearer = g_strconcat ("Bearer ", secret, NULL);
  rtx_secret_free (secret);

  fixture->origin = soup_server_new (NULL, NULL);
  fixture->elsewhere = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->origin, NULL, on_origin, fixture, NULL);
  soup_server_add_handler (fixture->elsewhere, NULL, on_elsewhere, fixture, NULL);
  fixture->origin_port = listen_loopback (fixture->origin);
  fixture->elsewhere_port = listen_loopback (fixture->elsewhere);

  policy = rtx_ingest_get_link_policy (rtx_ingest_get (fixture->api.runtime));
  g_strfreev (policy->allow);
  policy->allow = g_new0 (char *, 3);
  policy->allow[0] = g_strdup_printf ("127.0.0.1:%u", fixture->origin_port);
  policy->allow[1] = g_strdup_printf ("127.0.0.1:%u", fixture->elsewhere_port);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  soup_server_disconnect (fixture->origin);
  soup_server_disconnect (fixture->elsewhere);
  g_clear_object (&fixture->origin);
  g_clear_object (&fixture->elsewhere);
  seen_clear (&fixture->at_origin);
  seen_clear (&fixture->at_elsewhere);
  g_clear_pointer (&fixture->expected_header, g_free);
  g_clear_pointer (&fixture->expected_query, g_free);
  g_clear_pointer (&fixture->user_bearer, g_free);
  g_clear_pointer (&fixture->admin_bearer, g_free);
  rtx_api_fixture_teardown (&fixture->api);
}

static RtxApiResponse *
call_as (Fixture    *fixture,
         const char *bearer,
         const char *method,
         const char *path,
         const char *body)
{
  RtxApiResponse *response;

  g_free (fixture->api.bearer);
  fixture->api.bearer = g_strdup (bearer);
  response = rtx_api_call (&fixture->api, method, path, body);
  g_free (fixture->api.bearer);
  fixture->api.bearer = g_strdup (fixture->user_bearer);
  return response;
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
                   const char *name,
                   const char *type,
                   const char *payload)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"%s\",\"payload\":%s}",
                                           name, type, payload);
  g_autoptr(RtxApiResponse) r = call_as (fixture, fixture->admin_bearer, "POST",
                                         "/api/v1/credentials", body);

  g_assert_cmpuint (r->status, ==, 200);
}

static RtxApiResponse *
upload_link (Fixture    *fixture,
             const char *bearer,
             const char *path,
             const char *credential_json)
{
  g_autofree char *body = g_strdup_printf ("{\"link\":\"http://127.0.0.1:%u%s\","
                                           "\"credential\":%s}",
                                           fixture->origin_port, path, credential_json);

  return call_as (fixture, bearer, "POST", "/api/v1/document/upload-link", body);
}

static gboolean
tree_contains (const char *dir_path,
               const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *leaf;

  while (dir != NULL && (leaf = g_dir_read_name (dir)) != NULL) {
    g_autofree char *path = g_build_filename (dir_path, leaf, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK)) {
      if (tree_contains (path, needle))
        return TRUE;
    } else if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && rtx_test_file_contains (path, needle)) {
      return TRUE;
    }
  }
  return FALSE;
}

static gint64
count_rows (Fixture    *fixture,
            const char *sql)
{
  RtxDb *db = rtx_runtime_get_db (fixture->api.runtime);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, sql, NULL);
  gboolean have_row = FALSE;

  g_assert_nonnull (stmt);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, NULL));
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
document_count (Fixture *fixture)
{
  g_autoptr(RtxApiResponse) r = rtx_api_call (&fixture->api, "GET",
                                              "/api/v1/documents/folder/custom-documents", NULL);

  return json_object_get_int_member (rtx_api_object (r), "totalCount");
}

/* ---- Header credentials ---------------------------------------------------------------- */

/* Each header type reaches the origin as the header it stands for; the document is stored;
 * the value is in no answer and no file; each use is one audited read. */
static void
test_header_types (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char *types[] = { "http_header", "bearer", "basic_auth", "oauth_token" };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    g_autofree char *secret = new_secret (types[i]);
    g_autofree char *name = g_strdup_printf ("site-%u", i);
    g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
    g_autofree char *payload = NULL;
    g_autofree char *basic = NULL;
    g_autoptr(RtxApiResponse) r = NULL;

    g_test_message ("type %s", types[i]);
    g_clear_pointer (&fixture->expected_header, g_free);
    if (g_str_equal (types[i], "http_header")) {
      payload = g_strdup_printf ("{\"name\":\"X-Api-Key\",\"value\":\"%s\"}", secret);
      fixture->expected_header = g_strdup_printf ("X-Api-Key: %s", secret);
    } else if (g_str_equal (types[i], "bearer")) {
      payload = g_strdup_printf ("{\"token\":\"%s\"}", secret);
      fixture->expected_header = g_strdup_printf ("Authorization: Bearer %s", secret);
    } else if (g_str_equal (types[i], "basic_auth")) {
      g_autofree char *pair = g_strdup_printf ("ada:%s", secret);

      payload = g_strdup_printf ("{\"username\":\"ada\",\"password\":\"%s\"}", secret);
      basic = g_base64_encode ((const guchar *) pair, strlen (pair));
      fixture->expected_header = g_strdup_printf ("Authorization: Basic %s", basic);
    } else {
      payload = g_strdup_printf ("{\"access_token\":\"%s\"}", secret);
      fixture->expected_header = g_strdup_printf ("Authorization: Bearer %s", secret);
    }
    create_credential (fixture, name, types[i], payload);

    r = upload_link (fixture, fixture->admin_bearer, "/page.html", quoted);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (fixture->at_origin.hits, ==, 1);
    g_assert_true (authorized (fixture));
    g_assert_nonnull (strstr (rtx_api_string (r, "documents.0.pageContent"), "herons"));
    g_assert_null (strstr (r->body, secret));
    g_assert_false (tree_contains (fixture->api.data_dir, secret));
    seen_clear (&fixture->at_origin);
  }

  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM audit_log "
                                        "WHERE action = 'credential.read'"), ==, 4);
  g_assert_cmpint (document_count (fixture), ==, 4);
}

/* A redirect on the same origin keeps the credential; one to another origin drops it. */
static void
test_header_stays_on_origin (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *secret = new_secret ("origin-token");
  g_autofree char *payload = g_strdup_printf ("{\"token\":\"%s\"}", secret);
  g_autoptr(RtxApiResponse) same = NULL;
  g_autoptr(RtxApiResponse) other = NULL;

  fixture->expected_header = g_strdup_printf ("Authorization: Bearer %s", secret);
  create_credential (fixture, "origin-only", "bearer", payload);

  same = upload_link (fixture, fixture->admin_bearer, "/to-same", "\"origin-only\"");
  g_assert_cmpuint (same->status, ==, 200);
  g_assert_cmpuint (fixture->at_origin.hits, ==, 2);
  g_assert_true (authorized (fixture));   /* the second hop, /page.html, carried it too */
  g_assert_nonnull (strstr (rtx_api_string (same, "documents.0.pageContent"), "herons"));
  g_assert_cmpuint (fixture->at_elsewhere.hits, ==, 0);

  seen_clear (&fixture->at_origin);
  other = upload_link (fixture, fixture->admin_bearer, "/to-elsewhere", "\"origin-only\"");
  g_assert_cmpuint (other->status, ==, 200);
  g_assert_cmpuint (fixture->at_origin.hits, ==, 1);
  g_assert_cmpuint (fixture->at_elsewhere.hits, ==, 1);
  g_assert_null (fixture->at_elsewhere.authorization);
  g_assert_nonnull (strstr (rtx_api_string (other, "documents.0.pageContent"), "storks"));
  g_assert_false (tree_contains (fixture->api.data_dir, secret));
}

/* The client's own scraperHeaders reach the link's origin, and not another origin it
 * redirects to. */
static void
test_client_headers_stay_on_origin (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *secret = new_secret ("client-token");
  g_autofree char *body = g_strdup_printf ("{\"link\":\"http://127.0.0.1:%u/to-elsewhere\","
                                           "\"scraperHeaders\":{\"Authorization\":\"Bearer %s\"}}",
                                           fixture->origin_port, secret);
  g_autoptr(RtxApiResponse) r = NULL;

  fixture->expected_header = g_strdup_printf ("Authorization: Bearer %s", secret);
  r = call_as (fixture, fixture->admin_bearer, "POST", "/api/v1/document/upload-link", body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpuint (fixture->at_origin.hits, ==, 1);
  g_assert_true (authorized (fixture));
  g_assert_cmpuint (fixture->at_elsewhere.hits, ==, 1);
  g_assert_null (fixture->at_elsewhere.authorization);
  g_assert_nonnull (strstr (rtx_api_string (r, "documents.0.pageContent"), "storks"));
}

/* ---- Query credentials ----------------------------------------------------------------- */

/* A query credential goes into the origin's URL only: not into the stored document (URL,
 * chunk source, anything on disk), and not to another origin even when the origin's redirect
 * echoes it back. */
static void
test_query_stays_on_origin (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *secret = new_secret ("query-key");
  g_autofree char *payload = g_strdup_printf ("{\"name\":\"api_key\",\"value\":\"%s\"}", secret);
  g_autofree char *link = g_strdup_printf ("http://127.0.0.1:%u/page.html?lang=en",
                                           fixture->origin_port);
  g_autofree char *body = g_strdup_printf ("{\"link\":\"%s\",\"credential\":\"by-query\"}", link);
  g_autoptr(RtxApiResponse) direct = NULL;
  g_autoptr(RtxApiResponse) other = NULL;
  g_autoptr(RtxApiResponse) listed = NULL;

  fixture->expected_query = g_strdup_printf ("api_key=%s", secret);
  create_credential (fixture, "by-query", "query_auth", payload);

  direct = call_as (fixture, fixture->admin_bearer, "POST", "/api/v1/document/upload-link", body);
  g_assert_cmpuint (direct->status, ==, 200);
  g_assert_true (authorized (fixture));
  g_assert_nonnull (strstr (fixture->at_origin.query, "lang=en"));
  g_assert_cmpstr (rtx_api_string (direct, "documents.0.url"), ==, link);
  g_assert_null (strstr (direct->body, secret));

  seen_clear (&fixture->at_origin);
  other = upload_link (fixture, fixture->admin_bearer, "/to-elsewhere", "\"by-query\"");
  g_assert_cmpuint (other->status, ==, 200);
  g_assert_true (authorized (fixture));
  g_assert_cmpuint (fixture->at_elsewhere.hits, ==, 1);
  g_assert_true (fixture->at_elsewhere.query == NULL ||
                 strstr (fixture->at_elsewhere.query, secret) == NULL);
  g_assert_null (strstr (other->body, secret));

  listed = rtx_api_call (&fixture->api, "GET", "/api/v1/documents", NULL);
  g_assert_null (strstr (listed->body, secret));
  g_assert_false (tree_contains (fixture->api.data_dir, secret));
}

/* ---- Refusals -------------------------------------------------------------------------- */

/* Nothing is fetched and nothing stored when the credential cannot be used: unknown name,
 * an env_var credential, a value that is no name, an ordinary key. */
static void
test_refused_before_fetch (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *secret = new_secret ("env-value");
  g_autofree char *payload = g_strdup_printf ("{\"name\":\"SITE_KEY\",\"value\":\"%s\"}", secret);
  g_autofree char *token = new_secret ("user-token");
  g_autofree char *bearer_payload = g_strdup_printf ("{\"token\":\"%s\"}", token);
  g_autoptr(RtxApiResponse) unknown = NULL;
  g_autoptr(RtxApiResponse) env = NULL;
  g_autoptr(RtxApiResponse) not_a_name = NULL;
  g_autoptr(RtxApiResponse) empty = NULL;
  g_autoptr(RtxApiResponse) ordinary = NULL;

  fixture->expected_header = g_strdup_printf ("Authorization: Bearer %s", token);
  create_credential (fixture, "for-apps", "env_var", payload);
  create_credential (fixture, "admins-only", "bearer", bearer_payload);

  unknown = upload_link (fixture, fixture->admin_bearer, "/page.html", "\"no-such-thing\"");
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_false (json_object_get_boolean_member (rtx_api_object (unknown), "success"));
  g_assert_nonnull (strstr (rtx_api_string (unknown, "error"), "no-such-thing"));

  env = upload_link (fixture, fixture->admin_bearer, "/page.html", "\"for-apps\"");
  g_assert_cmpuint (env->status, ==, 400);
  g_assert_nonnull (strstr (rtx_api_string (env, "error"), "env_var"));
  g_assert_null (strstr (env->body, secret));

  not_a_name = upload_link (fixture, fixture->admin_bearer, "/page.html", "42");
  g_assert_cmpuint (not_a_name->status, ==, 400);
  empty = upload_link (fixture, fixture->admin_bearer, "/page.html", "\"\"");
  g_assert_cmpuint (empty->status, ==, 400);

  ordinary = upload_link (fixture, fixture->user_bearer, "/page.html", "\"admins-only\"");
  g_assert_cmpuint (ordinary->status, ==, 403);
  g_assert_nonnull (strstr (rtx_api_string (ordinary, "error"), "administrator"));

  g_assert_cmpuint (fixture->at_origin.hits, ==, 0);
  g_assert_cmpint (document_count (fixture), ==, 0);
  /* Only the env_var credential was read (to learn its type), by the admin key. */
  g_assert_cmpint (count_rows (fixture, "SELECT count(*) FROM audit_log "
                                        "WHERE action = 'credential.read'"), ==, 1);
  g_assert_false (tree_contains (fixture->api.data_dir, secret));
  g_assert_false (tree_contains (fixture->api.data_dir, token));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/api/link-credentials/" path, Fixture, NULL, setup, func, teardown)

  ADD ("header-types", test_header_types);
  ADD ("header-stays-on-origin", test_header_stays_on_origin);
  ADD ("client-headers-stay-on-origin", test_client_headers_stay_on_origin);
  ADD ("query-stays-on-origin", test_query_stays_on_origin);
  ADD ("refused-before-fetch", test_refused_before_fetch);

#undef ADD

  return g_test_run ();
}
