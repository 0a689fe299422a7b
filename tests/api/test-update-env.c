/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-test-utils.h"

/* update-env, hardened against CVE-2024-3104 (environment injection through this route): a
 * fixed list of settings, each value checked, so that nothing a shell, a child's environment
 * or a file path could read as more ever gets stored. */

typedef struct {
  ApiFixture  api;
  char       *admin_key;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  api_fixture_setup (&f->api, data);
  f->admin_key = api_new_key (&f->api, "admin", TRUE, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  api_fixture_teardown (&f->api, data);
  g_free (f->admin_key);
}

/* Nothing reached the settings table. */
static void
assert_no_settings (Fixture *f)
{
  RtxDb *db = rtx_runtime_get_db (f->api.runtime);
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, "SELECT count(*) FROM settings", &error);
  gboolean row = FALSE;

  g_assert_no_error (error);
  g_assert_true (rtx_db_step_row (db, stmt, &row, &error));
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 0);
}

static char *
settings_text (Fixture *f)
{
  g_autoptr(ApiResponse) response = api_call (&f->api, "GET", "/api/v1/system", f->admin_key,
                                              NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (response->text);
}

/* Names that are not settings (AnythingLLM's secrets, Node's and the loader's variables) are
 * ignored, as AnythingLLM does, and never stored anywhere. */
static void
test_unknown_names (Fixture       *f,
                    gconstpointer  data)
{
  const char *bodies[] = {
    "{\"NODE_OPTIONS\":\"--require /tmp/x.js\"}",
    "{\"LD_PRELOAD\":\"/tmp/x.so\"}",
    "{\"JWTSecret\":\"x\"}",
    "{\"AuthToken\":\"x\"}",
    "{\"StorageDir\":\"/tmp\"}",
    "{\"PATH\":\"/tmp\"}",
    "{\"RTX_DATA_DIR\":\"/tmp\"}",
    "{\"__proto__\":{\"x\":1}}",
  };
  g_autofree char *before = settings_text (f);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(ApiResponse) response = api_call (&f->api, "POST", "/api/v1/system/update-env",
                                                f->admin_key, bodies[i]);
    g_autofree char *after = settings_text (f);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (after, ==, before);
    g_assert_null (g_getenv ("JWTSecret"));
  }
  assert_no_settings (f);
}

static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  const char *bodies[] = {
    /* Values with more in them than a value. */
    "{\"LLMProvider\":\"generic-openai\\nNODE_OPTIONS=--require /tmp/x.js\"}",
    "{\"LLMProvider\":\"openai\"}",
    "{\"GenericOpenAiModelPref\":\"llama3\\nNODE_OPTIONS=x\"}",
    "{\"GenericOpenAiModelPref\":\"$(touch /tmp/rtx-pwned)\"}",
    "{\"GenericOpenAiModelPref\":\"`id`\"}",
    "{\"GenericOpenAiModelPref\":\"model; rm -rf ~\"}",
    "{\"GenericOpenAiModelPref\":\"../../../etc/passwd\\u0000\"}",
    "{\"GenericOpenAiModelPref\":\"../../../etc/passwd\"}",
    "{\"GenericOpenAiModelPref\":\"/etc/passwd\"}",
    "{\"GenericOpenAiModelPref\":\"a b\"}",
    "{\"EmbeddingModelPref\":\"x'\\\"y\"}",
    "{\"GenericOpenAiBasePath\":\"file:///etc/passwd\"}",
    "{\"GenericOpenAiBasePath\":\"http://user:secret@127.0.0.1:11434/v1\"}",
    "{\"GenericOpenAiBasePath\":\"http://127.0.0.1:11434/v1 --proxy x\"}",
    "{\"GenericOpenAiBasePath\":\"http://127.0.0.1:11434/v1\\r\\nX: y\"}",
    "{\"GenericOpenAiBasePath\":\"javascript:alert(1)\"}",
    "{\"EmbeddingBasePath\":\"http://127.0.0.1/v1?x=$(id)\"}",
    "{\"GenericOpenAiKey\":\"sk-1\\nNODE_OPTIONS=x\"}",
    "{\"GenericOpenAiKey\":\"sk-1\\u0007\"}",
    "{\"GenericOpenAiKey\":{\"not\":\"a\"}}",
    "{\"LLMProvider\":[\"builtin\"]}",
    "[]", "{",
  };
  g_autofree char *before = settings_text (f);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(ApiResponse) response = api_call (&f->api, "POST", "/api/v1/system/update-env",
                                                f->admin_key, bodies[i]);
    g_autofree char *after = NULL;

    g_test_message ("body %s", bodies[i]);
    g_assert_cmpuint (response->status, ==, 400);
    after = settings_text (f);
    g_assert_cmpstr (after, ==, before);
  }

  assert_no_settings (f);
}

static void
test_accepted (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ApiResponse) response = NULL;
  g_autofree char *after = NULL;

  response = api_call (&f->api, "POST", "/api/v1/system/update-env", f->admin_key,
                       "{\"LLMProvider\":\"generic-openai\","
                       "\"GenericOpenAiBasePath\":\"http://127.0.0.1:11434/v1\","
                       "\"GenericOpenAiModelPref\":\"llama3.1:8b-instruct-q4_K_M\","
                       "\"EmbeddingModelPref\":\"nomic-ai/nomic-embed-text@v1.5\"}");
  g_assert_cmpuint (response->status, ==, 200);

  after = settings_text (f);
  g_assert_nonnull (strstr (after, "\"GenericOpenAiModelPref\":\"llama3.1:8b-instruct-q4_K_M\""));
  g_assert_nonnull (strstr (after, "\"GenericOpenAiBasePath\":\"http://127.0.0.1:11434/v1\""));

  /* Only administrators change settings. */
  {
    g_autoptr(ApiResponse) plain = api_call (&f->api, "POST", "/api/v1/system/update-env",
                                             f->api.key, "{\"LLMProvider\":\"builtin\"}");

    g_assert_cmpuint (plain->status, ==, 403);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/update-env/unknown-names", test_unknown_names);
  ADD ("/rtx/api/update-env/refusals", test_refusals);
  ADD ("/rtx/api/update-env/accepted", test_accepted);
#undef ADD

  return g_test_run ();
}
