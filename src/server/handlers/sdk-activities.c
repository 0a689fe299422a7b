/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"

/* `sdk.activities` (local-app-protocol.md §2.3, family B). Every answer has a JSON body, the
 * delete's too (a 204 makes the SDK throw), and a missing id is 404 "Activity not found",
 * which the SDK's get() turns into null. */

static void
reply_data (RtxRequest *req,
            guint       status,
            JsonNode   *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  if (data != NULL) {
    json_builder_set_member_name (builder, "data");
    json_builder_add_value (builder, json_node_ref (data));
  }
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, status, body);
}

static RtxActivities *
activities (RtxRequest *req)
{
  return rtx_runtime_get_activities (rtx_request_get_runtime (req));
}

static void
handle_insert (RtxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonNode) activity = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const allowed[] = { "raw_data", "app_id", "app_name", NULL };

  body = rtx_body_parse_object (req, TRUE, &error);
  if (body != NULL && rtx_body_check_members (body, allowed, &error))
    activity = rtx_activities_insert (activities (req), rtx_request_get_identity (req),
                                      json_object_get_member (body, "raw_data"), &error);
  if (activity == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_data (req, SOUP_STATUS_CREATED, activity);
}

static gboolean
read_count (RtxRequest  *req,
            const char  *name,
            guint       *out,
            GError     **error)
{
  const char *text = rtx_request_get_query (req, name);
  guint64 value = 0;

  *out = 0;
  if (text == NULL || *text == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &value, NULL)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "%s must be a whole number", name);
    return FALSE;
  }

  *out = (guint) value;
  return TRUE;
}

static void
handle_list (RtxRequest *req)
{
  const char *status = rtx_request_get_query (req, "status");
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GError) error = NULL;
  guint limit, offset;

  if (status != NULL && *status == '\0')
    status = NULL;
  if (status != NULL && !rtx_activity_status_is_valid (status))
    g_set_error_literal (&error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                         "status must be pending, claimed, completed or failed");
  else if (read_count (req, "limit", &limit, &error) &&
           read_count (req, "offset", &offset, &error))
    list = rtx_activities_list (activities (req), status, limit, offset, &error);

  if (list == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_data (req, SOUP_STATUS_OK, list);
}

static void
handle_get (RtxRequest *req)
{
  g_autoptr(JsonNode) activity = NULL;
  g_autoptr(GError) error = NULL;

  activity = rtx_activities_get (activities (req), rtx_request_get_param (req, "id"), &error);
  if (activity == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_data (req, SOUP_STATUS_OK, activity);
}

static void
handle_update (RtxRequest *req)
{
  g_autoptr(JsonObject) patch = NULL;
  g_autoptr(JsonNode) activity = NULL;
  g_autoptr(GError) error = NULL;

  patch = rtx_body_parse_object (req, TRUE, &error);
  if (patch != NULL)
    activity = rtx_activities_update (activities (req), rtx_request_get_param (req, "id"), patch,
                                      rtx_request_get_identity (req), &error);
  if (activity == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_data (req, SOUP_STATUS_OK, activity);
}

static void
handle_delete (RtxRequest *req)
{
  g_autoptr(GError) error = NULL;

  if (!rtx_activities_delete (activities (req), rtx_request_get_param (req, "id"),
                              rtx_request_get_identity (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_data (req, SOUP_STATUS_OK, NULL);
}

const RtxHandlerBinding rtx_handlers_sdk_activities[] = {
  { "sdkInsertActivity", handle_insert },
  { "sdkListActivities", handle_list },
  { "sdkGetActivity", handle_get },
  { "sdkUpdateActivity", handle_update },
  { "sdkDeleteActivity", handle_delete },
  { NULL, NULL },
};
