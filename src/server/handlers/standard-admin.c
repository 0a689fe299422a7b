/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-access.h"
#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"

/* Multi-user mode and its users (standard-api.md §2.2, §2.8). The dispatcher has already
 * refused keys that are not administrator keys on the operations marked `x-rtx-admin`. */

#define PASSWORD_NOTICE "The password was not stored: RealTimeX Runtime has no login, and a " \
                        "user's credential is an API key they own."

static RtxUsers *
get_users (RtxRequest *req)
{
  return rtx_runtime_get_users (rtx_request_get_runtime (req));
}

static gboolean
require_user_id (RtxRequest *req,
                 gint64     *out_id)
{
  if (rtx_parse_id (rtx_request_get_param (req, "id"), out_id))
    return TRUE;

  rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST,
                           "A user id is a positive whole number.");
  return FALSE;
}

/* Returns: (transfer full) (nullable): the body, or %NULL after replying 400 */
static JsonObject *
require_body (RtxRequest         *req,
              const char * const *allowed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = rtx_body_parse_object (req, FALSE, &error);

  if (body == NULL || !rtx_body_check_members (body, allowed, &error)) {
    rtx_request_reply_gerror (req, error);
    return NULL;
  }

  return g_steal_pointer (&body);
}

static void
reply_success (RtxRequest *req,
               const char *notice)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  if (notice != NULL) {
    json_builder_set_member_name (builder, "notice");
    json_builder_add_string_value (builder, notice);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_is_multi_user_mode (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean on = rtx_users_is_multi_user (get_users (req), &error);

  if (error != NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "isMultiUser");
  json_builder_add_boolean_value (builder, on);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_enable_multi_user (RtxRequest *req)
{
  static const char * const allowed[] = { "username", "password", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxUser) user = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) body = NULL;
  const char *username, *password;

  /* CVE-2024-3029: every check comes before the one transaction that changes anything. */
  body = require_body (req, allowed);
  if (body == NULL)
    return;

  if (!rtx_body_read_string (body, "username", &username, &error) ||
      !rtx_body_read_string (body, "password", &password, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  user = rtx_users_enable_multi_user (get_users (req), username, rtx_request_get_actor (req),
                                      &error);
  if (user == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, rtx_user_to_json (user));
  if (password != NULL) {
    json_builder_set_member_name (builder, "notice");
    json_builder_add_string_value (builder, PASSWORD_NOTICE);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
reply_user_list (RtxRequest *req,
                 gboolean    short_form)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!rtx_access_require_multi_user (req))
    return;

  users = rtx_users_list (get_users (req), &error);
  if (users == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "users");
  json_builder_begin_array (builder);
  for (guint i = 0; i < users->len; i++) {
    RtxUser *user = g_ptr_array_index (users, i);

    json_builder_add_value (builder, short_form ? rtx_user_to_short_json (user)
                                                : rtx_user_to_json (user));
  }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_list_users (RtxRequest *req)
{
  reply_user_list (req, FALSE);
}

static void
handle_list_users_short (RtxRequest *req)
{
  reply_user_list (req, TRUE);
}

static void
handle_new_user (RtxRequest *req)
{
  static const char * const allowed[] = {
    "username", "password", "role", "dailyMessageLimit", "bio", NULL,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxUser) user = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *username, *password, *role, *bio;
  gboolean has_limit;
  gint64 limit;
  g_autoptr(JsonObject) body = NULL;

  if (!rtx_access_require_multi_user (req))
    return;

  body = require_body (req, allowed);
  if (body == NULL)
    return;

  if (!rtx_body_read_string (body, "username", &username, &error) ||
      !rtx_body_read_string (body, "password", &password, &error) ||
      !rtx_body_read_string (body, "role", &role, &error) ||
      !rtx_body_read_string (body, "bio", &bio, &error) ||
      !rtx_body_read_count (body, "dailyMessageLimit", &has_limit, &limit, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  user = rtx_users_create (get_users (req), username, role, limit, bio,
                           rtx_request_get_actor (req), &error);
  if (user == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, rtx_user_to_json (user));
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  if (password != NULL) {
    json_builder_set_member_name (builder, "notice");
    json_builder_add_string_value (builder, PASSWORD_NOTICE);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_update_user (RtxRequest *req)
{
  static const char * const allowed[] = {
    "username", "password", "role", "suspended", "dailyMessageLimit", "bio", NULL,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxUser) user = NULL;
  RtxUserChanges changes = { 0 };
  const char *password;
  g_autoptr(JsonObject) body = NULL;
  gint64 id;

  if (!rtx_access_require_multi_user (req) || !require_user_id (req, &id))
    return;

  body = require_body (req, allowed);
  if (body == NULL)
    return;

  if (!rtx_body_read_string (body, "username", &changes.username, &error) ||
      !rtx_body_read_string (body, "password", &password, &error) ||
      !rtx_body_read_string (body, "role", &changes.role, &error) ||
      !rtx_body_read_string (body, "bio", &changes.bio, &error) ||
      !rtx_body_read_boolean (body, "suspended", TRUE, &changes.set_suspended,
                             &changes.suspended, &error) ||
      !rtx_body_read_count (body, "dailyMessageLimit", &changes.set_daily_message_limit,
                           &changes.daily_message_limit, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  user = rtx_users_update (get_users (req), id, &changes, rtx_request_get_actor (req), &error);
  if (user == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_success (req, password != NULL ? PASSWORD_NOTICE : NULL);
}

static void
handle_delete_user (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!rtx_access_require_multi_user (req) || !require_user_id (req, &id))
    return;

  if (!rtx_users_delete (get_users (req), id, rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_success (req, NULL);
}

const RtxHandlerBinding rtx_handlers_standard_admin[] = {
  { "getAdminIsMultiUserMode", handle_is_multi_user_mode },
  { "postAdminEnableMultiUser", handle_enable_multi_user },
  { "getAdminUsers", handle_list_users },
  { "postAdminUsersNew", handle_new_user },
  { "postAdminUsersUpdate", handle_update_user },
  { "deleteAdminUsers", handle_delete_user },
  { "getUsers", handle_list_users_short },
  { NULL, NULL },
};
