/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"
#include "rtx-reply.h"

/* The SDK's own routes (local-app-protocol.md §2.1): ping, data-dir, and the two approval
 * routes, which name their app in the body and wait for the person's answer. Identity, the
 * peer-uid check and the refusal of web pages happened in rtx-auth before these run. */

#define MAX_REGISTER_PERMISSIONS 64

static char *
now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
handle_ping (RtxRequest *req)
{
  const RtxCaller *caller = rtx_request_get_caller (req);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *timestamp = now_iso8601 ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "pong");
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, caller->key != NULL ? "development" : "production");
  if (caller->app_id != NULL) {
    json_builder_set_member_name (builder, "appId");
    json_builder_add_string_value (builder, caller->app_id);
  }
  json_builder_set_member_name (builder, "timestamp");
  json_builder_add_string_value (builder, timestamp);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
handle_data_dir (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autofree char *path = g_build_filename (rtx_runtime_get_data_dir (runtime),
                                            RTX_LOCAL_APPS_DIR, rtx_request_get_identity (req),
                                            NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  if (g_mkdir_with_parents (path, 0700) != 0) {
    int saved = errno;

    g_warning ("Could not create an app's data directory: %s", g_strerror (saved));
    rtx_request_reply_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                             "Failed to create the data directory");
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "dataDir");
  json_builder_add_string_value (builder, path);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* ---- Waiting for the person -------------------------------------------------------------- */

/* A request paused while the broker waits. If the client hangs up meanwhile, the request's
 * cancellable withdraws its question, and the reply is dropped. */
typedef struct {
  RtxRequest   *req;
  GCancellable *cancellable;
  char         *app_id;
  char         *permission;   /* request-permission only */
} Waiting;

static void
waiting_free (Waiting *waiting)
{
  rtx_request_unref (waiting->req);
  g_free (waiting->app_id);
  g_free (waiting->permission);
  g_free (waiting);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Waiting, waiting_free)

static Waiting *
waiting_new (RtxRequest *req,
             const char *app_id)
{
  Waiting *waiting = g_new0 (Waiting, 1);

  waiting->req = rtx_request_ref (req);
  waiting->app_id = g_strdup (app_id);
  waiting->cancellable = rtx_request_pause (req);

  return waiting;
}

/* An SDK error body; request-permission's also says `granted: false`, which is all the SDK
 * reads there. */
static JsonNode *
error_body (const char *code,
            const char *message,
            gboolean    with_granted)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  if (with_granted) {
    json_builder_set_member_name (builder, "granted");
    json_builder_add_boolean_value (builder, FALSE);
  }
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The status and body for a question the broker refused outright. */
static guint
broker_error_body (const GError  *error,
                   const char    *app_id,
                   gboolean       with_granted,
                   JsonNode     **out_body)
{
  if (g_error_matches (error, RTX_ERROR, RTX_ERROR_NOT_FOUND)) {
    g_autofree char *text = g_strdup_printf ("Invalid app ID: %s", app_id);

    *out_body = error_body ("INVALID_APP_ID", text, with_granted);
    return SOUP_STATUS_UNAUTHORIZED;
  }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY)) {
    *out_body = error_body ("RATE_LIMIT", error->message, with_granted);
    return 429; /* Too Many Requests: libsoup 3.2 has no name for it */
  }

  if (g_error_matches (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT)) {
    *out_body = error_body ("VALIDATION_ERROR", error->message, with_granted);
    return SOUP_STATUS_BAD_REQUEST;
  }

  g_warning ("A permission question failed: %s", error->message);
  *out_body = error_body ("INTERNAL_ERROR", "The permission request failed", with_granted);
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;
}

/* json-glib 1.6 fails a g_return_val_if_fail() on a getter of the wrong type. */
static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* ---- /api/local-apps/request-permission --------------------------------------------------- */

static void
on_permission_answered_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(Waiting) waiting = user_data;
  g_autoptr(RtxPermissionAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  answer = rtx_permission_broker_ask_finish (RTX_PERMISSION_BROKER (source), result, &error);
  if (answer == NULL) {
    guint status = broker_error_body (error, waiting->app_id, TRUE, &body);

    rtx_request_reply_json (waiting->req, status, body);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "granted");
  json_builder_add_boolean_value (builder,
                                  rtx_permission_answer_has (answer->granted, waiting->permission));
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (waiting->req, SOUP_STATUS_OK, body);
}

static void
handle_request_permission (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) refusal = NULL;
  JsonObject *object;
  const char *app_id;
  const char *permissions[2] = { NULL, NULL };
  Waiting *waiting;

  object = rtx_body_parse_object (req, TRUE, &error);
  app_id = object != NULL ? string_member (object, "app_id") : NULL;
  permissions[0] = object != NULL ? string_member (object, "permission") : NULL;
  if (app_id == NULL || permissions[0] == NULL) {
    refusal = error_body ("VALIDATION_ERROR", "Send {\"app_id\", \"permission\"}", TRUE);
    rtx_request_reply_json (req, SOUP_STATUS_BAD_REQUEST, refusal);
    return;
  }

  /* The app's broker call may answer at once (stored decision) or wait for the person. */
  waiting = waiting_new (req, app_id);
  waiting->permission = g_strdup (permissions[0]);
  rtx_permission_broker_ask_async (rtx_runtime_get_permission_broker (runtime), app_id,
                                   permissions, FALSE, waiting->cancellable,
                                   on_permission_answered_cb, waiting);
}

/* ---- /sdk/register ------------------------------------------------------------------------ */

static void
add_list (JsonBuilder *builder,
          const char  *name,
          GPtrArray   *list)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (list, i));
  json_builder_end_array (builder);
}

static const char *
register_message (const RtxPermissionAnswer *answer)
{
  if (!answer->prompted)
    return "All permissions already processed";
  if (answer->unanswered->len > 0)
    return "Permissions requested; some were not answered in time and will be asked again";
  return "Permissions processed";
}

static void
on_registered_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Waiting) waiting = user_data;
  g_autoptr(RtxPermissionAnswer) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  answer = rtx_permission_broker_ask_finish (RTX_PERMISSION_BROKER (source), result, &error);
  if (answer == NULL) {
    guint status = broker_error_body (error, waiting->app_id, FALSE, &body);

    rtx_request_reply_json (waiting->req, status, body);
    return;
  }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, register_message (answer));
  json_builder_set_member_name (builder, "permissions");
  json_builder_begin_object (builder);
  add_list (builder, "granted", answer->granted);
  add_list (builder, "denied", answer->denied);
  add_list (builder, "pending", answer->unanswered);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_request_reply_json (waiting->req, SOUP_STATUS_OK, body);
}

/* Reads `permissions`: a list of strings, duplicates dropped. */
static GPtrArray *
read_permission_list (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "permissions");
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_REGISTER_PERMISSIONS)
    return NULL;

  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *element = json_array_get_element (array, i);
    const char *text;

    if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
      return NULL;
    text = json_node_get_string (element);
    if (!g_ptr_array_find_with_equal_func (list, text, g_str_equal, NULL))
      g_ptr_array_add (list, g_strdup (text));
  }

  g_ptr_array_add (list, NULL);
  return g_steal_pointer (&list);
}

static void
handle_register (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) refusal = NULL;
  g_autoptr(GPtrArray) permissions = NULL;
  JsonObject *object;
  const char *app_id;
  Waiting *waiting;

  object = rtx_body_parse_object (req, TRUE, &error);
  app_id = object != NULL ? string_member (object, "app_id") : NULL;
  permissions = object != NULL ? read_permission_list (object) : NULL;
  if (app_id == NULL || permissions == NULL) {
    refusal = error_body ("VALIDATION_ERROR",
                          "Send {\"app_id\", \"permissions\": [at most 64 strings]}", FALSE);
    rtx_request_reply_json (req, SOUP_STATUS_BAD_REQUEST, refusal);
    return;
  }

  waiting = waiting_new (req, app_id);
  rtx_permission_broker_ask_async (rtx_runtime_get_permission_broker (runtime), app_id,
                                   (const char * const *) permissions->pdata, TRUE,
                                   waiting->cancellable, on_registered_cb, waiting);
}

const RtxHandlerBinding rtx_handlers_sdk_local_apps[] = {
  { "sdkPing", handle_ping },
  { "sdkDataDir", handle_data_dir },
  { "sdkRegister", handle_register },
  { "requestLocalAppPermission", handle_request_permission },
  { NULL, NULL },
};
