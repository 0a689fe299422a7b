/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-body.h"
#include "rtx-error.h"
#include "rtx-handlers.h"

/* The admin routes of Settings > Local Apps, for headless use, scripts and tests: the same
 * registry, launcher and broker the window uses. Every operation says `x-rtx-admin: true`, so
 * the server refuses ordinary keys before these run. */

static JsonNode *
app_json (RtxRuntime        *runtime,
          const RtxLocalApp *app)
{
  g_autoptr(JsonNode) node = rtx_local_app_to_json (app);
  JsonObject *object = json_node_get_object (node);
  g_autofree char *reason = NULL;
  GPid pid = 0;
  RtxAppState state = rtx_app_launcher_get_state (rtx_runtime_get_app_launcher (runtime),
                                                  app->id, &reason, &pid);

  json_object_set_string_member (object, "state", rtx_app_state_to_string (state));
  if (reason != NULL)
    json_object_set_string_member (object, "state_reason", reason);
  else
    json_object_set_null_member (object, "state_reason");
  if (pid > 0)
    json_object_set_int_member (object, "pid", pid);
  else
    json_object_set_null_member (object, "pid");

  return g_steal_pointer (&node);
}

static void
reply_member (RtxRequest *req,
              const char *name,
              JsonNode   *value)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  json_object_set_member (object, name, value);
  json_node_set_object (body, object);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

static void
reply_app (RtxRequest        *req,
           const RtxLocalApp *app)
{
  reply_member (req, "app", app_json (rtx_request_get_runtime (req), app));
}

static void
reply_success (RtxRequest *req)
{
  reply_member (req, "success", json_node_init_boolean (json_node_alloc (), TRUE));
}

static RtxLocalApp *
lookup_app (RtxRequest *req)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;
  RtxLocalApp *app = rtx_local_apps_get (apps, rtx_request_get_param (req, "id"), &error);

  if (app == NULL)
    rtx_request_reply_gerror (req, error);

  return app;
}

/* ---- Apps -------------------------------------------------------------------------------- */

static void
handle_list (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(JsonArray) array = json_array_new ();

  apps = rtx_local_apps_list (rtx_runtime_get_local_apps (runtime), &error);
  if (apps == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  for (guint i = 0; i < apps->len; i++)
    json_array_add_element (array, app_json (runtime, g_ptr_array_index (apps, i)));

  reply_member (req, "apps", json_node_init_array (json_node_alloc (), array));
}

static void
handle_create (RtxRequest *req)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  object = rtx_body_parse_object (req, TRUE, &error);
  if (object == NULL || !rtx_local_app_apply_json (spec, object, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  app = rtx_local_apps_create (apps, spec, rtx_request_get_actor (req), &error);
  if (app == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_app (req, app);
}

static void
handle_get (RtxRequest *req)
{
  g_autoptr(RtxLocalApp) app = NULL;

  if ((app = lookup_app (req)) == NULL)
    return;

  reply_app (req, app);
}

static void
handle_update (RtxRequest *req)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  if ((app = lookup_app (req)) == NULL)
    return;

  object = rtx_body_parse_object (req, TRUE, &error);
  if (object == NULL || !rtx_local_app_apply_json (app, object, &error) ||
      !rtx_local_apps_update (apps, app, rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  g_clear_pointer (&app, rtx_local_app_free);
  if ((app = lookup_app (req)) != NULL)
    reply_app (req, app);
}

static void
handle_delete (RtxRequest *req)
{
  RtxRuntime *runtime = rtx_request_get_runtime (req);
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if ((app = lookup_app (req)) == NULL)
    return;

  if (rtx_app_launcher_get_state (rtx_runtime_get_app_launcher (runtime), app->id, NULL, NULL) ==
      RTX_APP_RUNNING)
    rtx_app_launcher_stop (rtx_runtime_get_app_launcher (runtime), app->id, NULL);

  if (!rtx_local_apps_delete (rtx_runtime_get_local_apps (runtime), app->id,
                              rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_success (req);
}

/* ---- Running ----------------------------------------------------------------------------- */

static void
on_started_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RtxRequest) req = user_data;
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if (!rtx_app_launcher_start_finish (RTX_APP_LAUNCHER (source), result, &error)) {
    /* A program that cannot be found or run is the person's input, not our failure. */
    if (error->domain != RTX_ERROR || g_error_matches (error, RTX_ERROR, RTX_ERROR_FAILED))
      rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, error->message);
    else
      rtx_request_reply_gerror (req, error);
    return;
  }

  if ((app = lookup_app (req)) != NULL)
    reply_app (req, app);
}

static void
handle_start (RtxRequest *req)
{
  RtxAppLauncher *launcher = rtx_runtime_get_app_launcher (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) app = NULL;
  GCancellable *cancellable;

  if ((app = lookup_app (req)) == NULL)
    return;

  /* Its credentials are read from the keyring in a worker first. */
  cancellable = rtx_request_pause (req);
  rtx_app_launcher_start_async (launcher, app->id, rtx_request_get_actor (req), cancellable,
                                on_started_cb, rtx_request_ref (req));
}

static void
handle_stop (RtxRequest *req)
{
  RtxAppLauncher *launcher = rtx_runtime_get_app_launcher (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if ((app = lookup_app (req)) == NULL)
    return;

  if (!rtx_app_launcher_stop (launcher, app->id, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_app (req, app);
}

static void
handle_output (RtxRequest *req)
{
  RtxAppLauncher *launcher = rtx_runtime_get_app_launcher (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *output = NULL;
  RtxAppState state;

  if ((app = lookup_app (req)) == NULL)
    return;

  output = rtx_app_launcher_get_output (launcher, app->id);
  state = rtx_app_launcher_get_state (launcher, app->id, NULL, NULL);
  json_object_set_string_member (object, "output", output);
  json_object_set_string_member (object, "state", rtx_app_state_to_string (state));
  json_node_set_object (body, object);
  rtx_request_reply_json (req, SOUP_STATUS_OK, body);
}

/* ---- Credentials ----------------------------------------------------------------------- */

static void
reply_credentials (RtxRequest *req,
                   const char *app_id)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) types = NULL;
  g_auto(GStrv) names = rtx_local_apps_list_credentials (apps, app_id, &types, &error);
  g_autoptr(JsonArray) array = json_array_new ();

  if (names == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  for (guint i = 0; names[i] != NULL; i++) {
    g_autoptr(JsonObject) object = json_object_new ();

    json_object_set_string_member (object, "name", names[i]);
    json_object_set_string_member (object, "type", types[i]);
    json_array_add_object_element (array, g_steal_pointer (&object));
  }

  reply_member (req, "credentials", json_node_init_array (json_node_alloc (), array));
}

static void
handle_list_credentials (RtxRequest *req)
{
  g_autoptr(RtxLocalApp) app = NULL;

  if ((app = lookup_app (req)) == NULL)
    return;

  reply_credentials (req, app->id);
}

static void
handle_set_credential (RtxRequest *req)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;
  gboolean present = FALSE;
  gboolean assigned = FALSE;
  JsonObject *object;

  if ((app = lookup_app (req)) == NULL)
    return;

  object = rtx_body_parse_object (req, TRUE, &error);
  if (object == NULL ||
      !rtx_body_read_string (object, "credential", &name, &error) ||
      !rtx_body_read_boolean (object, "assigned", FALSE, &present, &assigned, &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }
  if (name == NULL || !present) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST,
                             "Send {\"credential\": NAME, \"assigned\": true|false}");
    return;
  }

  if (!rtx_local_apps_set_credential (apps, app->id, name, assigned, rtx_request_get_actor (req),
                                      &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_credentials (req, app->id);
}

/* ---- Decisions --------------------------------------------------------------------------- */

static void
reply_decisions (RtxRequest *req,
                 const char *app_id)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) decisions = rtx_local_apps_list_decisions (apps, app_id, &error);
  g_autoptr(JsonArray) array = json_array_new ();

  if (decisions == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  for (guint i = 0; i < decisions->len; i++) {
    RtxPermissionDecision *decision = g_ptr_array_index (decisions, i);
    g_autoptr(JsonObject) object = json_object_new ();
    g_autofree char *at = rtx_format_timestamp (decision->decided_at);

    json_object_set_string_member (object, "permission", decision->permission);
    json_object_set_string_member (object, "state", decision->granted ? "granted" : "denied");
    json_object_set_string_member (object, "decided_at", at);
    json_object_set_string_member (object, "decided_by", decision->decided_by);
    json_array_add_object_element (array, g_steal_pointer (&object));
  }

  reply_member (req, "permissions", json_node_init_array (json_node_alloc (), array));
}

static void
handle_list_permissions (RtxRequest *req)
{
  g_autoptr(RtxLocalApp) app = NULL;

  if ((app = lookup_app (req)) == NULL)
    return;

  reply_decisions (req, app->id);
}

static void
handle_set_permission (RtxRequest *req)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;
  const char *permissions[2] = { NULL, NULL };
  RtxPermissionState state;
  JsonObject *object;

  if ((app = lookup_app (req)) == NULL)
    return;

  object = rtx_body_parse_object (req, TRUE, &error);
  if (object == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  if (json_object_has_member (object, "permission") &&
      json_node_get_value_type (json_object_get_member (object, "permission")) == G_TYPE_STRING)
    permissions[0] = json_object_get_string_member (object, "permission");
  if (permissions[0] == NULL || !json_object_has_member (object, "state") ||
      json_node_get_value_type (json_object_get_member (object, "state")) != G_TYPE_STRING ||
      !rtx_permission_state_from_string (json_object_get_string_member (object, "state"),
                                         &state)) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST,
                             "Send {\"permission\", \"state\": \"granted\"|\"denied\"|\"undecided\"}");
    return;
  }

  if (!rtx_local_apps_set_decisions (apps, app->id, permissions, state,
                                     rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_decisions (req, app->id);
}

static void
handle_reset_permissions (RtxRequest *req)
{
  RtxLocalApps *apps = rtx_runtime_get_local_apps (rtx_request_get_runtime (req));
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if ((app = lookup_app (req)) == NULL)
    return;

  if (!rtx_local_apps_reset_decisions (apps, app->id, rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_success (req);
}

/* ---- Prompts ----------------------------------------------------------------------------- */

static JsonNode *
request_json (const RtxPermissionRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *created = rtx_format_timestamp (request->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, request->id);
  json_builder_set_member_name (builder, "app_id");
  json_builder_add_string_value (builder, request->app_id);
  json_builder_set_member_name (builder, "app_name");
  json_builder_add_string_value (builder, request->app_name);
  json_builder_set_member_name (builder, "permission");
  json_builder_add_string_value (builder, request->permissions[0]);
  json_builder_set_member_name (builder, "permissions");
  json_builder_begin_array (builder);
  for (guint i = 0; request->permissions[i] != NULL; i++)
    json_builder_add_string_value (builder, request->permissions[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
handle_list_requests (RtxRequest *req)
{
  RtxPermissionBroker *broker = rtx_runtime_get_permission_broker (rtx_request_get_runtime (req));
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(JsonArray) array = json_array_new ();

  requests = rtx_permission_broker_list_pending (broker);
  for (guint i = 0; i < requests->len; i++)
    json_array_add_element (array, request_json (g_ptr_array_index (requests, i)));

  reply_member (req, "requests", json_node_init_array (json_node_alloc (), array));
}

static void
handle_answer_request (RtxRequest *req)
{
  RtxPermissionBroker *broker = rtx_runtime_get_permission_broker (rtx_request_get_runtime (req));
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonNode *granted;

  object = rtx_body_parse_object (req, TRUE, &error);
  if (object == NULL) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  granted = json_object_get_member (object, "granted");
  if (granted == NULL || !JSON_NODE_HOLDS_VALUE (granted) ||
      json_node_get_value_type (granted) != G_TYPE_BOOLEAN) {
    rtx_request_reply_error (req, SOUP_STATUS_BAD_REQUEST, "Send {\"granted\": true|false}");
    return;
  }

  if (!rtx_permission_broker_answer (broker, rtx_request_get_param (req, "id"),
                                     json_node_get_boolean (granted),
                                     rtx_request_get_actor (req), &error)) {
    rtx_request_reply_gerror (req, error);
    return;
  }

  reply_success (req);
}

const RtxHandlerBinding rtx_handlers_standard_local_apps[] = {
  { "listLocalApps", handle_list },
  { "createLocalApp", handle_create },
  { "getLocalApp", handle_get },
  { "updateLocalApp", handle_update },
  { "deleteLocalApp", handle_delete },
  { "startLocalApp", handle_start },
  { "stopLocalApp", handle_stop },
  { "getLocalAppOutput", handle_output },
  { "listLocalAppCredentials", handle_list_credentials },
  { "setLocalAppCredential", handle_set_credential },
  { "listLocalAppPermissions", handle_list_permissions },
  { "setLocalAppPermission", handle_set_permission },
  { "resetLocalAppPermissions", handle_reset_permissions },
  { "listPermissionRequests", handle_list_requests },
  { "answerPermissionRequest", handle_answer_request },
  { NULL, NULL },
};
