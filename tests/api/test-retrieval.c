/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-api-client.h"
#include "rtx-embedder-builtin.h"
#include "rtx-test-fixtures.h"
#include "rtx-test-utils.h"

/* Documents in workspaces: ingestion into a workspace, update-embeddings, vector-search,
 * pins, and the sources a chat answers from, against a live server. */

typedef RtxApiFixture Fixture;

static const char *facts[] = {
  "Sea otters hold hands while they sleep so that they do not drift apart on the current.",
  "The Eiffel Tower grows about fifteen centimetres taller in summer because the iron expands in the heat.",
  "Honey never spoils: archaeologists found edible honey in ancient Egyptian tombs.",
  "Octopuses have three hearts and blue blood that carries oxygen with copper.",
  "Bananas are berries in the botanical sense, while strawberries are not.",
  "A day on Venus lasts longer than its year because the planet rotates very slowly.",
};

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  rtx_api_fixture_setup (fixture, "api-retrieval");
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  rtx_api_fixture_teardown (fixture);
}

static char *
new_workspace (Fixture    *fixture,
               const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", name);
  g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", "/api/v1/workspace/new", body);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (rtx_api_string (r, "workspace.slug"));
}

static char *
raw_text (Fixture    *fixture,
          const char *title,
          const char *text,
          const char *workspaces)
{
  g_autofree char *escaped = g_strescape (text, NULL);
  g_autofree char *extra = workspaces ? g_strdup_printf (",\"addToWorkspaces\":\"%s\"", workspaces) : g_strdup ("");
  g_autofree char *body = g_strdup_printf ("{\"textContent\":\"%s\",\"metadata\":{\"title\":\"%s\"}%s}",
                                           escaped, title, extra);
  g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", "/api/v1/document/raw-text", body);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (rtx_api_string (r, "documents.0.location"));
}

static RtxApiResponse *
search (Fixture    *fixture,
        const char *slug,
        const char *query,
        guint       top_n)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/workspace/%s/vector-search", slug);
  g_autofree char *body = g_strdup_printf ("{\"query\":\"%s\",\"topN\":%u,\"scoreThreshold\":0}", query, top_n);

  return rtx_api_call (fixture, "POST", path, body);
}

static guint
n_results (RtxApiResponse *r)
{
  return json_array_get_length (json_object_get_array_member (rtx_api_object (r), "results"));
}

static void
update_embeddings (Fixture    *fixture,
                   const char *slug,
                   const char *adds,
                   const char *deletes,
                   guint       status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/workspace/%s/update-embeddings", slug);
  g_autofree char *body = g_strdup_printf ("{\"adds\":[%s],\"deletes\":[%s]}", adds, deletes);
  g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", path, body);

  g_assert_cmpuint (r->status, ==, status);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *slug = new_workspace (fixture, "Trivia");
  g_autofree char *otters = NULL;
  g_autofree char *quoted = NULL;
  g_autoptr(RtxApiResponse) found = NULL;
  g_autoptr(RtxApiResponse) gone = NULL;
  g_autoptr(RtxApiResponse) back = NULL;
  g_autoptr(RtxApiResponse) ws = NULL;
  g_autofree char *ws_path = g_strdup_printf ("/api/v1/workspace/%s", slug);
  const char *pages[] = { "Lighthouse log.\nThe keeper of the north lighthouse counted forty-two gulls on Tuesday.", NULL };
  g_autoptr(GBytes) pdf = rtx_test_make_pdf (pages, "Lighthouse log");

  otters = raw_text (fixture, "Otters", facts[0], slug);
  for (guint i = 1; i < G_N_ELEMENTS (facts); i++) {
    g_autofree char *title = g_strdup_printf ("Fact %u", i);
    g_autofree char *location = raw_text (fixture, title, facts[i], NULL);
    g_autofree char *adds = g_strdup_printf ("\"%s\"", location);

    update_embeddings (fixture, slug, adds, "", 200);
  }
  {
    g_autoptr(RtxApiResponse) up = rtx_api_upload (fixture, "/api/v1/document/upload", "log.pdf", pdf,
                                                   "addToWorkspaces", slug, NULL);

    g_assert_cmpuint (up->status, ==, 200);
  }

  found = search (fixture, slug, "why do sea otters hold hands while sleeping", 3);
  g_assert_cmpuint (found->status, ==, 200);
  g_assert_cmpuint (n_results (found), ==, 3);
  g_assert_nonnull (strstr (rtx_api_string (found, "results.0.text"), "Sea otters hold hands"));
  g_assert_cmpstr (rtx_api_string (found, "results.0.metadata.title"), ==, "Otters");
  g_assert_cmpstr (rtx_api_string (found, "results.0.metadata.location"), ==, otters);

  {
    g_autoptr(RtxApiResponse) r = search (fixture, slug, "how many gulls did the lighthouse keeper count", 1);

    g_assert_nonnull (strstr (rtx_api_string (r, "results.0.text"), "forty-two gulls"));
  }
  {
    g_autoptr(RtxApiResponse) r = search (fixture, slug, "which animal has three hearts", 1);

    g_assert_nonnull (strstr (rtx_api_string (r, "results.0.text"), "Octopuses"));
  }

  ws = rtx_api_call (fixture, "GET", ws_path, NULL);
  g_assert_cmpuint (ws->status, ==, 200);
  g_assert_nonnull (rtx_api_string (ws, "workspace.0.documents.6.docpath"));

  /* Removed from the workspace, the passage is no longer found; added again, it is. */
  quoted = g_strdup_printf ("\"%s\"", otters);
  update_embeddings (fixture, slug, "", quoted, 200);
  gone = search (fixture, slug, "why do sea otters hold hands while sleeping", 6);
  for (guint i = 0; i < n_results (gone); i++) {
    g_autofree char *p = g_strdup_printf ("results.%u.text", i);

    g_assert_null (strstr (rtx_api_string (gone, p), "otters"));
  }
  update_embeddings (fixture, slug, quoted, "", 200);
  back = search (fixture, slug, "why do sea otters hold hands while sleeping", 1);
  g_assert_nonnull (strstr (rtx_api_string (back, "results.0.text"), "Sea otters"));

  /* Errors. */
  update_embeddings (fixture, slug, "\"custom-documents/missing.json\"", "", 404);
  update_embeddings (fixture, slug, "\"../../runtime.db\"", "", 404);
  update_embeddings (fixture, "no-such-workspace", quoted, "", 404);
  {
    g_autoptr(RtxApiResponse) r = search (fixture, "no-such-workspace", "x", 1);

    g_assert_cmpuint (r->status, ==, 404);
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/workspace/%s/vector-search", slug);
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", path, "{\"query\":\"\"}");

    g_assert_cmpuint (r->status, ==, 400);
  }
}

static void
test_threshold_and_top_n (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *slug = new_workspace (fixture, "Thresholds");
  g_autofree char *path = g_strdup_printf ("/api/v1/workspace/%s/vector-search", slug);
  g_autoptr(RtxApiResponse) all = NULL;
  g_autoptr(RtxApiResponse) strict = NULL;
  g_autoptr(RtxApiResponse) empty = NULL;

  empty = search (fixture, slug, "anything", 4);
  g_assert_cmpuint (empty->status, ==, 200);
  g_assert_cmpuint (n_results (empty), ==, 0);
  g_assert_nonnull (rtx_api_string (empty, "message"));

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++) {
    g_autofree char *title = g_strdup_printf ("Fact %u", i);

    g_free (raw_text (fixture, title, facts[i], slug));
  }

  all = search (fixture, slug, "honey in Egyptian tombs", 2);
  g_assert_cmpuint (n_results (all), ==, 2);
  g_assert_nonnull (strstr (rtx_api_string (all, "results.0.text"), "Honey never spoils"));

  /* A threshold of 0.99 keeps only near-copies of the query. */
  strict = rtx_api_call (fixture, "POST", path, "{\"query\":\"honey in Egyptian tombs\",\"topN\":4,\"scoreThreshold\":0.99}");
  g_assert_cmpuint (strict->status, ==, 200);
  g_assert_cmpuint (n_results (strict), ==, 0);
}

static void
test_pins_and_chat (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *slug = new_workspace (fixture, "Chatty");
  g_autofree char *other = new_workspace (fixture, "Other");
  g_autofree char *venus = raw_text (fixture, "Venus", facts[5], slug);
  g_autofree char *honey = raw_text (fixture, "Honey", facts[2], slug);
  g_autofree char *lonely = raw_text (fixture, "Lonely", facts[4], other);
  g_autofree char *pin_path = g_strdup_printf ("/api/v1/workspace/%s/update-pin", slug);
  g_autofree char *chat_path = g_strdup_printf ("/api/v1/workspace/%s/chat", slug);
  g_autofree char *pin = g_strdup_printf ("{\"docPath\":\"%s\",\"pinStatus\":true}", venus);
  g_autofree char *pin_other = g_strdup_printf ("{\"docPath\":\"%s\",\"pinStatus\":true}", lonely);
  g_autoptr(RtxApiResponse) pinned = rtx_api_call (fixture, "POST", pin_path, pin);
  g_autoptr(RtxApiResponse) not_here = rtx_api_call (fixture, "POST", pin_path, pin_other);
  g_autoptr(RtxApiResponse) chat = NULL;
  JsonArray *sources;
  gboolean saw_pin = FALSE, saw_honey = FALSE;

  g_assert_cmpuint (pinned->status, ==, 200);
  g_assert_cmpuint (not_here->status, ==, 404);

  /* Listings say where a document is pinned: Venus in Chatty only, Honey nowhere. */
  {
    g_autofree char *ws_path = g_strdup_printf ("/api/v1/workspace/%s", slug);
    g_autoptr(RtxApiResponse) ws = rtx_api_call (fixture, "GET", ws_path, NULL);
    JsonNode *node = json_object_get_member (rtx_api_object (ws), "workspace");
    JsonObject *workspace = JSON_NODE_HOLDS_ARRAY (node)
      ? json_array_get_object_element (json_node_get_array (node), 0) : json_node_get_object (node);
    const char *docs[] = { venus, honey };

    g_assert_cmpuint (ws->status, ==, 200);
    for (guint i = 0; i < G_N_ELEMENTS (docs); i++) {
      g_autofree char *name = g_path_get_basename (docs[i]);
      g_autofree char *doc_path = g_strdup_printf ("/api/v1/document/%s", name);
      g_autoptr(RtxApiResponse) doc = rtx_api_call (fixture, "GET", doc_path, NULL);
      JsonArray *pins;

      g_assert_cmpuint (doc->status, ==, 200);
      pins = json_object_get_array_member (json_object_get_object_member (rtx_api_object (doc), "document"),
                                           "pinnedWorkspaces");
      if (i == 0) {
        g_assert_cmpuint (json_array_get_length (pins), ==, 1);
        g_assert_cmpint (json_array_get_int_element (pins, 0), ==, json_object_get_int_member (workspace, "id"));
      } else {
        g_assert_cmpuint (json_array_get_length (pins), ==, 0);
      }
    }
  }
  {
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "POST", "/api/v1/workspace/nope/update-pin", pin);

    g_assert_cmpuint (r->status, ==, 404);
  }

  /* With no model configured the built-in responder answers from the context: the pinned
   * document and the passage retrieved for the question, both reported as sources. */
  chat = rtx_api_call (fixture, "POST", chat_path, "{\"message\":\"Does honey ever spoil?\",\"mode\":\"chat\"}");
  g_assert_cmpuint (chat->status, ==, 200);
  sources = json_object_get_array_member (rtx_api_object (chat), "sources");
  for (guint i = 0; i < json_array_get_length (sources); i++) {
    JsonObject *s = json_array_get_object_element (sources, i);

    if (json_object_get_boolean_member (s, "pinned")) {
      saw_pin = TRUE;
      g_assert_cmpstr (json_object_get_string_member (s, "title"), ==, "Venus");
      g_assert_nonnull (strstr (json_object_get_string_member (s, "text"), "A day on Venus"));
    } else if (g_strcmp0 (json_object_get_string_member (s, "title"), "Honey") == 0) {
      saw_honey = TRUE;
      g_assert_nonnull (strstr (json_object_get_string_member (s, "text"), "Honey never spoils"));
      g_assert_cmpstr (json_object_get_string_member (s, "url"), ==, honey);
    }
    g_assert_cmpstr (json_object_get_string_member (s, "title"), !=, "Lonely");
  }
  g_assert_true (saw_pin);
  g_assert_true (saw_honey);

  /* A removed document leaves every workspace. */
  {
    g_autofree char *body = g_strdup_printf ("{\"names\":[\"%s\"]}", honey);
    g_autoptr(RtxApiResponse) r = rtx_api_call (fixture, "DELETE", "/api/v1/system/remove-documents", body);
    g_autoptr(RtxApiResponse) s = search (fixture, slug, "Does honey ever spoil", 4);

    g_assert_cmpuint (r->status, ==, 200);
    for (guint i = 0; i < n_results (s); i++) {
      g_autofree char *p = g_strdup_printf ("results.%u.metadata.title", i);

      g_assert_cmpstr (rtx_api_string (s, p), !=, "Honey");
    }
  }
}


/* ---- An OpenAI-compatible embedder ------------------------------------------------------- */

/* A small /v1/embeddings server: the built-in embedder at another dimension, scaled (so the
 * runtime must normalise what it gets), in a space the runtime's own vectors do not share. */
#define REMOTE_DIM 48

typedef struct {
  guint  calls;
  guint  texts;
  char  *model;
} EmbedServer;

static void
remote_vector (const char *text,
               float      *v)
{
  rtx_embedder_builtin_embed (text, v, REMOTE_DIM);
  for (guint i = 0; i < REMOTE_DIM; i++)
    v[i] *= 3;
}

static void
on_embeddings (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  EmbedServer *es = user_data;
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *reply = NULL;
  JsonObject *body;
  JsonArray *input;

  g_assert_true (json_parser_load_from_data (parser, request->data, request->length, NULL));
  body = json_node_get_object (json_parser_get_root (parser));
  input = json_object_get_array_member (body, "input");
  g_free (es->model);
  es->model = g_strdup (json_object_get_string_member (body, "model"));
  es->calls++;
  es->texts += json_array_get_length (input);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, es->model);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (input); i++) {
    float v[REMOTE_DIM];

    remote_vector (json_array_get_string_element (input, i), v);
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "object");
    json_builder_add_string_value (builder, "embedding");
    json_builder_set_member_name (builder, "index");
    json_builder_add_int_value (builder, i);
    json_builder_set_member_name (builder, "embedding");
    json_builder_begin_array (builder);
    for (guint j = 0; j < REMOTE_DIM; j++)
      json_builder_add_double_value (builder, v[j]);
    json_builder_end_array (builder);
    json_builder_end_object (builder);
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply = json_to_string (root, FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
}

static double
remote_cosine (const char *a,
               const char *b)
{
  float va[REMOTE_DIM], vb[REMOTE_DIM];
  double dot = 0, na = 0, nb = 0;

  remote_vector (a, va);
  remote_vector (b, vb);
  for (guint i = 0; i < REMOTE_DIM; i++) {
    dot += (double) va[i] * vb[i];
    na += (double) va[i] * va[i];
    nb += (double) vb[i] * vb[i];
  }
  return dot / sqrt (na * nb);
}

static void
test_remote_embedder (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *base = NULL;
  g_autofree char *slug = NULL;
  g_autoptr(RtxApiResponse) found = NULL;
  EmbedServer es = { 0 };
  guint calls_after_ingest;
  const char *query = "honey in Egyptian tombs";

  soup_server_add_handler (server, "/v1/embeddings", on_embeddings, &es, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  g_setenv ("RTX_EMBEDDING_PROVIDER", "generic-openai", TRUE);
  g_setenv ("RTX_EMBEDDING_BASE_URL", base, TRUE);
  g_setenv ("RTX_EMBEDDING_MODEL", "test-embedder", TRUE);

  slug = new_workspace (fixture, "Remote");
  for (guint i = 0; i < G_N_ELEMENTS (facts); i++) {
    g_autofree char *title = g_strdup_printf ("Fact %u", i);

    g_free (raw_text (fixture, title, facts[i], slug));
  }
  /* Every chunk went to the server, in the model configured. */
  g_assert_cmpuint (es.texts, >=, G_N_ELEMENTS (facts));
  g_assert_cmpstr (es.model, ==, "test-embedder");
  calls_after_ingest = es.calls;

  found = search (fixture, slug, query, 1);
  g_assert_cmpuint (found->status, ==, 200);
  g_assert_cmpuint (n_results (found), ==, 1);
  g_assert_nonnull (strstr (rtx_api_string (found, "results.0.text"), "Honey never spoils"));
  /* The query went to the server too, and the score is the cosine in the server's space. */
  g_assert_cmpuint (es.calls, ==, calls_after_ingest + 1);
  {
    JsonArray *results = json_object_get_array_member (rtx_api_object (found), "results");
    double score = json_object_get_double_member (json_array_get_object_element (results, 0), "score");

    g_assert_cmpfloat_with_epsilon (score, remote_cosine (query, facts[2]), 1e-4);
  }

  g_unsetenv ("RTX_EMBEDDING_PROVIDER");
  g_unsetenv ("RTX_EMBEDDING_BASE_URL");
  g_unsetenv ("RTX_EMBEDDING_MODEL");
  g_free (es.model);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/retrieval/search", Fixture, NULL, setup, test_search, teardown);
  g_test_add ("/retrieval/threshold-top-n", Fixture, NULL, setup, test_threshold_and_top_n, teardown);
  g_test_add ("/retrieval/pins-and-chat", Fixture, NULL, setup, test_pins_and_chat, teardown);
  g_test_add ("/retrieval/remote-embedder", Fixture, NULL, setup, test_remote_embedder, teardown);

  return g_test_run ();
}
