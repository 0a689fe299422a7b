/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "rtx-auth.h"
#include "rtx-peer.h"
#include "rtx-error.h"
#include "rtx-reply.h"

/* Nothing in this file logs a header value: every one of them may be a secret. */

/* A key is one word of printable ASCII. Whitespace also catches a header sent twice, which
 * libsoup joins with ", ": an ambiguous credential is no credential. */
static gboolean
token_is_plausible (const char *token)
{
  if (token == NULL || *token == '\0')
    return FALSE;

  for (const char *p = token; *p; p++) {
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  }

  return TRUE;
}

/**
 * rtx_auth_parse_bearer:
 * @authorization: (nullable): the value of an `Authorization` header
 *
 * Reads `Bearer <token>`: the scheme in any case, one space, then one token running to the
 * end of the value. Anything else (another scheme, no token, a second word) is no credential.
 *
 * Returns: (transfer none) (nullable): the token, pointing into @authorization
 */
const char *
rtx_auth_parse_bearer (const char *authorization)
{
  static const char scheme[] = "Bearer ";
  const char *token;

  if (authorization == NULL ||
      g_ascii_strncasecmp (authorization, scheme, sizeof scheme - 1) != 0)
    return NULL;

  token = authorization + sizeof scheme - 1;
  return token_is_plausible (token) ? token : NULL;
}

/* The headers are read as lists so that a header sent twice is seen whole, never one copy
 * picked at random. */
static const char *
find_key_token (SoupMessageHeaders *headers,
                RtxAuthSchemes      schemes)
{
  const char *token = NULL;

  if (schemes & RTX_AUTH_SCHEME_BEARER)
    token = rtx_auth_parse_bearer (soup_message_headers_get_list (headers, "Authorization"));

  if (token == NULL && (schemes & RTX_AUTH_SCHEME_API_KEY_HEADER)) {
    token = soup_message_headers_get_list (headers, "x-api-key");
    if (!token_is_plausible (token))
      token = NULL;
  }

  return token;
}

void
rtx_caller_clear (RtxCaller *caller)
{
  g_clear_pointer (&caller->key, rtx_api_key_free);
  g_clear_pointer (&caller->app, rtx_local_app_free);
  g_clear_pointer (&caller->app_id, g_free);
}

/**
 * rtx_caller_identity:
 * @caller: a caller
 *
 * The name under which an SDK caller keeps its state (data dir, vector namespaces): the app's
 * id in production mode, `dev-<key id>` in development mode, so that apps sharing a key share
 * state and the key itself appears nowhere.
 *
 * Returns: (transfer full) (nullable): the identity, or %NULL for no caller
 */
char *
rtx_caller_identity (const RtxCaller *caller)
{
  g_return_val_if_fail (caller != NULL, NULL);

  if (caller->key != NULL)
    return g_strdup_printf ("dev-%" G_GINT64_FORMAT, caller->key->id);
  if (caller->app != NULL)
    return g_strdup (caller->app->id);
  return NULL;
}

/**
 * rtx_auth_check_peer:
 * @local: the server's end of the connection
 * @remote: the client's end
 * @error: return location for an error
 *
 * An app id is a bearer secret that any program could replay, so a request that relies on one
 * must come from a process of the user who runs the runtime (security-reliability.md §1.4.6).
 *
 * Returns: %TRUE when the client's socket belongs to our uid; else %FALSE with
 *   %RTX_ERROR_PERMISSION_DENIED
 */
gboolean
rtx_auth_check_peer (GSocketAddress  *local,
                     GSocketAddress  *remote,
                     GError         **error)
{
  uid_t uid;

  if (!rtx_peer_get_uid (local, remote, &uid, error))
    return FALSE;

  if (uid != getuid ()) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                         "Local apps must run as the user who runs RealTimeX Runtime");
    return FALSE;
  }

  return TRUE;
}

/* The SDK's approval routes: no credential, the app named in the body. A browser must not be
 * able to pop a prompt (so no Origin at all), and the caller must be one of our processes. */
static gboolean
authenticate_body_app_id (SoupMessageHeaders  *headers,
                          GSocketAddress      *local,
                          GSocketAddress      *remote,
                          GError             **error)
{
  if (soup_message_headers_get_one (headers, "Origin") != NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                         "Permission requests are not accepted from web pages");
    return FALSE;
  }

  return rtx_auth_check_peer (local, remote, error);
}

static gboolean
authenticate_app_id (RtxRuntime      *runtime,
                     const char      *app_id,
                     GSocketAddress  *local,
                     GSocketAddress  *remote,
                     RtxCaller       *caller,
                     GError         **error)
{
  g_autoptr(GError) local_error = NULL;

  caller->app = rtx_local_apps_get (rtx_runtime_get_local_apps (runtime), app_id, &local_error);
  if (caller->app == NULL) {
    if (g_error_matches (local_error, RTX_ERROR, RTX_ERROR_NOT_FOUND))
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED, "Unknown app id");
    else
      g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }

  if (!rtx_auth_check_peer (local, remote, error)) {
    g_clear_pointer (&caller->app, rtx_local_app_free);
    return FALSE;
  }

  return TRUE;
}

/**
 * rtx_auth_authenticate:
 * @runtime: the runtime (its keys and local apps)
 * @headers: the request's headers
 * @local: (nullable): the server's end of the connection
 * @remote: (nullable): the client's end
 * @operation: the operation the request was routed to
 * @out_caller: (out caller-allocates): who made the request; clear it with rtx_caller_clear()
 * @error: return location for an error
 *
 * The one check of credentials, for every surface. The operation's security decides which
 * headers count: `Authorization: Bearer` for `BearerAuth`, `x-api-key` for `ApiKeyHeader`,
 * `x-app-id` for `AppId`. A valid key wins over an app id (the SDK's development mode; the
 * app id is kept to be echoed); else a registered app id, sent by a process of our own user,
 * is the SDK's production mode. Keys are verified on every request (checksum first, then one
 * indexed lookup) and apps looked up on every request, never cached, so a deactivation or a
 * deletion holds from the very next request.
 *
 * Returns: %TRUE when the request may proceed; %FALSE with %RTX_ERROR_UNAUTHENTICATED when no
 *   acceptable credential was sent (with @out_caller->app_id set when an unknown app id was),
 *   %RTX_ERROR_PERMISSION_DENIED when the caller is another user's process or a web page on an
 *   approval route, or another error when checking failed
 */
gboolean
rtx_auth_authenticate (RtxRuntime          *runtime,
                       SoupMessageHeaders  *headers,
                       GSocketAddress      *local,
                       GSocketAddress      *remote,
                       RtxOperation        *operation,
                       RtxCaller           *out_caller,
                       GError             **error)
{
  g_autoptr(GError) key_error = NULL;
  RtxAuthSchemes schemes;
  const char *token;
  const char *app_id = NULL;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), FALSE);
  g_return_val_if_fail (headers != NULL, FALSE);
  g_return_val_if_fail (operation != NULL, FALSE);
  g_return_val_if_fail (out_caller != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out_caller, 0, sizeof *out_caller);

  if (rtx_operation_get_app_id_in_body (operation))
    return authenticate_body_app_id (headers, local, remote, error);

  schemes = rtx_operation_get_auth_schemes (operation);
  if (schemes == RTX_AUTH_SCHEME_NONE)
    return TRUE;

  if (schemes & RTX_AUTH_SCHEME_APP_ID) {
    app_id = soup_message_headers_get_list (headers, "x-app-id");
    if (!token_is_plausible (app_id))
      app_id = NULL;
    out_caller->app_id = g_strdup (app_id);
  }

  token = find_key_token (headers, schemes);
  if (token != NULL) {
    out_caller->key = rtx_api_keys_authenticate (rtx_runtime_get_api_keys (runtime), token,
                                                 rtx_surface_to_string (rtx_operation_get_surface (operation)),
                                                 &key_error);
    if (out_caller->key != NULL)
      return TRUE;

    /* A bad key with a good app id is the app's production mode (protocol §4.5). */
    if (app_id == NULL || !g_error_matches (key_error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED)) {
      g_propagate_error (error, g_steal_pointer (&key_error));
      return FALSE;
    }
  }

  if (app_id != NULL)
    return authenticate_app_id (runtime, app_id, local, remote, out_caller, error);

  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED, "No credential");
  return FALSE;
}

/**
 * rtx_auth_reply_permission:
 * @msg: a server message
 * @code: `PERMISSION_REQUIRED` or `PERMISSION_DENIED`
 * @permission: the permission at stake
 * @message: words for people
 *
 * The one body that every SDK module family understands (local-app-protocol.md §2.8): status
 * 403, and the code in both `error` (families A and B read it there) and `code` (C and D).
 */
void
rtx_auth_reply_permission (SoupServerMessage *msg,
                           const char        *code,
                           const char        *permission,
                           const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "permission");
  json_builder_add_string_value (builder, permission);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);

  body = json_builder_get_root (builder);
  rtx_reply_json (msg, SOUP_STATUS_FORBIDDEN, body);
}

/* `x-rtx-permission` may name a path parameter, `credentials.read:{name}`, for a permission
 * held per object: the app asks for, and the person grants, that very one. The value must
 * keep the permission a plain permission name. */
static char *
expand_permission (const char  *template,
                   GHashTable  *params,
                   GError     **error)
{
  const char *open = strchr (template, '{');
  const char *close;
  g_autofree char *name = NULL;
  const char *value;

  if (open == NULL)
    return g_strdup (template);

  close = strchr (open, '}');
  name = g_strndup (open + 1, close - open - 1);
  value = params != NULL ? g_hash_table_lookup (params, name) : NULL;
  if (value == NULL || *value == '\0' ||
      strspn (value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
      != strlen (value)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 "The %s in the path is not a valid name", name);
    return NULL;
  }

  return g_strdup_printf ("%.*s%s%s", (int) (open - template), template, value, close + 1);
}

/**
 * rtx_auth_authorize:
 * @runtime: the runtime
 * @msg: the request, answered here when refused
 * @operation: its operation
 * @params: (nullable): the decoded path parameters, for a permission that names one
 * @caller: who made it
 *
 * Enforces the operation's `x-rtx-permission`. A key (development mode) holds every SDK
 * permission except reading credentials. An app holds what the person granted; for anything
 * else it gets PERMISSION_REQUIRED and asks through `/api/local-apps/request-permission`.
 * After a stored denial the `/sdk/...` routes still say PERMISSION_REQUIRED: their module
 * families would turn PERMISSION_DENIED into a plain error, while the request-permission
 * call that follows answers `granted:false` from the stored decision at once, so every module
 * throws its PermissionDeniedError. The other SDK routes (families A and B) read
 * PERMISSION_DENIED directly. The decision is read from the database every time.
 *
 * Returns: %TRUE when the request may proceed; %FALSE when it has been answered
 */
gboolean
rtx_auth_authorize (RtxRuntime        *runtime,
                    SoupServerMessage *msg,
                    RtxOperation      *operation,
                    GHashTable        *params,
                    const RtxCaller   *caller)
{
  const char *template = rtx_operation_get_permission (operation);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *permission = NULL;
  RtxPermissionState state;

  if (template == NULL)
    return TRUE;

  permission = expand_permission (template, params, &error);
  if (permission == NULL) {
    rtx_reply_gerror (msg, RTX_SURFACE_SDK, error);
    return FALSE;
  }

  if (caller->key != NULL) {
    if (!g_str_has_prefix (permission, "credentials."))
      return TRUE;
    rtx_auth_reply_permission (msg, "PERMISSION_DENIED", permission,
                               "API keys never read credentials; grant them to a local app");
    return FALSE;
  }

  g_return_val_if_fail (caller->app != NULL, FALSE);

  if (!rtx_local_apps_get_decision (rtx_runtime_get_local_apps (runtime), caller->app->id,
                                    permission, &state, &error)) {
    rtx_reply_gerror (msg, RTX_SURFACE_SDK, error);
    return FALSE;
  }

  if (state == RTX_PERMISSION_GRANTED)
    return TRUE;

  if (state == RTX_PERMISSION_DENIED &&
      !g_str_has_prefix (rtx_operation_get_path (operation), "/sdk/")) {
    message = g_strdup_printf ("Permission '%s' was denied", permission);
    rtx_auth_reply_permission (msg, "PERMISSION_DENIED", permission, message);
    return FALSE;
  }

  message = g_strdup_printf ("This app needs the permission '%s'", permission);
  rtx_auth_reply_permission (msg, "PERMISSION_REQUIRED", permission, message);
  return FALSE;
}

/**
 * rtx_auth_refuse:
 * @msg: a server message
 * @surface: the surface of the operation
 * @caller: (nullable): what rtx_auth_authenticate() found
 *
 * Refuses a request without an acceptable credential as the surface's clients expect
 * (DESIGN.md §1): AnythingLLM's 403 and exact text on the standard surface, OpenAI's 401
 * `invalid_api_key` on the OpenAI surface, the SDK's 401 `MISSING_APP_ID`, or
 * `INVALID_APP_ID` when the caller sent an app id that names no app. The text never says
 * whether a key was absent, malformed, unknown or deactivated.
 */
void
rtx_auth_refuse (SoupServerMessage *msg,
                 RtxSurface         surface,
                 const RtxCaller   *caller)
{
  g_autoptr(GError) error = g_error_new_literal (RTX_ERROR, RTX_ERROR_UNAUTHENTICATED, "");
  guint status = rtx_reply_status_for_error (surface, error);

  switch (surface) {
  case RTX_SURFACE_OPENAI:
    rtx_reply_error_with_code (msg, surface, status, "invalid_api_key",
                               "Invalid or missing API key. "
                               "Send it as “Authorization: Bearer <key>”.");
    break;
  case RTX_SURFACE_SDK:
    if (caller != NULL && caller->app_id != NULL) {
      /* The client's own words back to it; the id is not logged. */
      g_autofree char *text = g_strdup_printf ("Invalid app ID: %s", caller->app_id);

      rtx_reply_error_with_code (msg, surface, status, "INVALID_APP_ID", text);
    } else {
      rtx_reply_error_with_code (msg, surface, status, "MISSING_APP_ID",
                                 "Missing required header: x-app-id");
    }
    break;
  case RTX_SURFACE_STANDARD:
  case RTX_SURFACE_PUBLIC:
  default:
    rtx_reply_error (msg, surface, status, "No valid api key found.");
    break;
  }
}
