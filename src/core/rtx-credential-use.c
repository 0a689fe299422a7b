/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-credential-use.h"
#include "rtx-error.h"
#include "rtx-key-format.h"

/**
 * SECTION:rtx-credential-use
 *
 * The one way a credential is applied, by type, wherever the runtime authenticates outward:
 * the model provider's API key, `upload-link` requests, webhook and agent HTTP calls, and the
 * environment of a local app. Consumers resolve a credential once with
 * rtx_credentials_get_use() (in a worker thread: it reads the keyring, and is audited) or
 * rtx_credential_use_new(), then apply it to each request:
 *
 * | type          | goes to                                   |
 * |---------------|-------------------------------------------|
 * | `http_header` | header `name: value`                      |
 * | `query_auth`  | query parameter `name=value`              |
 * | `basic_auth`  | `Authorization: Basic base64(user:pass)`  |
 * | `bearer`      | `Authorization: Bearer token`             |
 * | `oauth_token` | `Authorization: Bearer access_token`      |
 * | `env_var`     | variable `name=value` of a child process  |
 *
 * A credential belongs to the service it was made for: a consumer that follows a redirect to
 * another origin does not apply it there.
 */

struct _RtxCredentialUse {
  RtxCredentialTarget  target;
  char                *name;
  RtxSecret           *value;
};

static const char *
payload_string (JsonObject *payload,
                const char *member)
{
  JsonNode *node = json_object_get_member (payload, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static RtxCredentialUse *
use_new (RtxCredentialTarget  target,
         const char          *name,
         char                *value)
{
  RtxCredentialUse *use = g_new0 (RtxCredentialUse, 1);

  use->target = target;
  use->name = g_strdup (name);
  use->value = value;
  return use;
}

static char *
basic_value (const char *username,
             const char *password)
{
  g_autoptr(RtxSecret) joined = g_strconcat (username, ":", password, NULL);
  g_autoptr(RtxSecret) encoded = g_base64_encode ((const guchar *) joined, strlen (joined));

  return g_strconcat ("Basic ", encoded, NULL);
}

/**
 * rtx_credential_use_new:
 * @type: a credential type
 * @payload: its payload, as the vault keeps it
 *
 * Returns: (transfer full): how to apply the credential, or %NULL if @payload does not fit
 *   @type
 */
RtxCredentialUse *
rtx_credential_use_new (const char  *type,
                        JsonObject  *payload,
                        GError     **error)
{
  g_return_val_if_fail (payload != NULL, NULL);

  if (!rtx_credential_validate_payload (type, payload, error))
    return NULL;

  if (g_str_equal (type, "http_header"))
    return use_new (RTX_CREDENTIAL_TARGET_HEADER, payload_string (payload, "name"),
                    g_strdup (payload_string (payload, "value")));
  if (g_str_equal (type, "query_auth"))
    return use_new (RTX_CREDENTIAL_TARGET_QUERY, payload_string (payload, "name"),
                    g_strdup (payload_string (payload, "value")));
  if (g_str_equal (type, "env_var"))
    return use_new (RTX_CREDENTIAL_TARGET_ENVIRONMENT, payload_string (payload, "name"),
                    g_strdup (payload_string (payload, "value")));
  if (g_str_equal (type, "basic_auth"))
    return use_new (RTX_CREDENTIAL_TARGET_HEADER, "Authorization",
                    basic_value (payload_string (payload, "username"),
                                 payload_string (payload, "password")));
  if (g_str_equal (type, "bearer"))
    return use_new (RTX_CREDENTIAL_TARGET_HEADER, "Authorization",
                    g_strconcat ("Bearer ", payload_string (payload, "token"), NULL));

  /* oauth_token: only the access token is sent; refreshing it is the owner's business. */
  return use_new (RTX_CREDENTIAL_TARGET_HEADER, "Authorization",
                  g_strconcat ("Bearer ", payload_string (payload, "access_token"), NULL));
}

/**
 * rtx_credentials_get_use:
 * @vault: the vault
 * @name: a credential's name
 * @actor: who uses it, for the audit log
 *
 * Reads the credential's payload from the keyring (an audited read) and resolves it. Blocks on
 * D-Bus: call it from a worker thread.
 *
 * Returns: (transfer full): how to apply the credential
 */
RtxCredentialUse *
rtx_credentials_get_use (RtxCredentials  *vault,
                         const char      *name,
                         const RtxActor  *actor,
                         GError         **error)
{
  g_autoptr(RtxCredential) credential = NULL;
  g_autoptr(JsonObject) payload = NULL;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (vault), NULL);

  credential = rtx_credentials_get (vault, name, error);
  if (credential == NULL)
    return NULL;

  payload = rtx_credentials_read_payload (vault, name, actor, error);
  if (payload == NULL)
    return NULL;

  return rtx_credential_use_new (credential->type, payload, error);
}

/**
 * rtx_credential_use_copy:
 *
 * Returns: (transfer full): a copy, for a consumer that keeps one and hands out others
 */
RtxCredentialUse *
rtx_credential_use_copy (const RtxCredentialUse *use)
{
  g_return_val_if_fail (use != NULL, NULL);

  return use_new (use->target, use->name, g_strdup (use->value));
}

void
rtx_credential_use_free (RtxCredentialUse *use)
{
  if (use == NULL)
    return;

  g_free (use->name);
  rtx_secret_free (use->value);
  g_free (use);
}

RtxCredentialTarget
rtx_credential_use_get_target (const RtxCredentialUse *use)
{
  g_return_val_if_fail (use != NULL, RTX_CREDENTIAL_TARGET_HEADER);

  return use->target;
}

/**
 * rtx_credential_use_get_name:
 *
 * Returns: the header, query parameter or environment variable the credential sets; never
 *   secret
 */
const char *
rtx_credential_use_get_name (const RtxCredentialUse *use)
{
  g_return_val_if_fail (use != NULL, NULL);

  return use->name;
}

static gboolean
check_target (const RtxCredentialUse  *use,
              RtxCredentialTarget      target,
              GError                 **error)
{
  if (use->target == target)
    return TRUE;

  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               use->target == RTX_CREDENTIAL_TARGET_ENVIRONMENT
               ? _("An env_var credential goes into a local app's environment, not into a request")
               : target == RTX_CREDENTIAL_TARGET_ENVIRONMENT
               ? _("Only env_var credentials go into a local app's environment")
               : use->target == RTX_CREDENTIAL_TARGET_QUERY
               ? _("A query_auth credential goes into the URI, not into a header")
               : _("This credential goes into a header, not into the URI"));
  return FALSE;
}

/**
 * rtx_credential_use_apply_to_headers:
 *
 * Sets the header of a header credential, replacing any header of that name.
 */
gboolean
rtx_credential_use_apply_to_headers (const RtxCredentialUse  *use,
                                     SoupMessageHeaders      *headers,
                                     GError                 **error)
{
  g_return_val_if_fail (use != NULL, FALSE);
  g_return_val_if_fail (headers != NULL, FALSE);

  if (!check_target (use, RTX_CREDENTIAL_TARGET_HEADER, error))
    return FALSE;

  soup_message_headers_replace (headers, use->name, use->value);
  return TRUE;
}

static gboolean
same_secret (const char *a,
             const char *b)
{
  gsize length = strlen (a);

  return length == strlen (b) && rtx_const_time_equal ((const guint8 *) a, (const guint8 *) b,
                                                       length);
}

/* The query of @uri without any parameter named @name (and, when @value is given, holding
 * exactly @value), still encoded. */
static GString *
query_without (GUri       *uri,
               const char *name,
               const char *value)
{
  const char *query = g_uri_get_query (uri);
  g_auto(GStrv) pairs = NULL;
  GString *kept = g_string_new (NULL);

  if (query == NULL || *query == '\0')
    return kept;

  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++) {
    gsize key_length = strcspn (pairs[i], "=");
    g_autofree char *key = g_strndup (pairs[i], key_length);
    g_autofree char *decoded = g_uri_unescape_string (key, NULL);
    g_autoptr(RtxSecret) held = NULL;

    if (*pairs[i] == '\0')
      continue;
    if (g_strcmp0 (decoded, name) == 0) {
      if (value == NULL)
        continue;
      held = g_uri_unescape_string (pairs[i] + key_length + (pairs[i][key_length] == '='), NULL);
      if (held != NULL && same_secret (held, value))
        continue;
    }
    if (kept->len > 0)
      g_string_append_c (kept, '&');
    g_string_append (kept, pairs[i]);
  }

  return kept;
}

/**
 * rtx_credential_use_apply_to_uri:
 * @uri: an absolute http or https URI
 *
 * Sets the query parameter of a query_auth credential, replacing any parameter of that name
 * and keeping the others as they were.
 *
 * Returns: (transfer full): the new URI; it holds the secret, so wipe it with rtx_secret_free()
 */
char *
rtx_credential_use_apply_to_uri (const RtxCredentialUse  *use,
                                 const char              *uri,
                                 GError                 **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GString) query = NULL;
  g_autofree char *name = NULL;
  g_autoptr(RtxSecret) value = NULL;

  g_return_val_if_fail (use != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  if (!check_target (use, RTX_CREDENTIAL_TARGET_QUERY, error))
    return NULL;

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, error);
  if (parsed == NULL)
    return NULL;

  query = query_without (parsed, use->name, NULL);
  name = g_uri_escape_string (use->name, NULL, FALSE);
  value = g_uri_escape_string (use->value, NULL, FALSE);
  g_string_append_printf (query, "%s%s=%s", query->len > 0 ? "&" : "", name, value);

  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (parsed), g_uri_get_userinfo (parsed),
                     g_uri_get_host (parsed), g_uri_get_port (parsed), g_uri_get_path (parsed),
                     query->str, g_uri_get_fragment (parsed));
}

/**
 * rtx_credential_use_strip_uri:
 * @uri: an absolute URI
 *
 * Removes a query_auth credential from @uri: every parameter of its name that holds its value
 * (parameters of that name holding something else are another service's and stay). For a URI
 * that is kept or shown after a request, such as the final URL of a fetch, which may have come
 * back from a redirect with the credential in it. Other credentials leave @uri as it is.
 *
 * Returns: (transfer full) (nullable): the URI without the credential, or %NULL if @uri does
 *   not parse
 */
char *
rtx_credential_use_strip_uri (const RtxCredentialUse *use,
                              const char             *uri)
{
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GString) query = NULL;

  g_return_val_if_fail (use != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  if (parsed == NULL)
    return NULL;
  if (use->target != RTX_CREDENTIAL_TARGET_QUERY || g_uri_get_query (parsed) == NULL)
    return g_strdup (uri);

  query = query_without (parsed, use->name, use->value);
  return g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (parsed), g_uri_get_userinfo (parsed),
                     g_uri_get_host (parsed), g_uri_get_port (parsed), g_uri_get_path (parsed),
                     query->len > 0 ? query->str : NULL, g_uri_get_fragment (parsed));
}

/**
 * rtx_credential_use_apply_to_message:
 *
 * Applies a header or query credential to an outbound request before it is sent.
 */
gboolean
rtx_credential_use_apply_to_message (const RtxCredentialUse  *use,
                                     SoupMessage             *msg,
                                     GError                 **error)
{
  g_autofree char *current = NULL;
  g_autoptr(RtxSecret) with_query = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (use != NULL, FALSE);
  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), FALSE);

  if (use->target != RTX_CREDENTIAL_TARGET_QUERY)
    return rtx_credential_use_apply_to_headers (use, soup_message_get_request_headers (msg),
                                                error);

  current = g_uri_to_string (soup_message_get_uri (msg));
  with_query = rtx_credential_use_apply_to_uri (use, current, error);
  if (with_query == NULL)
    return FALSE;

  uri = g_uri_parse (with_query, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return FALSE;
  soup_message_set_uri (msg, uri);
  return TRUE;
}

/**
 * rtx_credential_use_apply_to_environ:
 * @envp: (transfer full): an environment, as g_get_environ() gives it
 *
 * Sets the variable of an env_var credential in @envp, for a local app about to start.
 *
 * Returns: (transfer full): the new environment; on error @envp is freed and %NULL returned
 */
char **
rtx_credential_use_apply_to_environ (const RtxCredentialUse  *use,
                                     char                   **envp,
                                     GError                 **error)
{
  g_return_val_if_fail (use != NULL, NULL);

  if (!check_target (use, RTX_CREDENTIAL_TARGET_ENVIRONMENT, error)) {
    g_strfreev (envp);
    return NULL;
  }

  return g_environ_setenv (envp, use->name, use->value, TRUE);
}
