/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "rtx-api-client.h"
#include "rtx-ingest.h"
#include "rtx-link-fetch.h"
#include "rtx-test-utils.h"

/* upload-link against servers of the test's own on loopback. Loopback is refused by default;
 * the test allows exactly one address:port, its "public" server, through the operator's
 * allowlist (a C call here; RTX_LINK_ALLOW for an operator; nothing in the API). A second
 * server stands for an internal service and counts every request that reaches it: it must
 * never see one. */

typedef struct {
  RtxApiFixture  api;
  SoupServer    *allowed;
  SoupServer    *internal;
  guint16        allowed_port;
  guint16        internal_port;
  guint          internal_hits;
  char          *last_header;
} Fixture;

static guint16
listen_loopback (SoupServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  return g_uri_get_port (uris->data);
}

static void
on_internal (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Fixture *fixture = user_data;

  fixture->internal_hits++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, "internal secret", 15);
}

static void
on_allowed (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  g_free (fixture->last_header);
  fixture->last_header = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Test"));

  if (g_str_equal (path, "/page.html")) {
    const char *html = "<html><head><title>Public page</title></head><body><p>The public page talks about kites.</p></body></html>";

    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, html, strlen (html));
  } else if (g_str_equal (path, "/to-internal")) {
    g_autofree char *target = g_strdup_printf ("http://127.0.0.1:%u/secret", fixture->internal_port);

    soup_server_message_set_redirect (msg, 302, target);
  } else if (g_str_equal (path, "/to-localhost")) {
    g_autofree char *target = g_strdup_printf ("http://localhost:%u/secret", fixture->internal_port);

    soup_server_message_set_redirect (msg, 301, target);
  } else if (g_str_equal (path, "/to-metadata")) {
    soup_server_message_set_redirect (msg, 307, "http://169.254.169.254/latest/meta-data/");
  } else if (g_str_equal (path, "/to-file")) {
    soup_server_message_set_redirect (msg, 302, "file:///etc/passwd");
  } else if (g_str_has_prefix (path, "/loop/")) {
    guint n = atoi (path + 6);
    g_autofree char *target = g_strdup_printf ("/loop/%u", n + 1);

    soup_server_message_set_redirect (msg, 302, target);
  } else if (g_str_equal (path, "/binary")) {
    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_STATIC, "\x7f" "ELF", 4);
  } else {
    soup_server_message_set_status (msg, 404, NULL);
  }
  (void) headers;
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  RtxLinkPolicy *policy;

  rtx_api_fixture_setup (&fixture->api, "api-links");
  fixture->allowed = soup_server_new (NULL, NULL);
  fixture->internal = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->allowed, NULL, on_allowed, fixture, NULL);
  soup_server_add_handler (fixture->internal, NULL, on_internal, fixture, NULL);
  fixture->allowed_port = listen_loopback (fixture->allowed);
  fixture->internal_port = listen_loopback (fixture->internal);

  policy = rtx_ingest_get_link_policy (rtx_ingest_get (fixture->api.runtime));
  g_strfreev (policy->allow);
  policy->allow = g_new0 (char *, 2);
  policy->allow[0] = g_strdup_printf ("127.0.0.1:%u", fixture->allowed_port);
  policy->max_redirects = 5;
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  soup_server_disconnect (fixture->allowed);
  soup_server_disconnect (fixture->internal);
  g_clear_object (&fixture->allowed);
  g_clear_object (&fixture->internal);
  g_clear_pointer (&fixture->last_header, g_free);
  rtx_api_fixture_teardown (&fixture->api);
}

static gint64
document_count (Fixture *fixture)
{
  g_autoptr(RtxApiResponse) r = rtx_api_call (&fixture->api, "GET", "/api/v1/documents/folder/custom-documents", NULL);

  return json_object_get_int_member (rtx_api_object (r), "totalCount");
}

static RtxApiResponse *
upload_link (Fixture    *fixture,
             const char *link)
{
  g_autofree char *escaped = g_strescape (link, NULL);
  g_autofree char *body = g_strdup_printf ("{\"link\":\"%s\",\"scraperHeaders\":{\"X-Test\":\"yes\"}}", escaped);

  return rtx_api_call (&fixture->api, "POST", "/api/v1/document/upload-link", body);
}

static void
assert_refused (Fixture    *fixture,
                const char *link)
{
  g_autoptr(RtxApiResponse) r = upload_link (fixture, link);

  g_test_message ("refused? %s", link);
  g_assert_cmpuint (r->status, ==, 422);
  g_assert_false (json_object_get_boolean_member (rtx_api_object (r), "success"));
  g_assert_nonnull (rtx_api_string (r, "error"));
}

static void
test_allowed (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *link = g_strdup_printf ("http://127.0.0.1:%u/page.html", fixture->allowed_port);
  g_autoptr(RtxApiResponse) r = upload_link (fixture, link);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (rtx_api_string (r, "documents.0.title"), ==, "Public page");
  g_assert_nonnull (strstr (rtx_api_string (r, "documents.0.pageContent"), "talks about kites"));
  g_assert_cmpstr (rtx_api_string (r, "documents.0.chunkSource"), ==, g_strconcat ("link://", link, NULL));
  g_assert_true (g_str_has_prefix (rtx_api_string (r, "documents.0.location"), "custom-documents/url-"));
  /* scraperHeaders went with the request. */
  g_assert_cmpstr (fixture->last_header, ==, "yes");
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  guint16 in = fixture->internal_port;
  guint16 ok = fixture->allowed_port;
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (links, g_strdup_printf ("http://127.0.0.1:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://127.1.2.3:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://[::1]:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://[::ffff:127.0.0.1]:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://localhost:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://2130706433:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://0x7f.1:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://0177.0.0.1:%u/secret", in));
  g_ptr_array_add (links, g_strdup_printf ("http://0.0.0.0:%u/secret", in));
  /* Private, link-local and metadata addresses: refused before any connection is tried. */
  g_ptr_array_add (links, g_strdup ("http://10.0.0.1/"));
  g_ptr_array_add (links, g_strdup ("http://172.16.5.4/"));
  g_ptr_array_add (links, g_strdup ("http://192.168.1.1/"));
  g_ptr_array_add (links, g_strdup ("http://100.64.0.1/"));
  g_ptr_array_add (links, g_strdup ("http://169.254.169.254/latest/meta-data/"));
  g_ptr_array_add (links, g_strdup ("http://[fe80::1]/"));
  g_ptr_array_add (links, g_strdup ("http://[fc00::1]/"));
  /* Schemes other than http(s). */
  g_ptr_array_add (links, g_strdup ("file:///etc/passwd"));
  g_ptr_array_add (links, g_strdup_printf ("gopher://127.0.0.1:%u/", in));
  g_ptr_array_add (links, g_strdup ("data:text/html,<p>hi</p>"));
  g_ptr_array_add (links, g_strdup ("ftp://127.0.0.1/"));
  g_ptr_array_add (links, g_strdup ("not a url"));
  /* The allowed server, but with credentials in the URL. */
  g_ptr_array_add (links, g_strdup_printf ("http://user@127.0.0.1:%u/page.html", ok));
  /* Redirects from the allowed server to internal places, and a chain too long. */
  g_ptr_array_add (links, g_strdup_printf ("http://127.0.0.1:%u/to-internal", ok));
  g_ptr_array_add (links, g_strdup_printf ("http://127.0.0.1:%u/to-localhost", ok));
  g_ptr_array_add (links, g_strdup_printf ("http://127.0.0.1:%u/to-metadata", ok));
  g_ptr_array_add (links, g_strdup_printf ("http://127.0.0.1:%u/to-file", ok));
  g_ptr_array_add (links, g_strdup_printf ("http://127.0.0.1:%u/loop/0", ok));
  /* Allowed, but not something that can be read. */
  g_ptr_array_add (links, g_strdup_printf ("http://127.0.0.1:%u/binary", ok));

  for (guint i = 0; i < links->len; i++)
    assert_refused (fixture, g_ptr_array_index (links, i));

  g_assert_cmpuint (fixture->internal_hits, ==, 0);
  g_assert_cmpint (document_count (fixture), ==, 0);
}

/* The allowlist is the operator's: no route changes it, whatever a key sends. */
static void
test_knob_not_in_api (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *link = g_strdup_printf ("http://127.0.0.1:%u/secret", fixture->internal_port);
  g_autofree char *body = g_strdup_printf ("{\"RTX_LINK_ALLOW\":\"127.0.0.1:%u\",\"COLLECTOR_ALLOW_ANY_IP\":\"true\"}",
                                           fixture->internal_port);
  g_autoptr(RtxApiResponse) env = rtx_api_call (&fixture->api, "POST", "/api/v1/system/update-env", body);

  g_test_message ("update-env answered %u", env->status);
  assert_refused (fixture, link);
  g_assert_cmpuint (fixture->internal_hits, ==, 0);
}

static void
test_address_rules (void)
{
  const char *internal[] = { "127.0.0.1", "10.1.2.3", "172.31.255.255", "192.168.0.1", "169.254.169.254",
                             "100.100.100.100", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::",
                             "fe80::1", "fd12:3456::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::a00:1",
                             "2002:7f00:1::1", "ff02::1" };
  const char *public[] = { "93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8" };

  for (guint i = 0; i < G_N_ELEMENTS (internal); i++) {
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string (internal[i]);

    g_assert_nonnull (a);
    g_assert_false (rtx_link_address_is_public (a));
  }
  for (guint i = 0; i < G_N_ELEMENTS (public); i++) {
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string (public[i]);

    g_assert_true (rtx_link_address_is_public (a));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/links/address-rules", test_address_rules);
  g_test_add ("/links/allowed", Fixture, NULL, setup, test_allowed, teardown);
  g_test_add ("/links/refused", Fixture, NULL, setup, test_refused, teardown);
  g_test_add ("/links/knob-not-in-api", Fixture, NULL, setup, test_knob_not_in_api, teardown);

  return g_test_run ();
}
