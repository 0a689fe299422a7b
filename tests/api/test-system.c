/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-test-utils.h"

/* The system routes: vector count, chat export in four formats (read back by Python's own json
 * and csv modules, an independent parser), env-dump. */

typedef struct {
  ApiFixture  api;
  char       *admin_key;
} Fixture;

/* Prompts and answers that break naive writers: quotes, separators, CR, LF, CRLF, tabs,
 * formulas, markup, JSON look-alikes and non-ASCII text. */
static const char * const prompts[] = {
  "plain question",
  "say \"hello\", then \"bye\"",
  "line one\nline two\r\nline three\rend",
  "=HYPERLINK(\"http://evil\")\t,;|",
  "{\"sessionId\":{\"not\":\"a\"}} </script><script>alert(1)</script>",
  "ünïcödé — 日本語 🎉 \\ backslash",
};

static const char * const answers[] = {
  "plain answer",
  "\"quoted\" answer, with comma",
  "a\nb\r\nc",
  "",
  "<img src=x onerror=alert(1)>",
  "emoji 🎉 and \"quotes\"\n",
};

static void
insert_chat (Fixture    *f,
             gint64      workspace_id,
             const char *prompt,
             const char *answer,
             gint64      at)
{
  RtxDb *db = rtx_runtime_get_db (f->api.runtime);
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = NULL;

  json_object_set_string_member (response, "text", answer);
  json_object_set_array_member (response, "sources", json_array_new ());
  json_node_set_object (node, response);
  text = json_to_string (node, FALSE);

  stmt = rtx_db_prepare (db, "INSERT INTO workspace_chats (workspace_id, prompt, response,"
                             " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)", &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, workspace_id);
  sqlite3_bind_text (stmt, 2, prompt, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, at);
  g_assert_true (rtx_db_step_done (db, stmt, &error));
  g_assert_no_error (error);
}

static gint64
new_workspace (Fixture    *f,
               const char *body)
{
  g_autoptr(ApiResponse) response = api_call (&f->api, "POST", "/api/v1/workspace/new",
                                              f->admin_key, body);

  g_assert_cmpuint (response->status, ==, 200);
  return json_object_get_int_member (json_object_get_object_member (api_object (response),
                                                                    "workspace"), "id");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  gint64 alpha, beta;

  api_fixture_setup (&f->api, data);
  f->admin_key = api_new_key (&f->api, "admin", TRUE, 0);
  alpha = new_workspace (f, "{\"name\":\"Alpha, \\\"the first\\\"\",\"openAiPrompt\":\"Be brief.\"}");
  beta = new_workspace (f, "{\"name\":\"Beta\"}");

  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++)
    insert_chat (f, i % 2 == 0 ? alpha : beta, prompts[i], answers[i], 1700000000 + i);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  api_fixture_teardown (&f->api, data);
  g_free (f->admin_key);
}

/* Runs a Python program over @input and returns what it printed, parsed as JSON. */
static JsonNode *
python_reads (const char *program,
              const char *input)
{
  g_autoptr(GSubprocess) python = NULL;
  g_autoptr(GBytes) in = g_bytes_new (input, strlen (input));
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  python = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                             G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                             "python3", "-c", program, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (python, in, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (g_bytes_get_size (err) > 0)
    g_test_message ("python: %.*s", (int) g_bytes_get_size (err),
                    (const char *) g_bytes_get_data (err, NULL));
  g_assert_true (g_subprocess_get_successful (python));

  node = json_from_string (g_bytes_get_data (out, NULL), &error);
  g_assert_no_error (error);
  return node;
}

static ApiResponse *
export (Fixture    *f,
        const char *type,
        const char *content_type)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/system/export-chats%s%s",
                                           type != NULL ? "?type=" : "", type != NULL ? type : "");
  ApiResponse *response = api_call (&f->api, "GET", path, f->admin_key, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==,
                   content_type);
  return response;
}

static void
test_export_csv (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ApiResponse) response = export (f, "csv", "text/csv");
  g_autoptr(JsonNode) rows = NULL;
  JsonArray *array;

  rows = python_reads ("import csv, io, json, sys\n"
                       "text = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8', newline='')\n"
                       "print(json.dumps(list(csv.reader(text, strict=True))))\n",
                       response->text);
  array = json_node_get_array (rows);
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (prompts) + 1);

  {
    JsonArray *header = json_array_get_array_element (array, 0);

    g_assert_cmpstr (json_array_get_string_element (header, 0), ==, "id");
    g_assert_cmpstr (json_array_get_string_element (header, 3), ==, "prompt");
    g_assert_cmpstr (json_array_get_string_element (header, 6), ==, "rating");
  }
  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++) {
    JsonArray *row = json_array_get_array_element (array, i + 1);

    g_assert_cmpuint (json_array_get_length (row), ==, 7);
    g_assert_cmpstr (json_array_get_string_element (row, 1), ==, "API");
    g_assert_cmpstr (json_array_get_string_element (row, 2), ==,
                     i % 2 == 0 ? "Alpha, \"the first\"" : "Beta");
    g_assert_cmpstr (json_array_get_string_element (row, 3), ==, prompts[i]);
    g_assert_cmpstr (json_array_get_string_element (row, 4), ==, answers[i]);
    g_assert_cmpstr (json_array_get_string_element (row, 6), ==, "--");
  }
}

static void
test_export_json (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ApiResponse) response = export (f, "json", "application/json");
  g_autoptr(JsonNode) again = python_reads ("import json, sys\n"
                                            "print(json.dumps(json.load(sys.stdin)))\n",
                                            response->text);
  JsonArray *array = json_node_get_array (again);

  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (prompts));
  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++) {
    JsonObject *row = json_array_get_object_element (array, i);

    g_assert_cmpstr (json_object_get_string_member (row, "prompt"), ==, prompts[i]);
    g_assert_cmpstr (json_object_get_string_member (row, "response"), ==, answers[i]);
    g_assert_cmpstr (json_object_get_string_member (row, "sent_at"), !=, NULL);
  }
}

static void
test_export_jsonl (Fixture       *f,
                   gconstpointer  data)
{
  /* jsonl is the default type. */
  g_autoptr(ApiResponse) response = export (f, NULL, "application/jsonl");
  g_autoptr(JsonNode) lines = python_reads ("import json, sys\n"
                                            "raw = sys.stdin.buffer.read().decode('utf-8')\n"
                                            "assert raw.endswith('\\n')\n"
                                            "print(json.dumps([json.loads(l) for l in raw.split('\\n')[:-1]]))\n",
                                            response->text);
  JsonArray *array = json_node_get_array (lines);

  /* One conversation per workspace: system, then user and assistant turns in order. */
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint w = 0; w < 2; w++) {
    JsonArray *messages = json_object_get_array_member (json_array_get_object_element (array, w),
                                                        "messages");
    JsonObject *system = json_array_get_object_element (messages, 0);
    guint turn = 1;

    g_assert_cmpstr (json_object_get_string_member (system, "role"), ==, "system");
    if (w == 0)
      g_assert_cmpstr (json_object_get_string_member (system, "content"), ==, "Be brief.");
    for (guint i = w; i < G_N_ELEMENTS (prompts); i += 2, turn += 2) {
      JsonObject *user = json_array_get_object_element (messages, turn);
      JsonObject *assistant = json_array_get_object_element (messages, turn + 1);

      g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "user");
      g_assert_cmpstr (json_object_get_string_member (user, "content"), ==, prompts[i]);
      g_assert_cmpstr (json_object_get_string_member (assistant, "role"), ==, "assistant");
      g_assert_cmpstr (json_object_get_string_member (assistant, "content"), ==, answers[i]);
    }
    g_assert_cmpuint (json_array_get_length (messages), ==, turn);
  }
}

static void
test_export_alpaca (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ApiResponse) response = export (f, "jsonAlpaca", "application/json");
  g_autoptr(JsonNode) again = python_reads ("import json, sys\n"
                                            "print(json.dumps(json.load(sys.stdin)))\n",
                                            response->text);
  JsonArray *array = json_node_get_array (again);

  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (prompts));
  for (guint i = 0; i < G_N_ELEMENTS (prompts); i++) {
    JsonObject *row = json_array_get_object_element (array, i);

    g_assert_cmpuint (json_object_get_size (row), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (row, "input"), ==, prompts[i]);
    g_assert_cmpstr (json_object_get_string_member (row, "output"), ==, answers[i]);
    if (i % 2 == 0)
      g_assert_cmpstr (json_object_get_string_member (row, "instruction"), ==, "Be brief.");
  }
}

static void
test_export_refusals (Fixture       *f,
                      gconstpointer  data)
{
  const char *bad[] = {
    "?type=xml", "?type=", "?type=CSV", "?type=../../etc/passwd", "?type=csv%20",
    "?type=jsonl&type=csv%0d%0aX-Injected:%201",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree char *path = g_strconcat ("/api/v1/system/export-chats", bad[i], NULL);
    g_autoptr(ApiResponse) response = api_call (&f->api, "GET", path, f->admin_key, NULL);

    g_assert_cmpuint (response->status, ==, 400);
    g_assert_nonnull (api_error (response));
    g_assert_null (soup_message_headers_get_one (response->headers, "X-Injected"));
  }

  /* Every chat of every workspace is an administrator's to read. */
  {
    g_autoptr(ApiResponse) response = api_call (&f->api, "GET",
                                                "/api/v1/system/export-chats?type=json",
                                                f->api.key, NULL);

    g_assert_cmpuint (response->status, ==, 403);
    g_assert_null (strstr (response->text, "plain question"));
  }
}

static void
test_vector_count_and_env_dump (Fixture       *f,
                                gconstpointer  data)
{
  {
    g_autoptr(ApiResponse) response = api_call (&f->api, "GET", "/api/v1/system/vector-count",
                                                f->api.key, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (api_object (response), "vectorCount"), >=, 0);
  }
  {
    g_autoptr(ApiResponse) response = api_call (&f->api, "GET", "/api/v1/system/vector-count",
                                                NULL, NULL);

    g_assert_cmpuint (response->status, ==, 403);
  }

  /* AnythingLLM's env-dump needed no key at all. */
  {
    g_autoptr(ApiResponse) none = api_call (&f->api, "GET", "/api/v1/system/env-dump", NULL, NULL);
    g_autoptr(ApiResponse) plain = api_call (&f->api, "GET", "/api/v1/system/env-dump",
                                             f->api.key, NULL);
    g_autoptr(ApiResponse) admin = api_call (&f->api, "GET", "/api/v1/system/env-dump",
                                             f->admin_key, NULL);

    g_assert_cmpuint (none->status, ==, 403);
    g_assert_cmpuint (plain->status, ==, 403);
    g_assert_cmpuint (admin->status, ==, 200);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/system/export/csv", test_export_csv);
  ADD ("/rtx/api/system/export/json", test_export_json);
  ADD ("/rtx/api/system/export/jsonl", test_export_jsonl);
  ADD ("/rtx/api/system/export/alpaca", test_export_alpaca);
  ADD ("/rtx/api/system/export/refusals", test_export_refusals);
  ADD ("/rtx/api/system/vector-count-and-env-dump", test_vector_count_and_env_dump);
#undef ADD

  return g_test_run ();
}
