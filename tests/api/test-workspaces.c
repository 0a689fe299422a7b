/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-test-utils.h"

#define ADD(name, func) \
  g_test_add (name, ApiFixture, NULL, api_fixture_setup, func, api_fixture_teardown)

static void
test_create_get_list (ApiFixture    *f,
                      gconstpointer  data)
{
  g_autoptr(ApiResponse) created = NULL;
  g_autoptr(ApiResponse) again = NULL;
  g_autoptr(ApiResponse) got = NULL;
  g_autoptr(ApiResponse) list = NULL;
  JsonObject *ws;
  JsonArray *array;

  created = api_call (f, "POST", "/api/v1/workspace/new", f->key,
                      "{\"name\":\"  My Notes: 2026!\",\"openAiTemp\":0.3,\"topN\":6,"
                      "\"chatMode\":\"query\",\"unknownField\":1}");
  g_test_message ("%s", created->text);
  g_assert_cmpuint (created->status, ==, 200);
  ws = json_object_get_object_member (api_object (created), "workspace");
  g_assert_cmpstr (json_object_get_string_member (ws, "name"), ==, "My Notes: 2026!");
  g_assert_cmpstr (json_object_get_string_member (ws, "slug"), ==, "my-notes-2026");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ws, "openAiTemp"), 0.3, 1e-9);
  g_assert_cmpint (json_object_get_int_member (ws, "topN"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (ws, "openAiHistory"), ==, 20);
  g_assert_cmpstr (json_object_get_string_member (ws, "chatMode"), ==, "query");

  /* The same name again: a different, suffixed slug. */
  again = api_call (f, "POST", "/api/v1/workspace/new", f->key, "{\"name\":\"My notes 2026\"}");
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_true (g_str_has_prefix (api_path_string (again, "$.workspace.slug"), "my-notes-2026-"));
  g_assert_cmpuint (strlen (api_path_string (again, "$.workspace.slug")), ==,
                    strlen ("my-notes-2026-") + 8);
  g_assert_cmpstr (api_path_string (again, "$.workspace.chatMode"), ==, "automatic");

  got = api_call (f, "GET", "/api/v1/workspace/my-notes-2026", f->key, NULL);
  g_assert_cmpuint (got->status, ==, 200);
  array = json_object_get_array_member (api_object (got), "workspace");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  ws = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (ws, "slug"), ==, "my-notes-2026");
  g_assert_true (json_object_has_member (ws, "documents"));
  g_assert_true (json_object_has_member (ws, "threads"));

  list = api_call (f, "GET", "/api/v1/workspaces", f->key, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  array = json_object_get_array_member (api_object (list), "workspaces");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
}

/* A name holding control characters comes back escaped in every response, U+001F included
 * (json-glib 1.6 writes that one raw, which JSON.parse() and any strict reader refuse). */
static void
test_control_characters_escaped (ApiFixture    *f,
                                 gconstpointer  data)
{
  g_autoptr(ApiResponse) created = api_call (f, "POST", "/api/v1/workspace/new", f->key,
                                             "{\"name\":\"Unit\\u001fSep\\u0007Bell\"}");
  g_autoptr(ApiResponse) list = NULL;

  g_assert_cmpuint (created->status, ==, 200);
  list = api_call (f, "GET", "/api/v1/workspaces", f->key, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  for (ApiResponse *r = created; r != NULL; r = r == created ? list : NULL) {
    for (const char *p = r->text; *p != '\0'; p++)
      g_assert_cmpint ((guchar) *p, >=, 0x20);
    g_assert_nonnull (strstr (r->text, "Unit\\u001fSep\\u0007Bell"));
  }
}

/* Kept for anything-llm-cli: an unknown slug is 200 with an empty array. */
static void
test_get_unknown (ApiFixture    *f,
                  gconstpointer  data)
{
  g_autoptr(ApiResponse) got = api_call (f, "GET", "/api/v1/workspace/nope", f->key, NULL);

  g_assert_cmpuint (got->status, ==, 200);
  g_assert_cmpstr (got->text, ==, "{\"workspace\":[]}");
}

static void
test_bad_input (ApiFixture    *f,
                gconstpointer  data)
{
  const char *bad[] = {
    "{}", "{\"name\":\"\"}", "{\"name\":\"   \"}", "{\"name\":42}", "not json", "[1]",
    "{\"name\":\"x\",\"openAiTemp\":5}", "{\"name\":\"x\",\"chatMode\":\"agent\"}",
    "{\"name\":\"x\",\"topN\":1.5}", "{\"name\":\"x\",\"similarityThreshold\":\"high\"}",
  };
  g_autoptr(ApiResponse) list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(ApiResponse) r = api_call (f, "POST", "/api/v1/workspace/new", f->key, bad[i]);

    g_test_message ("body %s → %u %s", bad[i], r->status, r->text);
    g_assert_cmpuint (r->status, ==, 400);
    g_assert_false (json_object_get_boolean_member (api_object (r), "success"));
    g_assert_nonnull (json_object_get_string_member (api_object (r), "error"));
  }

  /* Nothing was created by any of them. */
  list = api_call (f, "GET", "/api/v1/workspaces", f->key, NULL);
  g_assert_cmpstr (list->text, ==, "{\"workspaces\":[]}");
}

static void
test_update_delete (ApiFixture    *f,
                    gconstpointer  data)
{
  g_autoptr(ApiResponse) created = NULL;
  g_autoptr(ApiResponse) updated = NULL;
  g_autoptr(ApiResponse) nothing = NULL;
  g_autoptr(ApiResponse) bad = NULL;
  g_autoptr(ApiResponse) after_bad = NULL;
  g_autoptr(ApiResponse) unknown = NULL;
  g_autoptr(ApiResponse) deleted = NULL;
  g_autoptr(ApiResponse) deleted_again = NULL;
  g_autoptr(ApiResponse) gone = NULL;

  created = api_call (f, "POST", "/api/v1/workspace/new", f->key, "{\"name\":\"Alpha\"}");
  g_assert_cmpuint (created->status, ==, 200);

  updated = api_call (f, "POST", "/api/v1/workspace/alpha/update", f->key,
                      "{\"name\":\"Beta\",\"openAiPrompt\":\"Be brief.\",\"openAiTemp\":null,"
                      "\"chatProvider\":\"builtin\"}");
  g_assert_cmpuint (updated->status, ==, 200);
  g_assert_cmpstr (api_path_string (updated, "$.workspace.name"), ==, "Beta");
  g_assert_cmpstr (api_path_string (updated, "$.workspace.slug"), ==, "alpha");
  g_assert_cmpstr (api_path_string (updated, "$.workspace.openAiPrompt"), ==, "Be brief.");
  g_assert_cmpstr (api_path_string (updated, "$.message"), ==, "Workspace updated");

  nothing = api_call (f, "POST", "/api/v1/workspace/alpha/update", f->key, "{\"what\":1}");
  g_assert_cmpuint (nothing->status, ==, 200);
  g_assert_cmpstr (api_path_string (nothing, "$.message"), ==, "No valid fields to update!");

  /* A bad value changes nothing, not even the valid members beside it. */
  bad = api_call (f, "POST", "/api/v1/workspace/alpha/update", f->key,
                  "{\"name\":\"Gamma\",\"topN\":0}");
  g_assert_cmpuint (bad->status, ==, 400);
  after_bad = api_call (f, "GET", "/api/v1/workspace/alpha", f->key, NULL);
  g_assert_cmpstr (api_path_string (after_bad, "$.workspace[0].name"), ==, "Beta");

  unknown = api_call (f, "POST", "/api/v1/workspace/nope/update", f->key, "{\"name\":\"x\"}");
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (api_object (unknown),
                                                               "workspace")));

  deleted = api_call (f, "DELETE", "/api/v1/workspace/alpha", f->key, NULL);
  g_assert_cmpuint (deleted->status, ==, 200);
  deleted_again = api_call (f, "DELETE", "/api/v1/workspace/alpha", f->key, NULL);
  g_assert_cmpuint (deleted_again->status, ==, 404);
  g_assert_false (json_object_get_boolean_member (api_object (deleted_again), "success"));
  gone = api_call (f, "GET", "/api/v1/workspace/alpha", f->key, NULL);
  g_assert_cmpstr (gone->text, ==, "{\"workspace\":[]}");
}

static void
test_needs_key (ApiFixture    *f,
                gconstpointer  data)
{
  g_autoptr(ApiResponse) r = api_call (f, "POST", "/api/v1/workspace/new", NULL,
                                       "{\"name\":\"x\"}");
  g_autoptr(ApiResponse) list = NULL;

  g_assert_cmpuint (r->status, ==, 403);
  list = api_call (f, "GET", "/api/v1/workspaces", f->key, NULL);
  g_assert_cmpstr (list->text, ==, "{\"workspaces\":[]}");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/api/workspaces/create-get-list", test_create_get_list);
  ADD ("/api/workspaces/get-unknown", test_get_unknown);
  ADD ("/api/workspaces/bad-input", test_bad_input);
  ADD ("/api/workspaces/control-characters-escaped", test_control_characters_escaped);
  ADD ("/api/workspaces/update-delete", test_update_delete);
  ADD ("/api/workspaces/needs-key", test_needs_key);

  return g_test_run ();
}
