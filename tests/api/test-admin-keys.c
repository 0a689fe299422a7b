/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "api-client.h"
#include "rtx-test-utils.h"

/* The admin key routes: only admin keys reach them, a secret is shown once (in the answer that
 * creates it), and what the answers say is what the database and the next request see. */

static char *
admin_key (ApiFixture *f)
{
  return api_new_key (f, "admin", TRUE, 0);
}

/* Records the secret of an answer for the final sweep, and returns it. */
static const char *
answer_secret (ApiResponse *r)
{
  const char *secret = json_object_get_string_member (api_object (r), "secret");

  g_assert_nonnull (secret);
  g_assert_true (g_str_has_prefix (secret, "rtx_"));
  rtx_test_record_key (secret);
  return secret;
}

static void
test_ordinary_key_refused (ApiFixture    *f,
                           gconstpointer  data)
{
  static const struct { const char *method, *path, *body; } routes[] = {
    { "GET", "/api/v1/admin/api-keys", NULL },
    { "POST", "/api/v1/admin/api-keys", "{\"name\":\"sneaky\",\"admin\":true}" },
    { "POST", "/api/v1/admin/api-keys/1/rotate", NULL },
    { "POST", "/api/v1/admin/api-keys/1/deactivate", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++) {
    g_autoptr(ApiResponse) r = api_call (f, routes[i].method, routes[i].path, f->key,
                                         routes[i].body);

    g_test_message ("%s %s", routes[i].method, routes[i].path);
    g_assert_cmpuint (r->status, ==, 403);
    g_assert_cmpstr (api_error (r), ==, "This route needs an administrator key.");
  }

  /* Nothing was made, rotated or deactivated. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) keys = rtx_api_keys_list (rtx_runtime_get_api_keys (f->runtime),
                                                   &error);

    g_assert_cmpuint (keys->len, ==, 1);
    g_assert_true (rtx_api_key_is_active (g_ptr_array_index (keys, 0)));
  }
}

static void
test_create_list (ApiFixture    *f,
                  gconstpointer  data)
{
  g_autofree char *admin = admin_key (f);
  g_autoptr(ApiResponse) made = api_call (f, "POST", "/api/v1/admin/api-keys", admin,
                                          "{\"name\":\"  CI pipeline \"}");
  g_autoptr(ApiResponse) made_admin = api_call (f, "POST", "/api/v1/admin/api-keys", admin,
                                                "{\"name\":\"ops\",\"admin\":true}");
  g_autoptr(ApiResponse) listed = NULL;
  g_autoptr(ApiResponse) works = NULL;
  g_autoptr(ApiResponse) promoted = NULL;
  g_autofree char *bearer = NULL;
  const char *secret, *admin_secret;
  JsonObject *key;
  JsonArray *list;

  g_assert_cmpuint (made->status, ==, 200);
  secret = answer_secret (made);
  key = json_object_get_object_member (api_object (made), "apiKey");
  g_assert_cmpstr (json_object_get_string_member (key, "name"), ==, "CI pipeline");
  g_assert_false (json_object_get_boolean_member (key, "admin"));
  g_assert_true (json_object_get_boolean_member (key, "active"));
  g_assert_cmpstr (json_object_get_string_member (key, "createdVia"), ==, "standard");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (key, "display"),
                                   secret + strlen (secret) - 4));

  g_assert_cmpuint (made_admin->status, ==, 200);
  admin_secret = answer_secret (made_admin);
  g_assert_true (json_object_get_boolean_member (
    json_object_get_object_member (api_object (made_admin), "apiKey"), "admin"));

  /* The list has every key and no secret. */
  listed = api_call (f, "GET", "/api/v1/admin/api-keys", admin, NULL);
  g_assert_cmpuint (listed->status, ==, 200);
  list = json_object_get_array_member (api_object (listed), "apiKeys");
  g_assert_cmpuint (json_array_get_length (list), ==, 4);
  g_assert_null (strstr (listed->text, secret));
  g_assert_null (strstr (listed->text, admin_secret));
  g_assert_null (strstr (listed->text, admin));
  g_assert_null (strstr (listed->text, "secret"));

  /* The new keys work at once: the ordinary one on ordinary routes only. */
  bearer = g_strdup (secret);
  works = api_call (f, "GET", "/api/v1/auth", bearer, NULL);
  g_assert_cmpuint (works->status, ==, 200);
  promoted = api_call (f, "GET", "/api/v1/admin/api-keys", bearer, NULL);
  g_assert_cmpuint (promoted->status, ==, 403);
  {
    g_autoptr(ApiResponse) as_new_admin = api_call (f, "GET", "/api/v1/admin/api-keys",
                                                    admin_secret, NULL);

    g_assert_cmpuint (as_new_admin->status, ==, 200);
  }
}

static void
test_create_invalid (ApiFixture    *f,
                     gconstpointer  data)
{
  g_autofree char *admin = admin_key (f);
  static const struct { const char *body, *fragment; } cases[] = {
    { "{}", "“name” is required" },
    { "{\"name\":\"\"}", "“name”" },
    { "{\"name\":7}", "“name” must be a string" },
    { "{\"name\":\"x\",\"admin\":\"yes\"}", "“admin” must be true or false" },
    { "{\"name\":\"x\",\"role\":\"admin\"}", "“role” is not a known field" },
    { "{\"name\":\"a\\u0007b\"}", "control characters" },
    { "{\"name\":\"   \"}", "1 to 200 characters" },
    { "[\"x\"]", "JSON object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(ApiResponse) r = api_call (f, "POST", "/api/v1/admin/api-keys", admin,
                                         cases[i].body);

    g_test_message ("%s → %s", cases[i].body, r->text);
    g_assert_cmpuint (r->status, ==, 400);
    g_assert_nonnull (strstr (api_error (r), cases[i].fragment));
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) keys = rtx_api_keys_list (rtx_runtime_get_api_keys (f->runtime),
                                                   &error);

    g_assert_cmpuint (keys->len, ==, 2);
  }
}

static gint64
key_id (ApiResponse *r)
{
  return json_object_get_int_member (json_object_get_object_member (api_object (r), "apiKey"),
                                     "id");
}

static void
test_rotate_deactivate (ApiFixture    *f,
                        gconstpointer  data)
{
  g_autofree char *admin = admin_key (f);
  g_autoptr(ApiResponse) made = api_call (f, "POST", "/api/v1/admin/api-keys", admin,
                                          "{\"name\":\"rotating\"}");
  g_autofree char *old_secret = g_strdup (answer_secret (made));
  g_autofree char *rotate_path = g_strdup_printf ("/api/v1/admin/api-keys/%" G_GINT64_FORMAT
                                                  "/rotate", key_id (made));
  g_autofree char *deactivate_path = g_strdup_printf ("/api/v1/admin/api-keys/%" G_GINT64_FORMAT
                                                      "/deactivate", key_id (made));
  g_autoptr(ApiResponse) rotated = api_call (f, "POST", rotate_path, admin, NULL);
  g_autoptr(ApiResponse) deactivated = NULL;
  g_autoptr(ApiResponse) again = NULL;
  g_autoptr(ApiResponse) old_refused = NULL;
  g_autoptr(ApiResponse) new_works = NULL;
  const char *new_secret;
  JsonObject *successor;

  g_assert_cmpuint (rotated->status, ==, 200);
  new_secret = answer_secret (rotated);
  g_assert_cmpstr (new_secret, !=, old_secret);
  successor = json_object_get_object_member (api_object (rotated), "apiKey");
  g_assert_cmpint (json_object_get_int_member (successor, "replacesKeyId"), ==, key_id (made));
  g_assert_cmpstr (json_object_get_string_member (successor, "name"), ==, "rotating");

  /* The old key works until it is deactivated; then never again. */
  {
    g_autoptr(ApiResponse) still = api_call (f, "GET", "/api/v1/auth", old_secret, NULL);

    g_assert_cmpuint (still->status, ==, 200);
  }
  deactivated = api_call (f, "POST", deactivate_path, admin, NULL);
  g_assert_cmpuint (deactivated->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (api_object (deactivated), "success"));
  g_assert_false (json_object_get_boolean_member (
    json_object_get_object_member (api_object (deactivated), "apiKey"), "active"));
  g_assert_null (strstr (deactivated->text, old_secret));

  old_refused = api_call (f, "GET", "/api/v1/auth", old_secret, NULL);
  g_assert_cmpuint (old_refused->status, ==, 403);
  new_works = api_call (f, "GET", "/api/v1/auth", new_secret, NULL);
  g_assert_cmpuint (new_works->status, ==, 200);

  again = api_call (f, "POST", deactivate_path, admin, NULL);
  g_assert_cmpuint (again->status, ==, 409);
  {
    g_autoptr(ApiResponse) rotate_dead = api_call (f, "POST", rotate_path, admin, NULL);

    g_assert_cmpuint (rotate_dead->status, ==, 409);
  }
}

static void
test_unknown_and_bad_ids (ApiFixture    *f,
                          gconstpointer  data)
{
  g_autofree char *admin = admin_key (f);
  static const struct { const char *path; guint status; } cases[] = {
    { "/api/v1/admin/api-keys/999/rotate", 404 },
    { "/api/v1/admin/api-keys/999/deactivate", 404 },
    { "/api/v1/admin/api-keys/0/rotate", 400 },
    { "/api/v1/admin/api-keys/-1/deactivate", 400 },
    { "/api/v1/admin/api-keys/abc/rotate", 400 },
    { "/api/v1/admin/api-keys/1.5/rotate", 400 },
    { "/api/v1/admin/api-keys/99999999999999999999/deactivate", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr(ApiResponse) r = api_call (f, "POST", cases[i].path, admin, NULL);

    g_test_message ("%s → %s", cases[i].path, r->text);
    g_assert_cmpuint (r->status, ==, cases[i].status);
    if (cases[i].status == 400)
      g_assert_nonnull (strstr (api_error (r), "“id”"));
  }
}

/* A bodiless POST is fine; a body it does not take, in a form, is not. */
static void
test_deactivate_bodies (ApiFixture    *f,
                        gconstpointer  data)
{
  g_autofree char *admin = admin_key (f);
  g_autoptr(ApiResponse) form = api_call_full (f, "POST", "/api/v1/admin/api-keys/1/deactivate",
                                               admin, "application/x-www-form-urlencoded",
                                               "a=b", NULL);
  g_autoptr(ApiResponse) json = api_call_full (f, "POST", "/api/v1/admin/api-keys/1/deactivate",
                                               admin, "application/json", "{}", NULL);

  g_assert_cmpuint (form->status, ==, 415);
  g_assert_cmpuint (json->status, ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, ApiFixture, NULL, api_fixture_setup, func, api_fixture_teardown)
  ADD ("/rtx/api/admin-keys/ordinary-key-refused", test_ordinary_key_refused);
  ADD ("/rtx/api/admin-keys/create-list", test_create_list);
  ADD ("/rtx/api/admin-keys/create-invalid", test_create_invalid);
  ADD ("/rtx/api/admin-keys/rotate-deactivate", test_rotate_deactivate);
  ADD ("/rtx/api/admin-keys/unknown-and-bad-ids", test_unknown_and_bad_ids);
  ADD ("/rtx/api/admin-keys/deactivate-bodies", test_deactivate_bodies);
#undef ADD

  return g_test_run ();
}
