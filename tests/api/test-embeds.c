/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-test-context.h"
#include "rtx-test-utils.h"

/* Embeds: management through the API, and the public widget routes with their allowlist,
 * limits and CORS answers. */

#define SITE "http://127.0.0.1:45001"
#define OTHER_SITE "http://127.0.0.1:45002"
#define SESSION "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
#define SESSION_2 "3f2504e0-4f89-41d3-9a0c-0305e82c3302"

typedef struct {
  ApiFixture  api;
  char       *admin_key;
  char       *uuid;
} Fixture;

static ApiResponse *
admin (Fixture    *f,
       const char *method,
       const char *path,
       const char *body)
{
  return api_call (&f->api, method, path, f->admin_key, body);
}

/* A public call from a page of @origin (NULL: no Origin header). */
static ApiResponse *
visit (Fixture    *f,
       const char *method,
       const char *path,
       const char *origin,
       const char *body)
{
  if (origin == NULL)
    return api_call_full (&f->api, method, path, NULL, "application/json", body, NULL);
  return api_call_full (&f->api, method, path, NULL, "application/json", body,
                        "Origin", origin, NULL);
}

static char *
create_embed (Fixture    *f,
              const char *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"workspace_slug\":\"docs\"%s%s}",
                                           extra != NULL ? "," : "", extra != NULL ? extra : "");
  g_autoptr(ApiResponse) response = admin (f, "POST", "/api/v1/embed/new", body);

  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (json_object_get_string_member (
    json_object_get_object_member (api_object (response), "embed"), "uuid"));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const char * const titles[] = { "Secret source title", NULL };
  static const char * const texts[] = { "The opening hours are nine to five.", NULL };
  g_autoptr(RtxTestContext) context = rtx_test_context_new (titles, texts);

  api_fixture_setup (&f->api, data);
  rtx_runtime_set_context_provider (f->api.runtime, RTX_CONTEXT_PROVIDER (context));
  f->admin_key = api_new_key (&f->api, "admin", TRUE, 0);
  {
    g_autoptr(ApiResponse) ws = admin (f, "POST", "/api/v1/workspace/new", "{\"name\":\"Docs\"}");

    g_assert_cmpuint (ws->status, ==, 200);
  }
  f->uuid = create_embed (f, "\"chat_mode\":\"chat\",\"allowlist_domains\":[\"" SITE "\"]");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  api_fixture_teardown (&f->api, data);
  g_free (f->admin_key);
  g_free (f->uuid);
}

static JsonObject *
get_embed (Fixture    *f,
           const char *uuid)
{
  g_autoptr(ApiResponse) response = admin (f, "GET", "/api/v1/embed", NULL);
  JsonArray *embeds = json_object_get_array_member (api_object (response), "embeds");

  for (guint i = 0; i < json_array_get_length (embeds); i++) {
    JsonObject *embed = json_array_get_object_element (embeds, i);

    if (g_str_equal (json_object_get_string_member (embed, "uuid"), uuid))
      return json_object_ref (embed);
  }

  return NULL;
}

static char *
allowlist_of (Fixture    *f,
              const char *uuid)
{
  g_autoptr(JsonObject) embed = get_embed (f, uuid);
  g_autoptr(JsonNode) node = json_node_copy (json_object_get_member (embed, "allowlist_domains"));

  return json_to_string (node, FALSE);
}

/* ---- Management -------------------------------------------------------------------------- */

static void
test_create_and_allowlists (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *from_csv = create_embed (f, "\"allowlist_domains\":\"example.com, "
                                               "HTTP://Shop.Example.org:8080 ,https://a.test:443\"");
  g_autofree char *empty = create_embed (f, NULL);
  g_autoptr(JsonObject) first = get_embed (f, f->uuid);

  /* An array and AnythingLLM's comma-separated string both work; bare hosts get https://. */
  {
    g_autofree char *list = allowlist_of (f, from_csv);

    g_assert_cmpstr (list, ==, "[\"https://example.com\",\"http://shop.example.org:8080\","
                               "\"https://a.test\"]");
  }
  {
    g_autofree char *list = allowlist_of (f, empty);

    g_assert_cmpstr (list, ==, "[]");
  }
  g_assert_true (json_object_get_boolean_member (first, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (first, "chat_mode"), ==, "chat");
  g_assert_cmpint (json_object_get_int_member (first, "message_limit"), ==, 20);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (first,
                                                                                 "workspace"),
                                                  "slug"), ==, "docs");
}

static void
test_create_refusals (Fixture       *f,
                      gconstpointer  data)
{
  const struct {
    const char *body;
    guint       status;
  } cases[] = {
    { "{}", 400 },
    { "{\"workspace_slug\":{\"not\":\"a\"}}", 400 },
    { "{\"workspace_slug\":\"nope\"}", 404 },
    { "{\"workspace_slug\":\"docs\",\"enabled\":\"yes\"}", 400 },
    { "{\"workspace_slug\":\"docs\",\"chat_mode\":\"automatic\"}", 400 },
    { "{\"workspace_slug\":\"docs\",\"max_chats_per_day\":-1}", 400 },
    { "{\"workspace_slug\":\"docs\",\"max_chats_per_session\":\"5\"}", 400 },
    { "{\"workspace_slug\":\"docs\",\"message_limit\":0}", 400 },
    { "{\"workspace_slug\":\"docs\",\"allowlist_domains\":[\"javascript:alert(1)\"]}", 400 },
    { "{\"workspace_slug\":\"docs\",\"allowlist_domains\":[\"https://a.test/path\"]}", 400 },
    { "{\"workspace_slug\":\"docs\",\"allowlist_domains\":[\"https://a.test'; script-src *\"]}", 400 },
    { "{\"workspace_slug\":\"docs\",\"allowlist_domains\":[\"*\"]}", 400 },
    { "{\"workspace_slug\":\"docs\",\"allowlist_domains\":[1]}", 400 },
    { "{\"workspace_slug\":\"docs\",\"allowlist_domains\":null}", 400 },
    { "{\"workspace_slug\":\"docs\",\"createdBy\":0}", 400 },
    { "{", 400 },
  };
  g_autoptr(ApiResponse) list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(ApiResponse) response = admin (f, "POST", "/api/v1/embed/new", cases[i].body);

    g_assert_cmpuint (response->status, ==, cases[i].status);
    g_assert_nonnull (api_error (response));
  }

  /* None of them made an embed, and no ordinary key reaches these routes. */
  list = admin (f, "GET", "/api/v1/embed", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (list),
                                                                         "embeds")), ==, 1);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/embed/%s", f->uuid);
    g_autofree char *chats = g_strdup_printf ("/api/v1/embed/%s/chats", f->uuid);
    const char *paths[][2] = {
      { "GET", "/api/v1/embed" }, { "POST", "/api/v1/embed/new" }, { "POST", path },
      { "DELETE", path }, { "GET", chats },
    };

    for (guint i = 0; i < G_N_ELEMENTS (paths); i++) {
      g_autoptr(ApiResponse) response = api_call (&f->api, paths[i][0], paths[i][1], f->api.key,
                                                  "{\"workspace_slug\":\"docs\"}");

      g_assert_cmpuint (response->status, ==, 403);
    }
  }
}

static void
test_update_keeps_allowlist (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/embed/%s", f->uuid);

  /* The AnythingLLM bug (#6357): an update that does not send the allowlist keeps it. */
  {
    g_autoptr(ApiResponse) response = admin (f, "POST", path, "{\"max_chats_per_day\":5}");
    g_autofree char *list = allowlist_of (f, f->uuid);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (list, ==, "[\"" SITE "\"]");
  }
  /* A bad allowlist is refused and changes nothing. */
  {
    g_autoptr(ApiResponse) response = admin (f, "POST", path,
                                             "{\"allowlist_domains\":[\"ftp://x\"],\"enabled\":false}");
    g_autoptr(JsonObject) embed = get_embed (f, f->uuid);
    g_autofree char *list = allowlist_of (f, f->uuid);

    g_assert_cmpuint (response->status, ==, 400);
    g_assert_cmpstr (list, ==, "[\"" SITE "\"]");
    g_assert_true (json_object_get_boolean_member (embed, "enabled"));
  }
  /* An explicit empty list clears it. */
  {
    g_autoptr(ApiResponse) response = admin (f, "POST", path, "{\"allowlist_domains\":[]}");
    g_autofree char *list = allowlist_of (f, f->uuid);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (list, ==, "[]");
  }

  {
    g_autoptr(ApiResponse) bad = admin (f, "POST", "/api/v1/embed/not-a-uuid", "{\"enabled\":true}");
    g_autoptr(ApiResponse) unknown = admin (f, "POST",
                                            "/api/v1/embed/00000000-0000-4000-8000-000000000000",
                                            "{\"enabled\":true}");

    g_assert_cmpuint (bad->status, ==, 400);
    g_assert_cmpuint (unknown->status, ==, 404);
  }
}

/* ---- The widget's routes ----------------------------------------------------------------- */

static char *
chat_path (Fixture *f)
{
  return g_strdup_printf ("/api/embed/%s/stream-chat", f->uuid);
}

static JsonArray *
parse_events (const char *text)
{
  g_auto(GStrv) blocks = g_strsplit (text, "\n\n", -1);
  JsonArray *events = json_array_new ();

  for (guint i = 0; blocks[i] != NULL; i++) {
    JsonNode *node;

    if (!g_str_has_prefix (blocks[i], "data: "))
      continue;
    node = json_from_string (blocks[i] + 6, NULL);
    g_assert_nonnull (node);
    json_array_add_element (events, node);
  }

  return events;
}

static void
assert_cors (ApiResponse *response,
             const char  *origin)
{
  const char *allow = soup_message_headers_get_one (response->headers,
                                                    "Access-Control-Allow-Origin");

  g_assert_cmpstr (allow, ==, origin);
  if (origin != NULL)
    g_assert_true (soup_message_headers_header_contains (response->headers, "Vary", "Origin"));
}

static void
test_stream_chat (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = chat_path (f);
  g_autoptr(ApiResponse) response = visit (f, "POST", path, SITE,
                                           "{\"sessionId\":\"" SESSION "\",\"message\":\"When are you open?\"}");
  g_autoptr(JsonArray) events = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  JsonObject *last;

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   "text/event-stream");
  assert_cors (response, SITE);

  events = parse_events (response->text);
  g_assert_cmpuint (json_array_get_length (events), >=, 2);
  for (guint i = 0; i < json_array_get_length (events); i++) {
    JsonObject *event = json_array_get_object_element (events, i);

    /* No source ever reaches the widget. */
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (event, "sources")),
                      ==, 0);
    g_string_append (answer, json_object_get_string_member (event, "textResponse"));
  }
  last = json_array_get_object_element (events, json_array_get_length (events) - 1);
  g_assert_true (json_object_get_boolean_member (last, "close"));
  g_assert_nonnull (strstr (answer->str, "nine to five"));

  /* Stored for the admin, with the page's origin, without the sources. */
  {
    g_autofree char *chats = g_strdup_printf ("/api/v1/embed/%s/chats/%s", f->uuid, SESSION);
    g_autoptr(ApiResponse) stored = admin (f, "GET", chats, NULL);
    JsonArray *rows = json_object_get_array_member (api_object (stored), "chats");
    JsonObject *row = json_array_get_object_element (rows, 0);

    g_assert_cmpuint (json_array_get_length (rows), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (row, "prompt"), ==, "When are you open?");
    g_assert_nonnull (strstr (json_object_get_string_member (row, "connection_information"),
                              SITE));
    g_assert_null (strstr (json_object_get_string_member (row, "response"), "sources"));
  }

  /* The history, then a reset. */
  {
    g_autofree char *session = g_strdup_printf ("/api/embed/%s/%s", f->uuid, SESSION);
    g_autoptr(ApiResponse) history = visit (f, "GET", session, SITE, NULL);
    g_autoptr(ApiResponse) reset = visit (f, "DELETE", session, SITE, NULL);
    g_autoptr(ApiResponse) after = visit (f, "GET", session, SITE, NULL);
    JsonArray *turns = json_object_get_array_member (api_object (history), "history");

    g_assert_cmpuint (history->status, ==, 200);
    assert_cors (history, SITE);
    g_assert_cmpuint (json_array_get_length (turns), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (turns, 0),
                                                    "content"), ==, "When are you open?");
    g_assert_cmpuint (reset->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (after),
                                                                           "history")), ==, 0);
  }
}

static void
test_origins (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = chat_path (f);
  g_autofree char *session = g_strdup_printf ("/api/embed/%s/%s", f->uuid, SESSION);
  const char *refused[] = {
    OTHER_SITE, "http://127.0.0.1:45001.evil.test", "https://127.0.0.1:45001", "null",
    "http://127.0.0.1:45001/", "*",
  };
  const char *body = "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\"}";

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr(ApiResponse) chat = visit (f, "POST", path, refused[i], body);
    g_autoptr(ApiResponse) preflight = visit (f, "OPTIONS", path, refused[i], NULL);
    g_autoptr(ApiResponse) history = visit (f, "GET", session, refused[i], NULL);

    g_test_message ("origin %s", refused[i]);
    g_assert_cmpuint (chat->status, ==, 401);
    g_assert_cmpstr (api_error (chat), ==, "This website is not allowed to use this chat");
    assert_cors (chat, NULL);
    g_assert_cmpuint (preflight->status, ==, 401);
    assert_cors (preflight, NULL);
    g_assert_cmpuint (history->status, ==, 401);
  }

  /* No Origin at all (not a browser page, and not the runtime's own frame either). */
  {
    g_autoptr(ApiResponse) chat = visit (f, "POST", path, NULL, body);

    g_assert_cmpuint (chat->status, ==, 401);
  }

  /* The allowlisted origin gets the preflight, its own origin echoed, never "*". */
  {
    g_autoptr(ApiResponse) preflight = api_call_full (&f->api, "OPTIONS", path, NULL, NULL, NULL,
                                                      "Origin", SITE,
                                                      "Access-Control-Request-Method", "POST",
                                                      "Access-Control-Request-Headers",
                                                      "content-type", NULL);

    g_assert_cmpuint (preflight->status, ==, 204);
    assert_cors (preflight, SITE);
    g_assert_true (soup_message_headers_header_contains (preflight->headers,
                                                         "Access-Control-Allow-Methods", "POST"));
    g_assert_true (soup_message_headers_header_contains (preflight->headers,
                                                         "Access-Control-Allow-Headers",
                                                         "Content-Type"));
  }

  /* The runtime's own frame names the page that frames it. */
  {
    g_autofree char *own = g_strdup_printf ("http://127.0.0.1:%u",
                                            rtx_server_get_port (f->api.server));
    g_autoptr(ApiResponse) framed = api_call_full (&f->api, "POST", path, NULL,
                                                   "application/json", body, "Origin", own,
                                                   "X-Embed-Parent-Origin", SITE, NULL);
    g_autoptr(ApiResponse) elsewhere = api_call_full (&f->api, "POST", path, NULL,
                                                      "application/json", body, "Origin", own,
                                                      "X-Embed-Parent-Origin", OTHER_SITE, NULL);

    g_assert_cmpuint (framed->status, ==, 200);
    assert_cors (framed, NULL);
    g_assert_cmpuint (elsewhere->status, ==, 401);
  }
}

static void
test_bad_sessions (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = chat_path (f);
  const char *bodies[] = {
    "{\"sessionId\":{\"not\":\"a\"},\"message\":\"hi\"}",
    "{\"sessionId\":[\"" SESSION "\"],\"message\":\"hi\"}",
    "{\"sessionId\":42,\"message\":\"hi\"}",
    "{\"sessionId\":\"abc\",\"message\":\"hi\"}",
    "{\"sessionId\":\"" SESSION "x\",\"message\":\"hi\"}",
    "{\"message\":\"hi\"}",
    "{\"sessionId\":\"" SESSION "\"}",
    "{\"sessionId\":\"" SESSION "\",\"message\":\"   \"}",
    "{\"sessionId\":\"" SESSION "\",\"message\":{\"not\":\"a\"}}",
    "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\",\"temperature\":\"hot\"}",
    "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\",\"embed_id\":1}",
    "not json",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(ApiResponse) response = visit (f, "POST", path, SITE, bodies[i]);

    g_test_message ("body %s", bodies[i]);
    g_assert_cmpuint (response->status, ==, 400);
    g_assert_nonnull (api_error (response));
  }

  /* CVE-2024-8251 leaked every chat through a session filter object: nothing leaks here. */
  {
    g_autoptr(ApiResponse) response = visit (f, "POST", path, SITE, bodies[0]);

    g_assert_cmpstr (api_error (response), ==, "Invalid request: “sessionId” must be a string");
  }
  {
    g_autofree char *history = g_strdup_printf ("/api/embed/%s/%s", f->uuid,
                                                "%7B%22not%22%3A%22a%22%7D");
    g_autoptr(ApiResponse) response = visit (f, "GET", history, SITE, NULL);

    g_assert_cmpuint (response->status, ==, 400);
  }
  /* A malformed or unknown embed allowlists no page: the Origin guard refuses first. Without
   * an Origin the request reaches validation and the lookup. */
  {
    const char *malformed = "/api/embed/not-a-uuid/stream-chat";
    const char *unknown = "/api/embed/00000000-0000-4000-8000-000000000000/stream-chat";
    const char *good = "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\"}";
    g_autoptr(ApiResponse) malformed_site = visit (f, "POST", malformed, SITE, good);
    g_autoptr(ApiResponse) malformed_none = visit (f, "POST", malformed, NULL, good);
    g_autoptr(ApiResponse) unknown_site = visit (f, "POST", unknown, SITE, good);
    g_autoptr(ApiResponse) unknown_none = visit (f, "POST", unknown, NULL, good);

    g_assert_cmpuint (malformed_site->status, ==, 401);
    assert_cors (malformed_site, NULL);
    g_assert_cmpuint (malformed_none->status, ==, 400);
    g_assert_cmpuint (unknown_site->status, ==, 401);
    assert_cors (unknown_site, NULL);
    g_assert_cmpuint (unknown_none->status, ==, 404);
  }
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = chat_path (f);
  g_autofree char *config = g_strdup_printf ("/api/v1/embed/%s", f->uuid);
  const char *one = "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\"}";
  const char *two = "{\"sessionId\":\"" SESSION_2 "\",\"message\":\"hi\"}";

  {
    g_autoptr(ApiResponse) r = admin (f, "POST", config,
                                      "{\"max_chats_per_session\":2,\"max_chats_per_day\":3}");

    g_assert_cmpuint (r->status, ==, 200);
  }
  for (guint i = 0; i < 2; i++) {
    g_autoptr(ApiResponse) r = visit (f, "POST", path, SITE, one);

    g_assert_cmpuint (r->status, ==, 200);
  }
  {
    g_autoptr(ApiResponse) per_session = visit (f, "POST", path, SITE, one);
    g_autoptr(ApiResponse) other_session = visit (f, "POST", path, SITE, two);
    g_autoptr(ApiResponse) per_day = visit (f, "POST", path, SITE, two);

    g_assert_cmpuint (per_session->status, ==, 429);
    assert_cors (per_session, SITE);
    g_assert_cmpuint (other_session->status, ==, 200);
    g_assert_cmpuint (per_day->status, ==, 429);
  }

  /* Disabled: 503, before any limit. */
  {
    g_autoptr(ApiResponse) r = admin (f, "POST", config, "{\"enabled\":false}");
    g_autoptr(ApiResponse) chat = visit (f, "POST", path, SITE, one);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (chat->status, ==, 503);
  }
}

static void
test_frame_and_script (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *frame = g_strdup_printf ("/embed/%s/frame", f->uuid);
  g_autofree char *closed = create_embed (f, NULL);
  g_autofree char *closed_frame = g_strdup_printf ("/embed/%s/frame", closed);

  {
    g_autoptr(ApiResponse) page = api_call (&f->api, "GET", frame, NULL, NULL);
    const char *csp = soup_message_headers_get_one (page->headers, "Content-Security-Policy");

    g_assert_cmpuint (page->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (page->headers, NULL), ==, "text/html");
    g_assert_nonnull (strstr (csp, "frame-ancestors " SITE));
    g_assert_nonnull (strstr (csp, "connect-src 'self'"));
    g_assert_nonnull (strstr (csp, "script-src 'self'"));
    g_assert_null (strstr (csp, "unsafe-inline"));
    g_assert_null (strstr (csp, "*"));
    g_assert_nonnull (strstr (page->text, f->uuid));
    /* No inline script: the only <script> has a src. */
    g_assert_null (strstr (page->text, "<script>"));
  }
  {
    g_autoptr(ApiResponse) page = api_call (&f->api, "GET", closed_frame, NULL, NULL);

    g_assert_nonnull (strstr (soup_message_headers_get_one (page->headers,
                                                            "Content-Security-Policy"),
                              "frame-ancestors 'none'"));
  }
  {
    g_autoptr(ApiResponse) script = api_call (&f->api, "GET", "/embed/chat-widget.js", NULL, NULL);

    g_assert_cmpuint (script->status, ==, 200);
    g_assert_cmpstr (soup_message_headers_get_content_type (script->headers, NULL), ==,
                     "text/javascript");
    g_assert_nonnull (strstr (script->text, "data-embed-id"));
    /* It loads nothing from elsewhere. */
    g_assert_null (strstr (script->text, "https://"));
    g_assert_null (strstr (script->text, "innerHTML"));
  }
  {
    g_autoptr(ApiResponse) bad = api_call (&f->api, "GET", "/embed/x/frame", NULL, NULL);
    g_autoptr(ApiResponse) unknown = api_call (&f->api, "GET",
                                               "/embed/00000000-0000-4000-8000-000000000000/frame",
                                               NULL, NULL);

    g_assert_cmpuint (bad->status, ==, 400);
    g_assert_cmpuint (unknown->status, ==, 404);
  }
}

static void
test_delete (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *config = g_strdup_printf ("/api/v1/embed/%s", f->uuid);
  g_autofree char *path = chat_path (f);

  {
    g_autoptr(ApiResponse) chat = visit (f, "POST", path, SITE,
                                         "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\"}");

    g_assert_cmpuint (chat->status, ==, 200);
  }
  {
    g_autoptr(ApiResponse) deleted = admin (f, "DELETE", config, NULL);
    g_autoptr(ApiResponse) again = admin (f, "DELETE", config, NULL);
    g_autoptr(ApiResponse) chat = visit (f, "POST", path, SITE,
                                         "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\"}");

    g_autoptr(ApiResponse) framed = visit (f, "POST", path, NULL,
                                           "{\"sessionId\":\"" SESSION "\",\"message\":\"hi\"}");

    g_assert_cmpuint (deleted->status, ==, 200);
    g_assert_cmpuint (again->status, ==, 404);
    /* The page's origin went with the embed's allowlist. */
    g_assert_cmpuint (chat->status, ==, 401);
    assert_cors (chat, NULL);
    g_assert_cmpuint (framed->status, ==, 404);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/embeds/create", test_create_and_allowlists);
  ADD ("/rtx/api/embeds/create-refusals", test_create_refusals);
  ADD ("/rtx/api/embeds/update-keeps-allowlist", test_update_keeps_allowlist);
  ADD ("/rtx/api/embeds/stream-chat", test_stream_chat);
  ADD ("/rtx/api/embeds/origins", test_origins);
  ADD ("/rtx/api/embeds/bad-sessions", test_bad_sessions);
  ADD ("/rtx/api/embeds/limits", test_limits);
  ADD ("/rtx/api/embeds/frame-and-script", test_frame_and_script);
  ADD ("/rtx/api/embeds/delete", test_delete);
#undef ADD

  return g_test_run ();
}
