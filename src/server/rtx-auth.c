/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-auth.h"
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
find_token (SoupMessageHeaders *headers,
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

  /* x-app-id (the SDK's production mode) arrives with the local apps issue; until then an
   * operation that accepts only an app id refuses everyone. */
  return token;
}

/**
 * rtx_auth_authenticate:
 * @keys: the runtime's API keys
 * @headers: the request's headers
 * @operation: the operation the request was routed to
 * @out_key: (out) (transfer full) (optional): the key that authenticated the request, or
 *   %NULL for a public operation
 * @error: return location for an error
 *
 * The one check of credentials, for every surface. The operation's security decides which
 * headers count: `Authorization: Bearer` for `BearerAuth`, `x-api-key` for `ApiKeyHeader`. The
 * key is verified on every request (checksum first, then one indexed lookup), never cached, so
 * a deactivation holds from the very next request.
 *
 * Returns: %TRUE when the request may proceed; %FALSE with %RTX_ERROR_UNAUTHENTICATED when no
 *   acceptable credential was sent, or another error when checking failed
 */
gboolean
rtx_auth_authenticate (RtxApiKeys          *keys,
                       SoupMessageHeaders  *headers,
                       RtxOperation        *operation,
                       RtxApiKey          **out_key,
                       GError             **error)
{
  RtxAuthSchemes schemes;
  const char *token;
  RtxApiKey *key;

  g_return_val_if_fail (RTX_IS_API_KEYS (keys), FALSE);
  g_return_val_if_fail (headers != NULL, FALSE);
  g_return_val_if_fail (operation != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_key != NULL)
    *out_key = NULL;

  schemes = rtx_operation_get_auth_schemes (operation);
  if (schemes == RTX_AUTH_SCHEME_NONE)
    return TRUE;

  token = find_token (headers, schemes);
  if (token == NULL) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED, "No credential");
    return FALSE;
  }

  key = rtx_api_keys_authenticate (keys, token,
                                   rtx_surface_to_string (rtx_operation_get_surface (operation)),
                                   error);
  if (key == NULL)
    return FALSE;

  if (out_key != NULL)
    *out_key = key;
  else
    rtx_api_key_free (key);

  return TRUE;
}

/**
 * rtx_auth_refuse:
 * @msg: a server message
 * @surface: the surface of the operation
 *
 * Refuses a request without an acceptable credential as the surface's clients expect
 * (DESIGN.md §1): AnythingLLM's 403 and exact text on the standard surface, OpenAI's 401
 * `invalid_api_key` on the OpenAI surface, the SDK's 401 `MISSING_APP_ID`. The text never says
 * whether a key was absent, malformed, unknown or deactivated.
 */
void
rtx_auth_refuse (SoupServerMessage *msg,
                 RtxSurface         surface)
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
    rtx_reply_error_with_code (msg, surface, status, "MISSING_APP_ID",
                               "Missing required header: x-app-id");
    break;
  case RTX_SURFACE_STANDARD:
  case RTX_SURFACE_PUBLIC:
  default:
    rtx_reply_error (msg, surface, status, "No valid api key found.");
    break;
  }
}
