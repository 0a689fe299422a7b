/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-context.h"
#include "rtx-test-utils.h"

/* Chats answered by the built-in provider (nothing configured, as on a fresh machine). */

#define ADD(name, func) \
  g_test_add (name, ApiFixture, NULL, api_fixture_setup, func, api_fixture_teardown)

#define NO_MODEL "No language model is configured"

static void
create_workspace (ApiFixture *f,
                  const char *body)
{
  g_autoptr(ApiResponse) r = api_call (f, "POST", "/api/v1/workspace/new", f->key, body);

  g_assert_cmpuint (r->status, ==, 200);
}

static char *
b64 (const char *text)
{
  return g_base64_encode ((const guchar *) text, strlen (text));
}

/* The events of an SSE body, parsed. */
static GPtrArray *
sse_events (const char *text)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_auto(GStrv) blocks = g_strsplit (text, "\n\n", -1);

  for (guint i = 0; blocks[i] != NULL; i++) {
    JsonNode *node;

    if (!g_str_has_prefix (blocks[i], "data: "))
      continue;
    node = json_from_string (blocks[i] + strlen ("data: "), NULL);
    g_assert_nonnull (node);
    g_ptr_array_add (events, node);
  }
  return events;
}

static void
test_builtin_answers_from_attachment (ApiFixture    *f,
                                      gconstpointer  data)
{
  g_autofree char *doc = b64 ("Our office is closed on public holidays. "
                              "Visitors park for free on level 2 of the garage. "
                              "Lunch is served from noon.");
  g_autofree char *body = g_strdup_printf (
    "{\"message\":\"Where do visitors park?\",\"attachments\":[{\"name\":\"handbook.txt\","
    "\"mime\":\"text/plain\",\"contentString\":\"data:text/plain;base64,%s\"}]}", doc);
  g_autoptr(ApiResponse) r = NULL;
  g_autoptr(ApiResponse) history = NULL;
  JsonObject *o;
  JsonArray *sources;
  const char *text;

  create_workspace (f, "{\"name\":\"Office\"}");
  r = api_call (f, "POST", "/api/v1/workspace/office/chat", f->key, body);
  g_test_message ("%s", r->text);
  g_assert_cmpuint (r->status, ==, 200);
  o = api_object (r);
  text = json_object_get_string_member (o, "textResponse");
  g_assert_true (strstr (text, NO_MODEL) != NULL);
  g_assert_true (strstr (text, "Visitors park for free on level 2 of the garage.") != NULL);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "textResponse");
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==,
                   json_object_get_string_member (o, "uuid"));
  g_assert_true (json_object_get_boolean_member (o, "close"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "error")));
  sources = json_object_get_array_member (o, "sources");
  g_assert_cmpuint (json_array_get_length (sources), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sources, 0),
                                                  "title"), ==, "handbook.txt");
  g_assert_cmpint (json_object_get_int_member (o, "chatId"), >, 0);
  g_assert_true (json_object_has_member (json_object_get_object_member (o, "metrics"),
                                         "total_tokens"));

  history = api_call (f, "GET", "/api/v1/workspace/office/chats", f->key, NULL);
  g_assert_cmpuint (history->status, ==, 200);
  g_assert_cmpstr (api_path_string (history, "$.history[0].role"), ==, "user");
  g_assert_cmpstr (api_path_string (history, "$.history[0].content"), ==, "Where do visitors park?");
  g_assert_cmpstr (api_path_string (history, "$.history[1].role"), ==, "assistant");
  g_assert_cmpstr (api_path_string (history, "$.history[1].content"), ==, text);
}

static void
test_builtin_without_context (ApiFixture    *f,
                              gconstpointer  data)
{
  g_autoptr(ApiResponse) r = NULL;
  const char *text;

  create_workspace (f, "{\"name\":\"Empty\"}");
  r = api_call (f, "POST", "/api/v1/workspace/empty/chat", f->key, "{\"message\":\"Hello?\"}");
  g_assert_cmpuint (r->status, ==, 200);
  text = api_path_string (r, "$.textResponse");
  g_assert_true (strstr (text, NO_MODEL) != NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (r),
                                                                         "sources")), ==, 0);
}

static void
test_stream_envelope (ApiFixture    *f,
                      gconstpointer  data)
{
  g_autofree char *doc = b64 ("The launch is planned for March. The budget is ten thousand euros.");
  g_autofree char *body = g_strdup_printf (
    "{\"message\":\"When is the launch?\",\"attachments\":[{\"name\":\"plan.md\","
    "\"mime\":\"text/markdown\",\"contentString\":\"%s\"}]}", doc);
  g_autoptr(ApiResponse) r = NULL;
  g_autoptr(ApiResponse) history = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  const char *uuid = NULL;
  JsonObject *last, *closing;

  create_workspace (f, "{\"name\":\"Plans\"}");
  r = api_call (f, "POST", "/api/v1/workspace/plans/stream-chat", f->key, body);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (r->headers, "Content-Type"),
                                   "text/event-stream"));
  events = sse_events (r->text);
  g_assert_cmpuint (events->len, >=, 4);

  for (guint i = 0; i + 2 < events->len; i++) {
    JsonObject *e = json_node_get_object (g_ptr_array_index (events, i));

    g_assert_cmpstr (json_object_get_string_member (e, "type"), ==, "textResponseChunk");
    g_assert_false (json_object_get_boolean_member (e, "close"));
    if (uuid == NULL)
      uuid = json_object_get_string_member (e, "uuid");
    g_assert_cmpstr (json_object_get_string_member (e, "uuid"), ==, uuid);
    g_assert_cmpstr (json_object_get_string_member (e, "id"), ==, uuid);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (e, "sources")), ==, 0);
    g_string_append (joined, json_object_get_string_member (e, "textResponse"));
  }

  closing = json_node_get_object (g_ptr_array_index (events, events->len - 2));
  g_assert_cmpstr (json_object_get_string_member (closing, "type"), ==, "textResponseChunk");
  g_assert_true (json_object_get_boolean_member (closing, "close"));
  last = json_node_get_object (g_ptr_array_index (events, events->len - 1));
  g_assert_cmpstr (json_object_get_string_member (last, "type"), ==, "finalizeResponseStream");
  g_assert_cmpstr (json_object_get_string_member (last, "uuid"), ==, uuid);
  g_assert_true (json_object_get_boolean_member (last, "close"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (last, "sources")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (last, "chatId"), >, 0);
  g_assert_true (strstr (joined->str, "The launch is planned for March.") != NULL);

  /* What was streamed is what was stored. */
  history = api_call (f, "GET", "/api/v1/workspace/plans/chats", f->key, NULL);
  g_assert_cmpstr (api_path_string (history, "$.history[1].content"), ==, joined->str);
}

static void
test_sessions_and_reset (ApiFixture    *f,
                         gconstpointer  data)
{
  g_autoptr(ApiResponse) a = NULL;
  g_autoptr(ApiResponse) b = NULL;
  g_autoptr(ApiResponse) session = NULL;
  g_autoptr(ApiResponse) main_history = NULL;
  g_autoptr(ApiResponse) reset = NULL;
  g_autoptr(ApiResponse) after = NULL;

  create_workspace (f, "{\"name\":\"S\"}");
  a = api_call (f, "POST", "/api/v1/workspace/s/chat", f->key,
                "{\"message\":\"one\",\"sessionId\":\"alpha\"}");
  g_assert_cmpuint (a->status, ==, 200);
  b = api_call (f, "POST", "/api/v1/workspace/s/chat", f->key, "{\"message\":\"two\"}");
  g_assert_cmpuint (b->status, ==, 200);

  session = api_call (f, "GET", "/api/v1/workspace/s/chats?apiSessionId=alpha", f->key, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (session),
                                                                         "history")), ==, 2);
  g_assert_cmpstr (api_path_string (session, "$.history[0].content"), ==, "one");
  main_history = api_call (f, "GET", "/api/v1/workspace/s/chats", f->key, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (main_history),
                                                                         "history")), ==, 2);
  g_assert_cmpstr (api_path_string (main_history, "$.history[0].content"), ==, "two");

  reset = api_call (f, "POST", "/api/v1/workspace/s/chat", f->key,
                    "{\"message\":\"\",\"reset\":true,\"sessionId\":\"alpha\"}");
  g_assert_cmpuint (reset->status, ==, 200);
  g_assert_cmpstr (api_path_string (reset, "$.textResponse"), ==, "Chat history was reset!");
  after = api_call (f, "GET", "/api/v1/workspace/s/chats?apiSessionId=alpha", f->key, NULL);
  g_assert_cmpstr (after->text, ==, "{\"history\":[]}");
}

static void
test_query_refusal (ApiFixture    *f,
                    gconstpointer  data)
{
  g_autoptr(ApiResponse) r = NULL;
  g_autoptr(ApiResponse) custom = NULL;
  g_autoptr(ApiResponse) history = NULL;

  create_workspace (f, "{\"name\":\"Q\",\"chatMode\":\"query\"}");
  r = api_call (f, "POST", "/api/v1/workspace/q/chat", f->key, "{\"message\":\"anything?\"}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (api_path_string (r, "$.textResponse"), ==,
                   "There is no relevant information in this workspace to answer your query.");

  create_workspace (f, "{\"name\":\"Q2\",\"queryRefusalResponse\":\"Nothing here.\"}");
  custom = api_call (f, "POST", "/api/v1/workspace/q2/stream-chat", f->key,
                     "{\"message\":\"anything?\",\"mode\":\"query\"}");
  g_assert_cmpuint (custom->status, ==, 200);
  g_assert_true (strstr (custom->text, "\"textResponse\":\"Nothing here.\"") != NULL);

  /* Refusals never enter history. */
  history = api_call (f, "GET", "/api/v1/workspace/q/chats", f->key, NULL);
  g_assert_cmpstr (history->text, ==, "{\"history\":[]}");
}

static void
test_bad_chats (ApiFixture    *f,
                gconstpointer  data)
{
  struct { const char *path, *body; guint status; } cases[] = {
    { "/api/v1/workspace/nope/chat", "{\"message\":\"hi\"}", 404 },
    { "/api/v1/workspace/nope/stream-chat", "{\"message\":\"hi\"}", 404 },
    { "/api/v1/workspace/w/chat", "{\"message\":\"\"}", 400 },
    { "/api/v1/workspace/w/chat", "{\"message\":\"hi\",\"mode\":\"agent\"}", 400 },
    { "/api/v1/workspace/w/stream-chat", "{\"message\":\"  \"}", 400 },
    { "/api/v1/workspace/w/chat", "{\"message\":5}", 400 },
    { "/api/v1/workspace/w/chat", "{\"message\":\"hi\",\"attachments\":\"x\"}", 400 },
    { "/api/v1/workspace/w/chat",
      "{\"message\":\"hi\",\"attachments\":[{\"name\":\"a\",\"mime\":\"text/plain\","
      "\"contentString\":\"%%%\"}]}", 400 },
    { "/api/v1/workspace/w/thread/none/chat", "{\"message\":\"hi\"}", 404 },
  };
  g_autoptr(ApiResponse) history = NULL;

  create_workspace (f, "{\"name\":\"W\"}");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(ApiResponse) r = api_call (f, "POST", cases[i].path, f->key, cases[i].body);

    g_test_message ("%s %s → %u %s", cases[i].path, cases[i].body, r->status, r->text);
    g_assert_cmpuint (r->status, ==, cases[i].status);
    g_assert_cmpstr (json_object_get_string_member (api_object (r), "type"), ==, "abort");
    g_assert_false (json_object_get_boolean_member (api_object (r), "success"));
    g_assert_nonnull (json_object_get_string_member (api_object (r), "error"));
  }

  history = api_call (f, "GET", "/api/v1/workspace/w/chats", f->key, NULL);
  g_assert_cmpstr (history->text, ==, "{\"history\":[]}");
}

static void
test_threads (ApiFixture    *f,
              gconstpointer  data)
{
  g_autoptr(ApiResponse) created = NULL;
  g_autoptr(ApiResponse) named = NULL;
  g_autoptr(ApiResponse) taken = NULL;
  g_autoptr(ApiResponse) chat = NULL;
  g_autoptr(ApiResponse) thread_history = NULL;
  g_autoptr(ApiResponse) main_history = NULL;
  g_autoptr(ApiResponse) renamed = NULL;
  g_autoptr(ApiResponse) listed = NULL;
  g_autoptr(ApiResponse) deleted = NULL;
  g_autoptr(ApiResponse) gone = NULL;
  g_autoptr(ApiResponse) unknown_ws = NULL;
  const char *slug;

  create_workspace (f, "{\"name\":\"T\"}");
  created = api_call (f, "POST", "/api/v1/workspace/t/thread/new", f->key, NULL);
  g_assert_cmpuint (created->status, ==, 200);
  g_assert_cmpstr (api_path_string (created, "$.thread.name"), ==, "Thread");
  slug = api_path_string (created, "$.thread.slug");
  g_assert_true (g_uuid_string_is_valid (slug));

  named = api_call (f, "POST", "/api/v1/workspace/t/thread/new", f->key,
                    "{\"name\":\"Plans\",\"slug\":\"plans\",\"userId\":7}");
  g_assert_cmpuint (named->status, ==, 200);
  taken = api_call (f, "POST", "/api/v1/workspace/t/thread/new", f->key, "{\"slug\":\"plans\"}");
  g_assert_cmpuint (taken->status, ==, 409);

  chat = api_call (f, "POST", "/api/v1/workspace/t/thread/plans/chat", f->key,
                   "{\"message\":\"in the thread\",\"sessionId\":\"ignored\"}");
  g_assert_cmpuint (chat->status, ==, 200);
  thread_history = api_call (f, "GET", "/api/v1/workspace/t/thread/plans/chats", f->key, NULL);
  g_assert_cmpstr (api_path_string (thread_history, "$.history[0].content"), ==, "in the thread");
  main_history = api_call (f, "GET", "/api/v1/workspace/t/chats", f->key, NULL);
  g_assert_cmpstr (main_history->text, ==, "{\"history\":[]}");

  renamed = api_call (f, "POST", "/api/v1/workspace/t/thread/plans/update", f->key,
                      "{\"name\":\"Roadmap\"}");
  g_assert_cmpuint (renamed->status, ==, 200);
  g_assert_cmpstr (api_path_string (renamed, "$.thread.name"), ==, "Roadmap");

  listed = api_call (f, "GET", "/api/v1/workspace/t", f->key, NULL);
  g_assert_cmpstr (api_path_string (listed, "$.workspace[0].threads[1].name"), ==, "Roadmap");

  deleted = api_call (f, "DELETE", "/api/v1/workspace/t/thread/plans", f->key, NULL);
  g_assert_cmpuint (deleted->status, ==, 200);
  gone = api_call (f, "GET", "/api/v1/workspace/t/thread/plans/chats", f->key, NULL);
  g_assert_cmpuint (gone->status, ==, 404);
  unknown_ws = api_call (f, "POST", "/api/v1/workspace/zzz/thread/new", f->key, "{}");
  g_assert_cmpuint (unknown_ws->status, ==, 404);
}

/* ---- A context provider, as the retrieval room installs one ------------------------------ */

#define TEST_TYPE_CONTEXT (test_context_get_type ())
G_DECLARE_FINAL_TYPE (TestContext, test_context, TEST, CONTEXT, GObject)

struct _TestContext {
  GObject parent_instance;
  char   *last_query;
};

static void test_context_iface_init (RtxContextProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestContext, test_context, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RTX_TYPE_CONTEXT_PROVIDER,
                                                      test_context_iface_init))

static void
test_context_finalize (GObject *object)
{
  g_free (TEST_CONTEXT (object)->last_query);
  G_OBJECT_CLASS (test_context_parent_class)->finalize (object);
}

static void
test_context_class_init (TestContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_context_finalize;
}

static void
test_context_init (TestContext *self)
{
}

static void
retrieve_async (RtxContextProvider     *provider,
                const RtxContextQuery  *query,
                GCancellable           *cancellable,
                GAsyncReadyCallback     callback,
                gpointer                user_data)
{
  TestContext *self = TEST_CONTEXT (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_source_free);

  g_free (self->last_query);
  self->last_query = g_strdup (query->query);
  g_ptr_array_add (found, rtx_source_new ("pricing.pdf",
                                          "The premium plan costs 30 euros a month.",
                                          "documents/pricing.pdf", 0.9));
  g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
retrieve_finish (RtxContextProvider  *provider,
                 GAsyncResult        *result,
                 GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_context_iface_init (RtxContextProviderInterface *iface)
{
  iface->retrieve_async = retrieve_async;
  iface->retrieve_finish = retrieve_finish;
}

static void
test_context_provider_sources (ApiFixture    *f,
                               gconstpointer  data)
{
  g_autoptr(TestContext) context = g_object_new (TEST_TYPE_CONTEXT, NULL);
  g_autoptr(ApiResponse) r = NULL;

  rtx_runtime_set_context_provider (f->runtime, RTX_CONTEXT_PROVIDER (context));
  create_workspace (f, "{\"name\":\"Docs\",\"chatMode\":\"query\"}");
  r = api_call (f, "POST", "/api/v1/workspace/docs/chat", f->key,
                "{\"message\":\"How much is the premium plan?\"}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (context->last_query, ==, "How much is the premium plan?");
  g_assert_true (strstr (api_path_string (r, "$.textResponse"),
                         "The premium plan costs 30 euros a month. [1]") != NULL);
  g_assert_cmpstr (api_path_string (r, "$.sources[0].title"), ==, "pricing.pdf");
  rtx_runtime_set_context_provider (f->runtime, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/api/chat/builtin-answers-from-attachment", test_builtin_answers_from_attachment);
  ADD ("/api/chat/builtin-without-context", test_builtin_without_context);
  ADD ("/api/chat/stream-envelope", test_stream_envelope);
  ADD ("/api/chat/sessions-and-reset", test_sessions_and_reset);
  ADD ("/api/chat/query-refusal", test_query_refusal);
  ADD ("/api/chat/bad-input", test_bad_chats);
  ADD ("/api/chat/threads", test_threads);
  ADD ("/api/chat/context-provider", test_context_provider_sources);

  return g_test_run ();
}
