/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-error.h"
#include "rtx-test-utils.h"

/* Multi-user mode through the API: the mode switch, users, and the refusal of keys whose
 * owner was suspended, demoted or deleted (CVE-2026-32717), every refusal with its status. */

#define REFUSED "{\"success\":false,\"error\":\"No valid api key found.\"}"

typedef struct {
  ApiFixture     api;
  char          *admin_key;      /* created in single-user mode, owned by "boss" once enabled */
  char          *plain_key;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  api_fixture_setup (&fixture->api, data);
  fixture->admin_key = api_new_key (&fixture->api, "admin", TRUE, 0);
  fixture->plain_key = api_new_key (&fixture->api, "plain", FALSE, 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  api_fixture_teardown (&fixture->api, data);
  g_free (fixture->admin_key);
  g_free (fixture->plain_key);
}

static ApiResponse *
call (Fixture    *fixture,
      const char *method,
      const char *path,
      const char *key,
      const char *body)
{
  return api_call (&fixture->api, method, path, key, body);
}

static void
assert_status (Fixture    *fixture,
               const char *method,
               const char *path,
               const char *key,
               const char *body,
               guint       status)
{
  g_autoptr(ApiResponse) response = call (fixture, method, path, key, body);

  g_assert_cmpuint (response->status, ==, status);
  if (status >= 400)
    g_assert_nonnull (api_error (response));
}

static gboolean
is_multi_user (Fixture *fixture)
{
  g_autoptr(ApiResponse) response = call (fixture, "GET", "/api/v1/admin/is-multi-user-mode",
                                              fixture->plain_key, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return json_object_get_boolean_member (api_object (response), "isMultiUser");
}

static gint64
enable (Fixture    *fixture,
        const char *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\"}", username);
  g_autoptr(ApiResponse) response = call (fixture, "POST", "/api/v1/admin/enable-multi-user",
                                              fixture->admin_key, body);
  JsonObject *user;

  g_assert_cmpuint (response->status, ==, 200);
  user = json_object_get_object_member (api_object (response), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "admin");
  g_assert_cmpstr (json_object_get_string_member (user, "username"), ==, username);
  return json_object_get_int_member (user, "id");
}

static gint64
new_user (Fixture    *fixture,
          const char *username,
          const char *role)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"role\":\"%s\"}", username, role);
  g_autoptr(ApiResponse) response = call (fixture, "POST", "/api/v1/admin/users/new",
                                              fixture->admin_key, body);
  JsonObject *user;

  g_assert_cmpuint (response->status, ==, 200);
  user = json_object_get_object_member (api_object (response), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, role);
  return json_object_get_int_member (user, "id");
}

static void
update_user (Fixture    *fixture,
             gint64      id,
             const char *body,
             guint       status)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, id);

  assert_status (fixture, "POST", path, fixture->admin_key, body, status);
}

static void
assert_key_works (Fixture    *fixture,
                  const char *key,
                  gboolean    works)
{
  g_autoptr(ApiResponse) response = call (fixture, "GET", "/api/v1/auth", key, NULL);

  if (works) {
    g_assert_cmpuint (response->status, ==, 200);
  } else {
    g_assert_cmpuint (response->status, ==, 403);
    g_assert_cmpstr (response->text, ==, REFUSED);
  }
}

/* ---- Tests ------------------------------------------------------------------------------- */

static void
test_single_user_mode (Fixture       *fixture,
                       gconstpointer  data)
{
  g_assert_false (is_multi_user (fixture));

  /* The multi-user routes answer 401 while the mode is off, as AnythingLLM does. */
  assert_status (fixture, "GET", "/api/v1/admin/users", fixture->admin_key, NULL, 401);
  assert_status (fixture, "GET", "/api/v1/users", fixture->admin_key, NULL, 401);
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":\"alice\"}", 401);
  assert_status (fixture, "POST", "/api/v1/admin/users/1", fixture->admin_key,
                 "{\"role\":\"admin\"}", 401);
  assert_status (fixture, "DELETE", "/api/v1/admin/users/1", fixture->admin_key, NULL, 401);
}

static void
test_ordinary_key_refused (Fixture       *fixture,
                           gconstpointer  data)
{
  const struct {
    const char *method;
    const char *path;
    const char *body;
  } routes[] = {
    { "POST", "/api/v1/admin/enable-multi-user", "{\"username\":\"mallory\"}" },
    { "GET", "/api/v1/admin/users", NULL },
    { "POST", "/api/v1/admin/users/new", "{\"username\":\"mallory\",\"role\":\"admin\"}" },
    { "POST", "/api/v1/admin/users/1", "{\"role\":\"admin\"}" },
    { "DELETE", "/api/v1/admin/users/1", NULL },
    { "GET", "/api/v1/users", NULL },
  };

  for (guint pass = 0; pass < 2; pass++) {
    for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
      g_autoptr(ApiResponse) response = call (fixture, routes[i].method, routes[i].path,
                                                  fixture->plain_key, routes[i].body);

      g_assert_cmpuint (response->status, ==, 403);
      g_assert_cmpstr (api_error (response), ==,
                       "This route needs an administrator key.");
    }
    /* Once in multi-user mode too, and still only the one user. */
    if (pass == 0)
      enable (fixture, "boss");
  }

  {
    g_autoptr(ApiResponse) response = call (fixture, "GET", "/api/v1/admin/users",
                                                fixture->admin_key, NULL);
    JsonArray *users = json_object_get_array_member (api_object (response), "users");

    g_assert_cmpuint (json_array_get_length (users), ==, 1);
  }
}

static void
test_enable_refuses_bad_input (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *bodies[] = {
    "", "{", "not json", "[]", "\"boss\"", "null", "{}",
    "{\"username\":{\"not\":\"a\"}}", "{\"username\":[\"boss\"]}", "{\"username\":1}",
    "{\"username\":\"\"}", "{\"username\":\"b\"}", "{\"username\":\"Boss\"}",
    "{\"username\":\"1boss\"}", "{\"username\":\"bo ss\"}", "{\"username\":\"boss\\n\"}",
    "{\"username\":\"bo/ss\"}", "{\"username\":\"böss\"}",
    "{\"username\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
    "{\"username\":\"boss\",\"role\":\"default\"}",
    "{\"username\":\"boss\",\"password\":5}",
  };

  /* CVE-2024-3029: a malformed request must change nothing. */
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++) {
    g_autoptr(ApiResponse) response = call (fixture, "POST", "/api/v1/admin/enable-multi-user",
                                                fixture->admin_key, bodies[i]);

    g_test_message ("body %s", bodies[i]);
    g_assert_cmpuint (response->status, ==, 400);
    g_assert_nonnull (api_error (response));
    g_assert_false (is_multi_user (fixture));
  }

  /* The longest name the rule allows, and every allowed character. */
  enable (fixture, "a0._@-" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static void
test_enable (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(ApiResponse) twice = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  gint64 boss;

  {
    g_autoptr(ApiResponse) response = call (fixture, "POST", "/api/v1/admin/enable-multi-user",
                                                fixture->admin_key,
                                                "{\"username\":\"boss\",\"password\":\"hunter2-zebra-71\"}");
    JsonObject *object = api_object (response);
    JsonObject *user = json_object_get_object_member (object, "user");

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (object, "success"));
    g_assert_nonnull (strstr (json_object_get_string_member (object, "notice"), "not stored"));
    g_assert_false (json_object_has_member (user, "password"));
    g_assert_null (strstr (response->text, "hunter2"));
    boss = json_object_get_int_member (user, "id");
  }
  g_assert_true (is_multi_user (fixture));

  /* Every key made before belongs to the first admin, and both still work. */
  keys = rtx_api_keys_list (rtx_runtime_get_api_keys (fixture->api.runtime), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 3);
  for (guint i = 0; i < keys->len; i++) {
    RtxApiKey *key = g_ptr_array_index (keys, i);

    g_assert_cmpint (key->owner_id, ==, boss);
    g_assert_cmpstr (key->owner_username, ==, "boss");
  }
  assert_key_works (fixture, fixture->admin_key, TRUE);
  assert_key_works (fixture, fixture->plain_key, TRUE);

  twice = call (fixture, "POST", "/api/v1/admin/enable-multi-user", fixture->admin_key,
                "{\"username\":\"other\"}");
  g_assert_cmpuint (twice->status, ==, 409);
  g_assert_nonnull (strstr (api_error (twice), "already"));

  /* The password went nowhere: not in the database, its WAL, or any column. */
  db = g_build_filename (fixture->api.data_dir, "runtime.db", NULL);
  g_assert_false (rtx_test_file_contains (db, "hunter2"));
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);

    if (g_file_test (wal, G_FILE_TEST_EXISTS))
      g_assert_false (rtx_test_file_contains (wal, "hunter2"));
  }
}

static void
test_users_crud (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 alice, bob;

  enable (fixture, "boss");
  alice = new_user (fixture, "alice", "default");
  bob = new_user (fixture, "bob.smith@example-1", "manager");

  {
    g_autoptr(ApiResponse) response = call (fixture, "POST", "/api/v1/admin/users/new",
                                                fixture->admin_key,
                                                "{\"username\":\"carol\",\"password\":\"pw-carol-secret\","
                                                "\"dailyMessageLimit\":25,\"bio\":\"Tester\"}");
    JsonObject *object = api_object (response);
    JsonObject *user = json_object_get_object_member (object, "user");

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_true (json_object_get_null_member (object, "error"));
    g_assert_nonnull (strstr (json_object_get_string_member (object, "notice"), "not stored"));
    g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "default");
    g_assert_cmpint (json_object_get_int_member (user, "dailyMessageLimit"), ==, 25);
    g_assert_cmpint (json_object_get_int_member (user, "suspended"), ==, 0);
    g_assert_cmpstr (json_object_get_string_member (user, "bio"), ==, "Tester");
    g_assert_null (strstr (response->text, "pw-carol-secret"));
  }

  /* Taken, badly named, badly typed, or carrying fields nobody reads. */
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":\"alice\"}", 409);
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":\"Alice2\"}", 400);
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":\"dave\",\"role\":\"root\"}", 400);
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":\"dave\",\"dailyMessageLimit\":-1}", 400);
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":\"dave\",\"dailyMessageLimit\":\"5\"}", 400);
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":\"dave\",\"id\":0}", 400);
  assert_status (fixture, "POST", "/api/v1/admin/users/new", fixture->admin_key,
                 "{\"username\":{\"not\":\"a\"}}", 400);

  /* Update: role, suspension, limit, bio; then read back. */
  update_user (fixture, alice, "{\"role\":\"manager\",\"dailyMessageLimit\":null,\"bio\":\"x\"}",
               200);
  update_user (fixture, bob, "{\"suspended\":true}", 200);
  update_user (fixture, bob, "{\"username\":\"alice\"}", 409);
  update_user (fixture, bob, "{\"suspended\":\"yes\"}", 400);
  update_user (fixture, bob, "{\"id\":0}", 400);
  {
    g_autoptr(ApiResponse) response = call (fixture, "POST", "/api/v1/admin/users/2",
                                                fixture->admin_key, "{\"password\":\"new-pw-77\"}");

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_nonnull (strstr (response->text, "not stored"));
  }
  {
    g_autoptr(ApiResponse) response = call (fixture, "GET", "/api/v1/admin/users",
                                                fixture->admin_key, NULL);
    JsonArray *users = json_object_get_array_member (api_object (response), "users");
    JsonObject *a = json_array_get_object_element (users, 1);
    JsonObject *b = json_array_get_object_element (users, 2);

    g_assert_cmpuint (json_array_get_length (users), ==, 4);
    g_assert_cmpstr (json_object_get_string_member (a, "role"), ==, "manager");
    g_assert_true (json_object_get_null_member (a, "dailyMessageLimit"));
    g_assert_cmpint (json_object_get_int_member (b, "suspended"), ==, 1);
    g_assert_null (strstr (response->text, "password"));
  }
  {
    g_autoptr(ApiResponse) response = call (fixture, "GET", "/api/v1/users",
                                                fixture->admin_key, NULL);
    JsonArray *users = json_object_get_array_member (api_object (response), "users");
    JsonObject *first = json_array_get_object_element (users, 0);

    g_assert_cmpuint (json_array_get_length (users), ==, 4);
    g_assert_cmpuint (json_object_get_size (first), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (first, "username"), ==, "boss");
  }

  /* Delete, then the id is gone. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, bob);

    assert_status (fixture, "DELETE", path, fixture->admin_key, NULL, 200);
    assert_status (fixture, "DELETE", path, fixture->admin_key, NULL, 404);
    assert_status (fixture, "POST", path, fixture->admin_key, "{\"role\":\"admin\"}", 404);
  }
}

static void
test_malformed_ids (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *ids[] = {
    "abc", "0", "-1", "01", "1.5", "1e3", "%201", "1%20", "0x10", "99999999999999999999",
    "%7B%22not%22%3A%22a%22%7D",
  };

  enable (fixture, "boss");
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++) {
    g_autofree char *path = g_strdup_printf ("/api/v1/admin/users/%s", ids[i]);

    assert_status (fixture, "POST", path, fixture->admin_key, "{\"role\":\"default\"}", 400);
    assert_status (fixture, "DELETE", path, fixture->admin_key, NULL, 400);
  }
  assert_status (fixture, "POST", "/api/v1/admin/users/424242", fixture->admin_key,
                 "{\"role\":\"default\"}", 404);
  /* The only admin is still an admin. */
  assert_key_works (fixture, fixture->admin_key, TRUE);
}

static void
test_last_admin (Fixture       *fixture,
                 gconstpointer  data)
{
  gint64 boss = enable (fixture, "boss");
  gint64 second;
  g_autofree char *boss_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, boss);
  const char *changes[] = {
    "{\"role\":\"manager\"}", "{\"role\":\"default\"}", "{\"suspended\":true}", "{\"suspended\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (changes); i++) {
    g_autoptr(ApiResponse) response = call (fixture, "POST", boss_path, fixture->admin_key,
                                                changes[i]);

    g_assert_cmpuint (response->status, ==, 409);
    g_assert_nonnull (strstr (api_error (response), "last administrator"));
  }
  {
    g_autoptr(ApiResponse) response = call (fixture, "DELETE", boss_path, fixture->admin_key,
                                                NULL);

    g_assert_cmpuint (response->status, ==, 409);
    g_assert_nonnull (strstr (api_error (response), "last administrator"));
  }
  /* A suspended admin does not count as a second one. */
  second = new_user (fixture, "second", "admin");
  update_user (fixture, second, "{\"suspended\":true}", 200);
  update_user (fixture, boss, "{\"role\":\"default\"}", 409);
  assert_key_works (fixture, fixture->admin_key, TRUE);

  /* With another active admin, boss may be demoted, which ends boss's admin key at once. */
  update_user (fixture, second, "{\"suspended\":false}", 200);
  update_user (fixture, boss, "{\"role\":\"default\"}", 200);
  assert_key_works (fixture, fixture->admin_key, FALSE);
}

static void
test_owner_refusals (Fixture       *fixture,
                     gconstpointer  data)
{
  gint64 boss = enable (fixture, "boss");
  gint64 alice = new_user (fixture, "alice", "admin");
  g_autofree char *alice_admin = api_new_key (&fixture->api, "a-admin", TRUE, alice);
  g_autofree char *alice_plain = api_new_key (&fixture->api, "a-plain", FALSE, alice);
  g_autofree char *alice_path = g_strdup_printf ("/api/v1/admin/users/%" G_GINT64_FORMAT, alice);

  (void) boss;
  assert_key_works (fixture, alice_admin, TRUE);
  assert_status (fixture, "GET", "/api/v1/admin/users", alice_admin, NULL, 200);

  /* Suspended: every key of the owner is refused on the very next request... */
  update_user (fixture, alice, "{\"suspended\":true}", 200);
  assert_key_works (fixture, alice_admin, FALSE);
  assert_key_works (fixture, alice_plain, FALSE);
  {
    g_autoptr(ApiResponse) response = call (fixture, "GET", "/api/v1/admin/users",
                                                alice_admin, NULL);

    g_assert_cmpuint (response->status, ==, 403);
    g_assert_cmpstr (response->text, ==, REFUSED);
  }
  /* ...and works again when lifted. */
  update_user (fixture, alice, "{\"suspended\":false}", 200);
  assert_key_works (fixture, alice_admin, TRUE);

  /* Demoted: the admin key is refused outright; the ordinary key acts with the new role. */
  update_user (fixture, alice, "{\"role\":\"manager\"}", 200);
  assert_key_works (fixture, alice_admin, FALSE);
  assert_key_works (fixture, alice_plain, TRUE);
  assert_status (fixture, "GET", "/api/v1/admin/users", alice_plain, NULL, 403);

  /* Deleted: every key of the owner is refused, and stays deactivated. */
  assert_status (fixture, "DELETE", alice_path, fixture->admin_key, NULL, 200);
  assert_key_works (fixture, alice_plain, FALSE);
  assert_key_works (fixture, alice_admin, FALSE);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) keys = rtx_api_keys_list (rtx_runtime_get_api_keys (fixture->api.runtime),
                                                   &error);

    for (guint i = 0; i < keys->len; i++) {
      RtxApiKey *key = g_ptr_array_index (keys, i);

      if (g_str_has_prefix (key->name, "a-")) {
        g_assert_false (rtx_api_key_is_active (key));
        g_assert_cmpint (key->owner_id, ==, 0);
      }
    }
  }
}

/* A second process (here a second runtime on the same data dir, as the command line would be)
 * suspends the owner: the server, which caches nothing, refuses the next request. */
static void
test_owner_suspended_by_other_process (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) other = NULL;
  g_autoptr(RtxUser) changed = NULL;
  gint64 alice;
  g_autofree char *alice_key = NULL;
  RtxUserChanges suspend = { .set_suspended = TRUE, .suspended = TRUE };
  const RtxActor actor = { "other-process", "cli" };

  enable (fixture, "boss");
  alice = new_user (fixture, "alice", "default");
  alice_key = api_new_key (&fixture->api, "alice", FALSE, alice);
  assert_key_works (fixture, alice_key, TRUE);

  other = rtx_runtime_new (fixture->api.data_dir, &error);
  g_assert_no_error (error);
  changed = rtx_users_update (rtx_runtime_get_users (other), alice, &suspend, &actor, &error);
  g_assert_no_error (error);
  g_assert_true (changed->suspended);

  assert_key_works (fixture, alice_key, FALSE);
}

static void
test_key_ownership (Fixture       *fixture,
                    gconstpointer  data)
{
  RtxApiKeys *keys = rtx_runtime_get_api_keys (fixture->api.runtime);
  const RtxActor operator_actor = { "operator", "cli" };
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) by_operator = NULL;
  g_autoptr(RtxApiKey) refused = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  gint64 boss = enable (fixture, "boss");
  gint64 alice = new_user (fixture, "alice", "default");

  /* A key made on this machine without an owner belongs to the operator's admin user. */
  by_operator = rtx_api_keys_create (keys, "cli-made", FALSE, &operator_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  g_assert_cmpint (by_operator->owner_id, ==, boss);
  g_clear_pointer (&secret, rtx_secret_free);

  /* Only an admin owns an admin key. */
  refused = rtx_api_keys_create_for_owner (keys, "x", TRUE, alice, &operator_actor, &secret,
                                           &error);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED);
  g_assert_null (refused);
  g_assert_null (secret);
  g_clear_error (&error);

  /* A suspended user owns no new key. */
  update_user (fixture, alice, "{\"suspended\":true}", 200);
  refused = rtx_api_keys_create_for_owner (keys, "x", FALSE, alice, &operator_actor, &secret,
                                           &error);
  g_assert_error (error, RTX_ERROR, RTX_ERROR_CONFLICT);
  g_assert_null (refused);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/admin/single-user-mode", test_single_user_mode);
  ADD ("/rtx/api/admin/ordinary-key-refused", test_ordinary_key_refused);
  ADD ("/rtx/api/admin/enable/bad-input", test_enable_refuses_bad_input);
  ADD ("/rtx/api/admin/enable", test_enable);
  ADD ("/rtx/api/admin/users/crud", test_users_crud);
  ADD ("/rtx/api/admin/users/malformed-ids", test_malformed_ids);
  ADD ("/rtx/api/admin/users/last-admin", test_last_admin);
  ADD ("/rtx/api/admin/keys/owner-refusals", test_owner_refusals);
  ADD ("/rtx/api/admin/keys/owner-suspended-elsewhere", test_owner_suspended_by_other_process);
  ADD ("/rtx/api/admin/keys/ownership", test_key_ownership);
#undef ADD

  return g_test_run ();
}
