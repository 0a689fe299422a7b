/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-preferences.h"
#include "rtx-test-utils.h"

/* Workspace membership and visibility in multi-user mode, the admin chat list and the
 * preferences, through the API. */

typedef struct {
  ApiFixture  api;
  char       *admin_key;
  gint64      boss;
  gint64      alice;        /* default role */
  gint64      bob;          /* manager */
  char       *alice_key;
  char       *bob_key;
  gint64      ws_a;
  gint64      ws_b;
} Fixture;

static ApiResponse *
call (Fixture    *f,
      const char *method,
      const char *path,
      const char *key,
      const char *body)
{
  return api_call (&f->api, method, path, key, body);
}

static void
expect (Fixture    *f,
        const char *method,
        const char *path,
        const char *key,
        const char *body,
        guint       status)
{
  g_autoptr(ApiResponse) response = call (f, method, path, key, body);

  g_assert_cmpuint (response->status, ==, status);
}

static gint64
post_id (Fixture    *f,
         const char *path,
         const char *body,
         const char *member)
{
  g_autoptr(ApiResponse) response = call (f, "POST", path, f->admin_key, body);
  JsonObject *object;

  g_assert_cmpuint (response->status, ==, 200);
  object = json_object_get_object_member (api_object (response), member);
  return json_object_get_int_member (object, "id");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  gboolean multi_user = GPOINTER_TO_INT (data);

  api_fixture_setup (&f->api, data);
  f->admin_key = api_new_key (&f->api, "admin", TRUE, 0);
  f->ws_a = post_id (f, "/api/v1/workspace/new", "{\"name\":\"Alpha\"}", "workspace");
  f->ws_b = post_id (f, "/api/v1/workspace/new", "{\"name\":\"Beta\"}", "workspace");

  if (!multi_user)
    return;

  f->boss = post_id (f, "/api/v1/admin/enable-multi-user", "{\"username\":\"boss\"}", "user");
  f->alice = post_id (f, "/api/v1/admin/users/new", "{\"username\":\"alice\"}", "user");
  f->bob = post_id (f, "/api/v1/admin/users/new", "{\"username\":\"bob\",\"role\":\"manager\"}",
                    "user");
  f->alice_key = api_new_key (&f->api, "alice", FALSE, f->alice);
  f->bob_key = api_new_key (&f->api, "bob", FALSE, f->bob);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  api_fixture_teardown (&f->api, data);
  g_free (f->admin_key);
  g_free (f->alice_key);
  g_free (f->bob_key);
}

static guint
count_workspaces (Fixture    *f,
                  const char *key)
{
  g_autoptr(ApiResponse) response = call (f, "GET", "/api/v1/workspaces", key, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return json_array_get_length (json_object_get_array_member (api_object (response),
                                                              "workspaces"));
}

static void
test_visibility (Fixture       *f,
                 gconstpointer  data)
{
  /* A default user sees no workspace until made a member... */
  g_assert_cmpuint (count_workspaces (f, f->alice_key), ==, 0);
  {
    g_autoptr(ApiResponse) response = call (f, "GET", "/api/v1/workspace/alpha", f->alice_key,
                                            NULL);

    g_assert_cmpuint (response->status, ==, 403);
    g_assert_nonnull (strstr (api_error (response), "not a member"));
  }

  /* ...and managers and admins see all. */
  g_assert_cmpuint (count_workspaces (f, f->bob_key), ==, 2);
  g_assert_cmpuint (count_workspaces (f, f->admin_key), ==, 2);

  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
          "{\"userIds\":[2]}", 200);
  g_assert_cmpuint (count_workspaces (f, f->alice_key), ==, 1);
  expect (f, "GET", "/api/v1/workspace/alpha", f->alice_key, NULL, 200);
  expect (f, "GET", "/api/v1/workspace/beta", f->alice_key, NULL, 403);

  /* Chats and threads go through the same rule. */
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key,
          "{\"message\":\"hello\",\"mode\":\"chat\"}", 200);
  expect (f, "POST", "/api/v1/workspace/beta/chat", f->alice_key,
          "{\"message\":\"hello\",\"mode\":\"chat\"}", 403);
  expect (f, "POST", "/api/v1/workspace/beta/stream-chat", f->alice_key,
          "{\"message\":\"hello\",\"mode\":\"chat\"}", 403);
  expect (f, "POST", "/api/v1/workspace/beta/thread/new", f->alice_key, "{}", 403);
  expect (f, "POST", "/api/v1/workspace/alpha/thread/new", f->alice_key, "{}", 200);

  /* So does the OpenAI surface, where workspaces are models. */
  {
    g_autoptr(ApiResponse) response = call (f, "GET", "/api/v1/openai/models", f->alice_key,
                                            NULL);
    JsonArray *models = json_object_get_array_member (api_object (response), "data");

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (models), ==, 1);
    g_assert_cmpstr (api_path_string (response, "$.data[0].id"), ==, "alpha");
  }
  {
    g_autoptr(ApiResponse) response = call (f, "GET", "/api/v1/openai/vector_stores",
                                            f->alice_key, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (response),
                                                                           "data")), ==, 1);
  }
  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/openai/chat/completions",
                                            f->alice_key,
                                            "{\"model\":\"beta\",\"messages\":[{\"role\":"
                                            "\"user\",\"content\":\"hi\"}]}");

    g_assert_cmpuint (response->status, ==, 403);
    g_assert_nonnull (strstr (api_path_string (response, "$.error.message"), "not a member"));
  }
  expect (f, "POST", "/api/v1/openai/chat/completions", f->alice_key,
          "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          200);

  /* A default user manages no workspace, not even its own. */
  expect (f, "POST", "/api/v1/workspace/new", f->alice_key, "{\"name\":\"Gamma\"}", 403);
  expect (f, "POST", "/api/v1/workspace/alpha/update", f->alice_key, "{\"name\":\"A\"}", 403);
  expect (f, "DELETE", "/api/v1/workspace/alpha", f->alice_key, NULL, 403);
  expect (f, "DELETE", "/api/v1/workspace/beta", f->alice_key, NULL, 403);
  g_assert_cmpuint (count_workspaces (f, f->admin_key), ==, 2);

  /* Membership removed: visibility goes with it at once. */
  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
          "{\"userIds\":[3],\"reset\":true}", 200);
  expect (f, "GET", "/api/v1/workspace/alpha", f->alice_key, NULL, 403);
}

static void
test_members (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/workspaces/%" G_GINT64_FORMAT "/users",
                                           f->ws_a);
  const char *bad_bodies[] = {
    "{\"userIds\":\"2\"}", "{\"userIds\":[0]}", "{\"userIds\":[\"2\"]}",
    "{\"userIds\":[{\"not\":\"a\"}]}", "{\"userIds\":[2],\"reset\":\"yes\"}", "{}", "[2]", "{",
    "{\"userIds\":[2],\"role\":\"admin\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_bodies); i++)
    expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
            bad_bodies[i], 400);
  expect (f, "POST", "/api/v1/admin/workspaces/nope/manage-users", f->admin_key,
          "{\"userIds\":[2]}", 404);
  /* An unknown user among known ones: nothing changes. */
  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
          "{\"userIds\":[2,999]}", 404);
  {
    g_autoptr(ApiResponse) response = call (f, "GET", path, f->admin_key, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (response),
                                                                           "users")), ==, 0);
  }

  {
    g_autoptr(ApiResponse) response = call (f, "POST",
                                            "/api/v1/admin/workspaces/alpha/manage-users",
                                            f->admin_key, "{\"userIds\":[2,3]}");
    JsonArray *users = json_object_get_array_member (api_object (response), "users");

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (users), ==, 2);
  }
  {
    g_autoptr(ApiResponse) response = call (f, "GET", path, f->admin_key, NULL);
    JsonArray *users = json_object_get_array_member (api_object (response), "users");
    JsonObject *first = json_array_get_object_element (users, 0);

    g_assert_cmpuint (json_array_get_length (users), ==, 2);
    g_assert_cmpint (json_object_get_int_member (first, "userId"), ==, f->alice);
    g_assert_cmpstr (json_object_get_string_member (first, "username"), ==, "alice");
    g_assert_cmpstr (json_object_get_string_member (first, "role"), ==, "default");
  }

  /* Malformed and unknown ids; ordinary keys, even a manager's. */
  expect (f, "GET", "/api/v1/admin/workspaces/alpha/users", f->admin_key, NULL, 400);
  expect (f, "GET", "/api/v1/admin/workspaces/0/users", f->admin_key, NULL, 400);
  expect (f, "GET", "/api/v1/admin/workspaces/-1/users", f->admin_key, NULL, 400);
  expect (f, "GET", "/api/v1/admin/workspaces/4242/users", f->admin_key, NULL, 404);
  expect (f, "GET", path, f->alice_key, NULL, 403);
  expect (f, "GET", path, f->bob_key, NULL, 403);
  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->bob_key,
          "{\"userIds\":[3]}", 403);

  /* Deleting a user ends their memberships. */
  expect (f, "DELETE", "/api/v1/admin/users/2", f->admin_key, NULL, 200);
  {
    g_autoptr(ApiResponse) response = call (f, "GET", path, f->admin_key, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (response),
                                                                           "users")), ==, 1);
  }
}

static void
test_single_user_mode (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/admin/workspaces/%" G_GINT64_FORMAT "/users",
                                           f->ws_a);
  g_autofree char *plain = api_new_key (&f->api, "plain", FALSE, 0);

  expect (f, "GET", path, f->admin_key, NULL, 401);
  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
          "{\"userIds\":[1]}", 401);
  /* Every key sees every workspace in single-user mode. */
  g_assert_cmpuint (count_workspaces (f, plain), ==, 2);
  expect (f, "GET", "/api/v1/workspace/beta", plain, NULL, 200);
}

static void
insert_chats (Fixture *f,
              guint    n)
{
  RtxDb *db = rtx_runtime_get_db (f->api.runtime);

  for (guint i = 0; i < n; i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *sql = g_strdup_printf (
      "INSERT INTO workspace_chats (workspace_id, user_id, api_session_id, prompt, response,"
      " created_at, updated_at) VALUES (%" G_GINT64_FORMAT ", %s, 'session-%u', 'question %u',"
      " '{\"text\":\"answer %u\",\"sources\":[],\"type\":\"chat\"}', %u, %u)",
      i % 2 ? f->ws_a : f->ws_b, i == n - 1 && f->alice > 0 ? "2" : "NULL", i, i, i,
      1700000000 + i, 1700000000 + i);

    g_assert_true (rtx_db_exec (db, sql, &error));
    g_assert_no_error (error);
  }
}

static void
test_workspace_chats (Fixture       *f,
                      gconstpointer  data)
{
  insert_chats (f, 25);

  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/admin/workspace-chats",
                                            f->admin_key, NULL);
    JsonObject *object = api_object (response);
    JsonArray *chats = json_object_get_array_member (object, "chats");
    JsonObject *newest = json_array_get_object_element (chats, 0);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (chats), ==, 20);
    g_assert_true (json_object_get_boolean_member (object, "hasPages"));
    g_assert_cmpstr (json_object_get_string_member (newest, "prompt"), ==, "question 24");
    g_assert_cmpstr (json_object_get_string_member (newest, "response"), ==,
                     "{\"text\":\"answer 24\",\"sources\":[],\"type\":\"chat\"}");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (newest, "workspace"),
                                                    "slug"), ==, "beta");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (newest, "user"),
                                                    "username"), ==, "alice");
  }
  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/admin/workspace-chats",
                                            f->admin_key, "{\"offset\":1}");
    JsonObject *object = api_object (response);
    JsonArray *chats = json_object_get_array_member (object, "chats");
    JsonObject *oldest = json_array_get_object_element (chats, 4);

    g_assert_cmpuint (json_array_get_length (chats), ==, 5);
    g_assert_false (json_object_get_boolean_member (object, "hasPages"));
    g_assert_cmpstr (json_object_get_string_member (oldest, "prompt"), ==, "question 0");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (oldest, "user"),
                                                    "username"), ==, "API");
  }

  expect (f, "POST", "/api/v1/admin/workspace-chats", f->admin_key, "{\"offset\":-1}", 400);
  expect (f, "POST", "/api/v1/admin/workspace-chats", f->admin_key, "{\"offset\":\"1\"}", 400);
  expect (f, "POST", "/api/v1/admin/workspace-chats", f->admin_key, "{\"page\":1}", 400);
  expect (f, "POST", "/api/v1/admin/workspace-chats", f->alice_key, NULL, 403);
  expect (f, "POST", "/api/v1/admin/workspace-chats", f->bob_key, NULL, 403);
}

static gint64
count_user_chats (Fixture *f,
                  gint64   user_id)
{
  RtxDb *db = rtx_runtime_get_db (f->api.runtime);
  g_autoptr(RtxStmt) stmt = NULL;
  g_autoptr(GError) error = NULL;
  gboolean have_row = FALSE;

  stmt = rtx_db_prepare (db, "SELECT count(*) FROM workspace_chats WHERE user_id = ?1", &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, user_id);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, &error));
  g_assert_true (have_row);
  return sqlite3_column_int64 (stmt, 0);
}

static void
expect_limited (Fixture    *f,
                const char *path,
                const char *body)
{
  g_autoptr(ApiResponse) response = call (f, "POST", path, f->alice_key, body);

  g_assert_cmpuint (response->status, ==, 429);
  if (g_str_has_prefix (path, "/api/v1/openai/")) {
    g_assert_nonnull (strstr (api_path_string (response, "$.error.message"),
                              "daily message limit"));
  } else {
    g_assert_false (json_object_get_boolean_member (api_object (response), "success"));
    g_assert_cmpstr (json_object_get_string_member (api_object (response), "type"), ==, "abort");
    g_assert_nonnull (strstr (api_error (response), "daily message limit (2 chats in 24 hours)"));
  }
}

static void
test_daily_limit (Fixture       *f,
                  gconstpointer  data)
{
  const char *chat = "{\"message\":\"hello\",\"mode\":\"chat\"}";
  const char *openai = "{\"model\":\"alpha\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  g_autofree char *thread_chat = NULL;

  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
          "{\"userIds\":[2,3]}", 200);
  expect (f, "POST", "/api/v1/admin/users/2", f->admin_key, "{\"dailyMessageLimit\":2}", 200);
  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/workspace/alpha/thread/new",
                                            f->alice_key, "{}");

    g_assert_cmpuint (response->status, ==, 200);
    thread_chat = g_strdup_printf ("/api/v1/workspace/alpha/thread/%s/chat",
                                   api_path_string (response, "$.thread.slug"));
  }

  /* Two exchanges, by two routes, each stored under the user who asked. */
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key, chat, 200);
  expect (f, "POST", "/api/v1/openai/chat/completions", f->alice_key, openai, 200);
  g_assert_cmpint (count_user_chats (f, f->alice), ==, 2);

  /* The third is refused on every chat route, and nothing is asked or stored. */
  expect_limited (f, "/api/v1/workspace/alpha/chat", chat);
  expect_limited (f, "/api/v1/workspace/alpha/stream-chat", chat);
  expect_limited (f, thread_chat, chat);
  expect_limited (f, "/api/v1/openai/chat/completions", openai);
  g_assert_cmpint (count_user_chats (f, f->alice), ==, 2);
  /* Resetting the history asks nothing and stays possible; it frees no allowance either. */
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key,
          "{\"message\":\"\",\"reset\":true}", 200);
  expect_limited (f, "/api/v1/workspace/alpha/chat", chat);

  /* Other users are not counted against her: a manager without a limit, and an admin, whose
   * limit does not apply (AnythingLLM's rule). */
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->bob_key, chat, 200);
  expect (f, "POST", "/api/v1/admin/users/1", f->admin_key, "{\"dailyMessageLimit\":1}", 200);
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->admin_key, chat, 200);
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->admin_key, chat, 200);
  g_assert_cmpint (count_user_chats (f, f->bob), ==, 1);
  g_assert_cmpint (count_user_chats (f, f->boss), ==, 2);

  /* Exchanges older than 24 hours no longer count. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *sql = g_strdup_printf ("UPDATE workspace_chats SET created_at ="
                                            " created_at - 86401 WHERE user_id = %"
                                            G_GINT64_FORMAT " AND prompt = 'hello'", f->alice);

    g_assert_true (rtx_db_exec (rtx_runtime_get_db (f->api.runtime), sql, &error));
    g_assert_no_error (error);
  }
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key, chat, 200);
  expect_limited (f, "/api/v1/workspace/alpha/chat", chat);

  /* Raising the limit takes effect at once; clearing it lifts it. */
  expect (f, "POST", "/api/v1/admin/users/2", f->admin_key, "{\"dailyMessageLimit\":3}", 200);
  expect (f, "POST", "/api/v1/workspace/alpha/stream-chat", f->alice_key, chat, 200);
  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/workspace/alpha/chat",
                                            f->alice_key, chat);

    g_assert_cmpuint (response->status, ==, 429);
    g_assert_nonnull (strstr (api_error (response), "(3 chats in 24 hours)"));
  }
  expect (f, "POST", "/api/v1/admin/users/2", f->admin_key, "{\"dailyMessageLimit\":null}", 200);
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key, chat, 200);
}

/* Chats record who asked: the admin chat list and the exports name the owner of the key. */
static void
test_chats_record_user (Fixture       *f,
                        gconstpointer  data)
{
  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
          "{\"userIds\":[2]}", 200);
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key,
          "{\"message\":\"from alice\",\"mode\":\"chat\"}", 200);
  expect (f, "POST", "/api/v1/openai/chat/completions", f->bob_key,
          "{\"model\":\"beta\",\"messages\":[{\"role\":\"user\",\"content\":\"from bob\"}]}", 200);
  expect (f, "POST", "/api/v1/workspace/beta/chat", f->admin_key,
          "{\"message\":\"from the admin\",\"mode\":\"chat\"}", 200);

  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/admin/workspace-chats",
                                            f->admin_key, NULL);
    JsonArray *chats = json_object_get_array_member (api_object (response), "chats");
    const char *expected[][2] = {
      { "from the admin", "boss" }, { "from bob", "bob" }, { "from alice", "alice" },
    };

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (chats), ==, 3);
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++) {
      JsonObject *row = json_array_get_object_element (chats, i);

      g_assert_cmpstr (json_object_get_string_member (row, "prompt"), ==, expected[i][0]);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "user"),
                                                      "username"), ==, expected[i][1]);
    }
  }
  {
    g_autoptr(ApiResponse) response = call (f, "GET", "/api/v1/system/export-chats?type=json",
                                            f->admin_key, NULL);
    JsonArray *rows;

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (response->json));
    rows = json_node_get_array (response->json);
    g_assert_cmpuint (json_array_get_length (rows), ==, 3);
    for (guint i = 0; i < 3; i++) {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *prompt = json_object_get_string_member (row, "prompt");
      const char *username = json_object_get_string_member (row, "username");

      g_assert_cmpstr (username, ==, g_str_equal (prompt, "from alice") ? "alice"
                                     : g_str_equal (prompt, "from bob") ? "bob" : "boss");
    }
  }
}

static guint
history_length (Fixture    *f,
                const char *path,
                const char *key,
                const char *must_contain)
{
  g_autoptr(ApiResponse) response = call (f, "GET", path, key, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  if (must_contain != NULL)
    g_assert_nonnull (strstr (response->text, must_contain));
  return json_array_get_length (json_object_get_array_member (api_object (response), "history"));
}

/* People sharing a workspace neither read, continue nor reset each other's conversations:
 * a history (default, API session or thread) is per user. */
static void
test_histories_per_user (Fixture       *f,
                         gconstpointer  data)
{
  const char *alice_chat = "{\"message\":\"alice private\",\"mode\":\"chat\",\"sessionId\":\"s1\"}";
  const char *bob_chat = "{\"message\":\"bob here\",\"mode\":\"chat\",\"sessionId\":\"s1\"}";
  const char *session = "/api/v1/workspace/alpha/chats?apiSessionId=s1";

  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key,
          "{\"userIds\":[2,3]}", 200);
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key, alice_chat, 200);
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->alice_key,
          "{\"message\":\"alice default\",\"mode\":\"chat\"}", 200);

  /* Same workspace, same sessionId: bob sees none of it. */
  g_assert_cmpuint (history_length (f, session, f->alice_key, "alice private"), ==, 2);
  g_assert_cmpuint (history_length (f, session, f->bob_key, NULL), ==, 0);
  g_assert_cmpuint (history_length (f, "/api/v1/workspace/alpha/chats", f->bob_key, NULL), ==, 0);
  g_assert_cmpuint (history_length (f, "/api/v1/workspace/alpha/chats", f->admin_key, NULL), ==,
                    0);

  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->bob_key, bob_chat, 200);
  {
    g_autoptr(ApiResponse) response = call (f, "GET", session, f->bob_key, NULL);

    g_assert_null (strstr (response->text, "alice"));
    g_assert_nonnull (strstr (response->text, "bob here"));
  }

  /* Bob's reset of "his" session leaves hers. */
  expect (f, "POST", "/api/v1/workspace/alpha/chat", f->bob_key,
          "{\"message\":\"\",\"reset\":true,\"sessionId\":\"s1\"}", 200);
  g_assert_cmpuint (history_length (f, session, f->bob_key, NULL), ==, 0);
  g_assert_cmpuint (history_length (f, session, f->alice_key, "alice private"), ==, 2);

  /* The administrators' chat list still shows everyone's. */
  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/admin/workspace-chats",
                                            f->admin_key, NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (api_object (response),
                                                                           "chats")), ==, 3);
  }
}

static JsonObject *
workspace_threads_find (ApiResponse *response,
                        const char  *slug)
{
  JsonObject *ws = json_array_get_object_element (
    json_object_get_array_member (api_object (response), "workspace"), 0);
  JsonArray *threads = json_object_get_array_member (ws, "threads");

  for (guint i = 0; i < json_array_get_length (threads); i++) {
    JsonObject *thread = json_array_get_object_element (threads, i);

    if (g_strcmp0 (json_object_get_string_member (thread, "slug"), slug) == 0)
      return thread;
  }
  return NULL;
}

/* A thread belongs to the user whose key made it: another member of the workspace neither
 * sees, reads, renames, chats in nor deletes it (it is "not found" to them), a manager does,
 * and a `userId` in the body cannot file it under someone else. */
static void
test_threads_per_user (Fixture       *f,
                       gconstpointer  data)
{
  const char *thread = "/api/v1/workspace/alpha/thread/alice-t";
  const char *chat = "{\"message\":\"hello\",\"mode\":\"chat\"}";
  gint64 carol = post_id (f, "/api/v1/admin/users/new", "{\"username\":\"carol\"}", "user");
  g_autofree char *carol_key = api_new_key (&f->api, "carol", FALSE, carol);
  g_autofree char *members = g_strdup_printf ("{\"userIds\":[%" G_GINT64_FORMAT ",%"
                                              G_GINT64_FORMAT "]}", f->alice, carol);
  g_autofree char *create = g_strdup_printf ("{\"name\":\"Alice's\",\"slug\":\"alice-t\","
                                             "\"userId\":%" G_GINT64_FORMAT "}", carol);

  expect (f, "POST", "/api/v1/admin/workspaces/alpha/manage-users", f->admin_key, members, 200);
  {
    g_autoptr(ApiResponse) response = call (f, "POST", "/api/v1/workspace/alpha/thread/new",
                                            f->alice_key, create);
    JsonObject *made;

    g_assert_cmpuint (response->status, ==, 200);
    made = json_object_get_object_member (api_object (response), "thread");
    g_assert_cmpint (json_object_get_int_member (made, "user_id"), ==, f->alice);
  }
  expect (f, "POST", "/api/v1/workspace/alpha/thread/alice-t/chat", f->alice_key, chat, 200);

  /* Carol, a member of the same workspace. */
  expect (f, "GET", "/api/v1/workspace/alpha/thread/alice-t/chats", carol_key, NULL, 404);
  expect (f, "POST", "/api/v1/workspace/alpha/thread/alice-t/update", carol_key,
          "{\"name\":\"Mine now\"}", 404);
  expect (f, "POST", "/api/v1/workspace/alpha/thread/alice-t/chat", carol_key, chat, 404);
  expect (f, "POST", "/api/v1/workspace/alpha/thread/alice-t/stream-chat", carol_key, chat, 404);
  expect (f, "DELETE", thread, carol_key, NULL, 200);   /* idempotent: nothing happens */
  {
    g_autoptr(ApiResponse) theirs = call (f, "GET", "/api/v1/workspace/alpha", carol_key, NULL);
    g_autoptr(ApiResponse) hers = call (f, "GET", "/api/v1/workspace/alpha", f->alice_key, NULL);
    JsonObject *listed;

    g_assert_null (workspace_threads_find (theirs, "alice-t"));
    listed = workspace_threads_find (hers, "alice-t");
    g_assert_nonnull (listed);
    g_assert_cmpint (json_object_get_int_member (listed, "user_id"), ==, f->alice);
    g_assert_cmpstr (json_object_get_string_member (listed, "name"), ==, "Alice's");
  }
  g_assert_cmpuint (history_length (f, "/api/v1/workspace/alpha/thread/alice-t/chats",
                                    f->alice_key, "hello"), ==, 2);

  /* A manager sees every thread; the owner renames and deletes her own. */
  expect (f, "GET", "/api/v1/workspace/alpha/thread/alice-t/chats", f->bob_key, NULL, 200);
  expect (f, "POST", "/api/v1/workspace/alpha/thread/alice-t/update", f->alice_key,
          "{\"name\":\"Renamed\"}", 200);
  expect (f, "DELETE", thread, f->alice_key, NULL, 200);
  expect (f, "GET", "/api/v1/workspace/alpha/thread/alice-t/chats", f->alice_key, NULL, 404);
}

static void
test_preferences (Fixture       *f,
                  gconstpointer  data)
{
  RtxSettings *settings = rtx_runtime_get_settings (f->api.runtime);
  const char *bad[] = {
    "{\"LLMProvider\":\"openai\"}", "{\"multi_user_mode\":\"0\"}",
    "{\"meta_page_title\":\"<script>alert(1)</script>\"}",
    "{\"custom_app_name\":\"two\\nlines\"}", "{\"support_email\":\"not-an-email\"}",
    "{\"support_email\":{\"not\":\"a\"}}", "{\"text_splitter_chunk_size\":0}",
    "{\"text_splitter_chunk_size\":\"100\"}",
    "{\"footer_data\":\"[{\\\"url\\\":\\\"javascript:alert(1)\\\",\\\"icon\\\":\\\"x\\\"}]\"}",
    "{\"support_email\":\"ok@example.com\",\"logo_filename\":\"../../runtime.db\"}",
    "[]", "{",
  };

  expect (f, "POST", "/api/v1/admin/preferences", f->admin_key,
          "{\"support_email\":\"help@example.com\",\"custom_app_name\":\"Acme Runtime\","
          "\"footer_data\":[{\"url\":\"https://example.com/docs\",\"icon\":\"book\"}],"
          "\"text_splitter_chunk_size\":1000}", 200);
  {
    g_autofree char *email = rtx_preferences_get (settings, "support_email");
    g_autofree char *footer = rtx_preferences_get (settings, "footer_data");

    g_assert_cmpstr (email, ==, "help@example.com");
    g_assert_cmpstr (footer, ==, "[{\"url\":\"https://example.com/docs\",\"icon\":\"book\"}]");
  }

  /* A bad value or an unknown label changes nothing, not even the good values beside it. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    expect (f, "POST", "/api/v1/admin/preferences", f->admin_key, bad[i], 400);
  {
    g_autofree char *email = rtx_preferences_get (settings, "support_email");
    g_autofree char *provider = rtx_settings_get (settings, "LLMProvider");

    g_assert_cmpstr (email, ==, "help@example.com");
    g_assert_null (provider);
  }

  expect (f, "POST", "/api/v1/admin/preferences", f->admin_key, "{\"support_email\":null}", 200);
  {
    g_autofree char *email = rtx_preferences_get (settings, "support_email");

    g_assert_null (email);
  }
  expect (f, "POST", "/api/v1/admin/preferences", f->bob_key,
          "{\"custom_app_name\":\"Mine\"}", 403);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, mu, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (mu), fixture_setup, func, fixture_teardown)
  ADD ("/rtx/api/admin/workspaces/visibility", TRUE, test_visibility);
  ADD ("/rtx/api/admin/workspaces/members", TRUE, test_members);
  ADD ("/rtx/api/admin/workspaces/single-user-mode", FALSE, test_single_user_mode);
  ADD ("/rtx/api/admin/workspace-chats", TRUE, test_workspace_chats);
  ADD ("/rtx/api/admin/preferences", TRUE, test_preferences);
  ADD ("/rtx/api/admin/users/daily-message-limit", TRUE, test_daily_limit);
  ADD ("/rtx/api/admin/chats-record-user", TRUE, test_chats_record_user);
  ADD ("/rtx/api/admin/histories-per-user", TRUE, test_histories_per_user);
  ADD ("/rtx/api/admin/threads-per-user", TRUE, test_threads_per_user);
#undef ADD

  return g_test_run ();
}
