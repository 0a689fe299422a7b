/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-access.h"
#include "rtx-body.h"
#include "rtx-chat-log.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-preferences.h"

/* Administration of workspace membership, the chat log and the instance preferences
 * (standard-api.md §2.2). All operations are `x-rtx-admin`. */

#define CHATS_PER_PAGE 20

static void
add_member (JsonBuilder   *builder,
            const RtxUser *user)
{
  g_autofree char *updated = rtx_format_timestamp (user->updated_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "userId");
  json_builder_add_int_value (builder, user->id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user->username);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, user->role);
  json_builder_set_member_name (builder, "lastUpdatedAt");
  json_builder_add_string_value (builder, updated != NULL ? updated : "");
  json_builder_end_object (builder);
}

/* Begins nothing: adds `users: [...]` to the object the caller has begun. */
static gboolean
add_members (RtxRequest  *req,
             JsonBuilder *builder,
             gint64       workspace_id)
{
  RtxMemberships *memberships = rtx_runtime_get_memberships (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) members = rtx_memberships_list_members (memberships, workspace_id, &error);

  if (members == NULL) {
    rtx_request_reply_gerror (req, error);
    return FALSE;
  }

  json_builder_set_member_name (builder, "users");
  json_builder_begin_array (builder);
  for (guint i = 0; i < members->len; i++)
    add_member (builder, g_ptr_array_index (members, i));
  json_builder_end_array (builder);
  return TRUE;
}

static void
handle_workspace_users (RtxRequest *req)
{
  RtxWorkspaces *workspaces = rtx_runtime_get_workspaces (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(RtxWorkspace) workspace = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  if (!rtx_access_require_multi_user (req))
    return;

  /* AnythingLLM takes the numeric id here, the slug in manage-users. */
  if (!rtx_parse_id (rtx_request_get_param (req, "workspaceId"), &id)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST,
                             "A workspace id is a positive whole number.");
    return;
  }

  workspace = rtx_workspaces_get_by_id (workspaces, id, &error);
  if (workspace == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  if (!add_members (req, builder, workspace->id))
    return;
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

/* `userIds`: a non-empty list of positive whole numbers. */
static GArray *
read_user_ids (JsonObject  *body,
               GError     **error)
{
  JsonNode *node = json_object_get_member (body, "userIds");
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    goto invalid;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *element = json_array_get_element (array, i);
    gint64 id;

    if (json_node_get_value_type (element) != G_TYPE_INT64 || json_node_get_int (element) < 1)
      goto invalid;
    id = json_node_get_int (element);
    g_array_append_val (ids, id);
  }

  return g_steal_pointer (&ids);

invalid:
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                       "“userIds” must be a list of user ids.");
  return NULL;
}

static void
handle_manage_users (RtxRequest *req)
{
  static const char * const allowed[] = { "userIds", "reset", NULL };
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(RtxWorkspace) workspace = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_reset = FALSE, reset = FALSE;

  if (!rtx_access_require_multi_user (req))
    return;

  workspace = rtx_workspaces_get_by_slug (rtx_runtime_get_workspaces (runtime),
                                          rtx_request_get_param (req, "workspaceSlug"), &error);
  if (workspace != NULL)
    body = rtx_body_parse_object (req, TRUE, &error);
  if (body != NULL && rtx_body_check_members (body, allowed, &error) &&
      rtx_body_read_boolean (body, "reset", FALSE, &has_reset, &reset, &error))
    ids = read_user_ids (body, &error);

  if (ids == NULL ||
      !rtx_memberships_set_members (rtx_runtime_get_memberships (runtime), workspace->id, ids,
                                    reset, rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  if (!add_members (req, builder, workspace->id))
    return;
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_workspace_chats (RtxRequest *req)
{
  static const char * const allowed[] = { "offset", NULL };
  RtxDb *db = rtx_runtime_get_db (rtx_request_get_runtime (req));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_more = FALSE;
  gint64 offset = 0;

  body = rtx_body_parse_object (req, FALSE, &error);
  if (body != NULL && rtx_body_check_members (body, allowed, &error)) {
    JsonNode *node = json_object_get_member (body, "offset");

    if (node != NULL && (json_node_get_value_type (node) != G_TYPE_INT64 ||
                         json_node_get_int (node) < 0 || json_node_get_int (node) > G_MAXINT32))
      g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                           "“offset” is a page number from 0.");
    else if (node != NULL)
      offset = json_node_get_int (node);
  }
  if (error == NULL)
    page = rtx_chat_log_page (db, offset * CHATS_PER_PAGE, CHATS_PER_PAGE, TRUE, &has_more,
                              &error);
  if (page == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "chats");
  json_builder_begin_array (builder);
  for (guint i = 0; i < page->len; i++)
    json_builder_add_value (builder, rtx_chat_log_entry_to_json (g_ptr_array_index (page, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "hasPages");
  json_builder_add_boolean_value (builder, has_more);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

static void
handle_preferences (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body == NULL ||
      !rtx_preferences_apply (rtx_runtime_get_db (runtime), rtx_runtime_get_settings (runtime),
                              body, rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, root);
}

const RtxHandlerBinding rtx_handlers_standard_admin_workspaces[] = {
  { "getAdminWorkspaceUsers", handle_workspace_users },
  { "postAdminWorkspaceManageUsers", handle_manage_users },
  { "postAdminWorkspaceChats", handle_workspace_chats },
  { "postAdminPreferences", handle_preferences },
  { NULL, NULL },
};
