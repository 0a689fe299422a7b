/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-error.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* Against the real keyring of the private test session. */

static const RtxActor admin_actor = { "tester", "cli" };

typedef struct {
  char           *data_dir;
  RtxRuntime     *runtime;
  RtxCredentials *vault;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("credentials");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->vault = rtx_runtime_get_credentials (fixture->runtime);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->data_dir, g_free);
}

static JsonObject *
object (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static int
count (Fixture    *fixture,
       const char *sql)
{
  RtxDb *db = rtx_runtime_get_db (fixture->runtime);
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, sql, NULL);
  gboolean have_row = FALSE;

  g_assert_true (rtx_db_step_row (db, stmt, &have_row, NULL));
  return sqlite3_column_int (stmt, 0);
}

static void
assert_payload (Fixture    *fixture,
                const char *name,
                const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = rtx_credentials_read_payload (fixture->vault, name,
                                                                &admin_actor, &error);
  g_autoptr(JsonObject) want = object (expected);
  g_autoptr(JsonNode) a = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) b = json_node_new (JSON_NODE_OBJECT);

  g_assert_no_error (error);
  json_node_set_object (a, payload);
  json_node_set_object (b, want);
  g_assert_true (json_node_equal (a, b));
}

static void
test_create_list_read (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = object ("{\"name\":\"X-Api-Token\",\"value\":\"sekrit-4d1f\"}");
  g_autoptr(JsonObject) meta = object ("{\"service\":\"weather\"}");
  g_autoptr(RtxCredential) made = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *db = g_build_filename (fixture->data_dir, "runtime.db", NULL);
  g_autofree char *wal = g_build_filename (fixture->data_dir, "runtime.db-wal", NULL);

  made = rtx_credentials_create (fixture->vault, "weather-api", "http_header", payload, meta,
                                 &admin_actor, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (made->name, ==, "weather-api");
  g_assert_cmpstr (made->type, ==, "http_header");
  g_assert_cmpstr (made->created_by, ==, "tester");

  list = rtx_credentials_list (fixture->vault, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  json = rtx_credential_to_json (g_ptr_array_index (list, 0));
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"service\":\"weather\""));
  g_assert_null (strstr (text, "sekrit"));
  g_assert_null (strstr (text, "payload"));

  /* The payload is only in the keyring. */
  g_assert_false (rtx_test_file_contains (db, "sekrit-4d1f"));
  g_assert_false (rtx_test_file_contains (wal, "sekrit-4d1f"));

  assert_payload (fixture, "weather-api", "{\"name\":\"X-Api-Token\",\"value\":\"sekrit-4d1f\"}");
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE subject_type = "
                                   "'credential' AND action IN ('credential.create', "
                                   "'credential.read')"), ==, 2);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE detail LIKE '%sekrit%'"),
                   ==, 0);
}

static void
test_bad_input_changes_nothing (Fixture       *fixture,
                                gconstpointer  data)
{
  struct {
    const char *name, *type, *payload;
  } cases[] = {
    { "ok-name", "telepathy", "{\"token\":\"t\"}" },
    { "ok-name", "bearer", "{}" },
    { "ok-name", "bearer", "{\"token\":\"t\",\"extra\":\"x\"}" },
    { "ok-name", "bearer", "{\"token\":42}" },
    { "ok-name", "bearer", "{\"token\":\"\"}" },
    { "ok-name", "http_header", "{\"name\":\"X-A\",\"value\":\"a\\r\\nInjected: 1\"}" },
    { "ok-name", "http_header", "{\"name\":\"Bad Header:\",\"value\":\"v\"}" },
    { "ok-name", "env_var", "{\"name\":\"1ABC\",\"value\":\"v\"}" },
    { "ok-name", "env_var", "{\"name\":\"A-B\",\"value\":\"v\"}" },
    { "ok-name", "oauth_token", "{\"refresh_token\":\"r\"}" },
    { "ok-name", "basic_auth", "{\"username\":\"a:b\",\"password\":\"p\"}" },
    { "", "bearer", "{\"token\":\"t\"}" },
    { "../etc", "bearer", "{\"token\":\"t\"}" },
    { "has space", "bearer", "{\"token\":\"t\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) payload = object (cases[i].payload);
    g_autoptr(RtxCredential) made = rtx_credentials_create (fixture->vault, cases[i].name,
                                                            cases[i].type, payload, NULL,
                                                            &admin_actor, &error);

    g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
    g_assert_null (made);
  }

  g_assert_cmpint (count (fixture, "SELECT count(*) FROM credentials"), ==, 0);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log"), ==, 0);
}

static void
test_duplicate_name (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = object ("{\"token\":\"first\"}");
  g_autoptr(JsonObject) other = object ("{\"token\":\"second\"}");
  g_autoptr(RtxCredential) a = rtx_credentials_create (fixture->vault, "dup", "bearer", payload,
                                                       NULL, &admin_actor, &error);
  g_autoptr(RtxCredential) b = NULL;

  g_assert_no_error (error);
  b = rtx_credentials_create (fixture->vault, "dup", "bearer", other, NULL, &admin_actor, &error);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_CONFLICT);
  g_assert_null (b);
  assert_payload (fixture, "dup", "{\"token\":\"first\"}");
}

/* Editing leaves a value unchanged unless it is given again. */
static void
test_update_merges (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = object ("{\"username\":\"ada\",\"password\":\"pw-1\"}");
  g_autoptr(JsonObject) new_password = object ("{\"password\":\"pw-2\"}");
  g_autoptr(JsonObject) meta = object ("{\"note\":\"moved\"}");
  g_autoptr(JsonObject) bearer = object ("{\"token\":\"tok\"}");
  g_autoptr(RtxCredential) made = rtx_credentials_create (fixture->vault, "proxy", "basic_auth",
                                                          payload, NULL, &admin_actor, &error);
  g_autoptr(RtxCredential) updated = NULL;

  g_assert_no_error (error);

  updated = rtx_credentials_update (fixture->vault, "proxy", NULL, NULL, meta, &admin_actor,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->metadata, ==, "{\"note\":\"moved\"}");
  assert_payload (fixture, "proxy", "{\"username\":\"ada\",\"password\":\"pw-1\"}");
  g_clear_pointer (&updated, rtx_credential_free);

  updated = rtx_credentials_update (fixture->vault, "proxy", NULL, new_password, NULL,
                                    &admin_actor, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->metadata, ==, "{\"note\":\"moved\"}");
  assert_payload (fixture, "proxy", "{\"username\":\"ada\",\"password\":\"pw-2\"}");
  g_clear_pointer (&updated, rtx_credential_free);

  updated = rtx_credentials_update (fixture->vault, "proxy", "bearer", NULL, NULL, &admin_actor,
                                    &error);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  g_assert_null (updated);
  g_clear_error (&error);

  updated = rtx_credentials_update (fixture->vault, "proxy", "bearer", bearer, NULL, &admin_actor,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (updated->type, ==, "bearer");
  assert_payload (fixture, "proxy", "{\"token\":\"tok\"}");

  g_assert_null (rtx_credentials_update (fixture->vault, "nope", NULL, NULL, meta, &admin_actor,
                                         &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND);
}

static void
test_delete_clears_keyring (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = object ("{\"name\":\"TOKEN\",\"value\":\"v-9\"}");
  g_autoptr(RtxCredential) made = rtx_credentials_create (fixture->vault, "env", "env_var",
                                                          payload, NULL, &admin_actor, &error);
  g_autoptr(RtxSecret) left = NULL;

  g_assert_no_error (error);
  g_assert_true (rtx_credentials_delete (fixture->vault, "env", &admin_actor, &error));
  g_assert_no_error (error);

  left = rtx_secrets_lookup_credential (rtx_runtime_get_secrets (fixture->runtime), made->id,
                                        &error);
  g_assert_no_error (error);
  g_assert_null (left);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM credentials"), ==, 0);
  g_assert_cmpint (count (fixture, "SELECT count(*) FROM audit_log WHERE action = "
                                   "'credential.delete'"), ==, 1);

  g_assert_false (rtx_credentials_delete (fixture->vault, "env", &admin_actor, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND);
}

/* Without a keyring the vault refuses, and nothing is half-stored. */
static void
test_without_keyring (void)
{
  if (g_test_subprocess ()) {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = NULL;
    g_autoptr(RtxRuntime) runtime = NULL;
    g_autoptr(JsonObject) payload = object ("{\"token\":\"t\"}");
    g_autoptr(RtxCredential) made = NULL;
    g_autoptr(GPtrArray) list = NULL;

    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rtx-no-bus", TRUE);
    dir = rtx_test_data_dir_new ("credentials-no-keyring");
    runtime = rtx_runtime_new (dir, &error);
    g_assert_no_error (error);

    made = rtx_credentials_create (rtx_runtime_get_credentials (runtime), "t", "bearer", payload,
                                   NULL, &admin_actor, &error);
    g_assert_error (error, RTX_ERROR, RTX_ERROR_KEYRING_UNAVAILABLE);
    g_assert_null (made);

    list = rtx_credentials_list (rtx_runtime_get_credentials (runtime), NULL);
    g_assert_cmpuint (list->len, ==, 0);
    return;
  }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/credentials/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("create-list-read", test_create_list_read);
  ADD ("bad-input-changes-nothing", test_bad_input_changes_nothing);
  ADD ("duplicate-name", test_duplicate_name);
  ADD ("update-merges", test_update_merges);
  ADD ("delete-clears-keyring", test_delete_clears_keyring);
  g_test_add_func ("/rtx/credentials/without-keyring", test_without_keyring);

#undef ADD

  return g_test_run ();
}
