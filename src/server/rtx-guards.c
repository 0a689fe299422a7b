/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-error.h"
#include "rtx-guards.h"

/* The checks that run on every request before any handler (DESIGN.md §1). They are plain
 * functions of the request's text so that unit tests can throw anything at them. */

static const char * const loopback_names[] = { "127.0.0.1", "localhost", "[::1]" };

/**
 * rtx_guard_host_is_allowed:
 * @host: (nullable): the value of a `Host` header
 * @port: the port the server listens on
 *
 * A loopback name with the server's port, exactly (case-insensitive): `127.0.0.1:PORT`,
 * `localhost:PORT` or `[::1]:PORT`. Anything else, a missing port, a trailing dot or a name
 * that merely starts with one of these, may come from a page that rebinds its DNS name to
 * 127.0.0.1 (security-reliability.md §1.4).
 *
 * Returns: %TRUE when allowed
 */
gboolean
rtx_guard_host_is_allowed (const char *host,
                           guint16     port)
{
  const char *colon;
  gsize name_len;
  guint64 number;
  char *end;

  if (host == NULL)
    return FALSE;

  /* Every request passes here: no allocation, no printf. */
  colon = strrchr (host, ':');
  if (colon == NULL || !g_ascii_isdigit (colon[1]) || (colon[1] == '0' && colon[2] != '\0'))
    return FALSE;
  number = g_ascii_strtoull (colon + 1, &end, 10);
  if (*end != '\0' || number != port)
    return FALSE;

  name_len = colon - host;
  for (guint i = 0; i < G_N_ELEMENTS (loopback_names); i++) {
    if (strlen (loopback_names[i]) == name_len &&
        g_ascii_strncasecmp (host, loopback_names[i], name_len) == 0)
      return TRUE;
  }

  return FALSE;
}

/* The authority libsoup built the request URI from: the Host header, or an absolute-form
 * request target, or (HTTP/1.0 without Host) the local address. */
static gboolean
uri_is_loopback (GUri    *uri,
                 guint16  port)
{
  const char *host = g_uri_get_host (uri);

  if (host == NULL || g_uri_get_port (uri) != port)
    return FALSE;

  return g_ascii_strcasecmp (host, "127.0.0.1") == 0 ||
         g_ascii_strcasecmp (host, "localhost") == 0 ||
         g_ascii_strcasecmp (host, "::1") == 0 ||
         g_ascii_strcasecmp (host, "[::1]") == 0;
}

/**
 * rtx_guard_request_host_is_allowed:
 * @msg: a request whose headers have been read
 * @port: the port the server listens on
 *
 * The `Host` header must be allowed (rtx_guard_host_is_allowed()); it may be absent only in an
 * HTTP/1.0 request. A header sent twice is refused, and so is an absolute-form target that
 * names another authority than the header.
 *
 * Returns: %TRUE when allowed
 */
gboolean
rtx_guard_request_host_is_allowed (SoupServerMessage *msg,
                                   guint16            port)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *host = soup_message_headers_get_list (headers, "Host");

  if (host == NULL && soup_server_message_get_http_version (msg) != SOUP_HTTP_1_0)
    return FALSE;
  if (host != NULL && !rtx_guard_host_is_allowed (host, port))
    return FALSE;

  return uri_is_loopback (soup_server_message_get_uri (msg), port);
}

/**
 * rtx_guard_origin_is_own:
 * @origin: the value of an `Origin` header
 * @port: the port the server listens on
 *
 * The runtime's own origins, `http://127.0.0.1:PORT`, `http://localhost:PORT` and
 * `http://[::1]:PORT` (so that /api/docs can call the API). `null` and every other origin are
 * foreign.
 *
 * Returns: %TRUE for one of the runtime's own origins
 */
gboolean
rtx_guard_origin_is_own (const char *origin,
                         guint16     port)
{
  if (origin == NULL || g_ascii_strncasecmp (origin, "http://", 7) != 0)
    return FALSE;

  return rtx_guard_host_is_allowed (origin + 7, port);
}

/**
 * rtx_guard_path_is_embed:
 * @path: a request path
 *
 * Returns: %TRUE under `/api/embed/`, the only routes a foreign origin may call
 */
gboolean
rtx_guard_path_is_embed (const char *path)
{
  return path != NULL && g_str_has_prefix (path, "/api/embed/");
}

/**
 * rtx_guard_embed_id_for_path:
 * @path: a path under `/api/embed/`
 *
 * Returns: (nullable): the embed's id, the segment after `/api/embed/`, undecoded
 */
char *
rtx_guard_embed_id_for_path (const char *path)
{
  const char *start, *end;

  if (!rtx_guard_path_is_embed (path))
    return NULL;

  start = path + strlen ("/api/embed/");
  end = strchr (start, '/');
  if (end == start || *start == '\0')
    return NULL;

  return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
}

/**
 * rtx_guard_drop_range:
 * @headers: request headers
 *
 * Debian's libsoup 3.2 answers `Range` by itself (206) and lacks the 2025 fixes of its range
 * code; no route of the runtime serves partial content, so the headers are removed before
 * libsoup can see them when it writes the response.
 */
void
rtx_guard_drop_range (SoupMessageHeaders *headers)
{
  soup_message_headers_remove (headers, "Range");
  soup_message_headers_remove (headers, "If-Range");
}

static JsonObject *
request_body_content (RtxOperation *operation)
{
  JsonObject *json = rtx_operation_get_json (operation);
  JsonNode *body = json_object_get_member (json, "requestBody");
  JsonNode *content;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;

  content = json_object_get_member (json_node_get_object (body), "content");
  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    return NULL;

  return json_node_get_object (content);
}

/**
 * rtx_guard_body_limit:
 * @operation: (nullable): the operation a request was routed to
 *
 * Returns: the most bytes of body the operation takes: its `x-rtx-max-body-bytes`, else
 *   %RTX_GUARD_JSON_BODY_LIMIT when it declares a request body, else
 *   %RTX_GUARD_OTHER_BODY_LIMIT
 */
goffset
rtx_guard_body_limit (RtxOperation *operation)
{
  JsonNode *node;

  if (operation == NULL)
    return RTX_GUARD_OTHER_BODY_LIMIT;

  node = json_object_get_member (rtx_operation_get_json (operation), "x-rtx-max-body-bytes");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64 &&
      json_node_get_int (node) > 0)
    return json_node_get_int (node);

  return request_body_content (operation) != NULL ? RTX_GUARD_JSON_BODY_LIMIT
                                                  : RTX_GUARD_OTHER_BODY_LIMIT;
}

/**
 * rtx_guard_content_type_is_accepted:
 * @operation: the operation a request was routed to
 * @content_type: (nullable): the request's media type, without parameters
 *
 * A request that carries a body (or names a type) must send one of the media types the
 * operation declares for its request body, or JSON when it declares none. So a cross-site
 * form or `text/plain` "simple request" can never reach a state-changing route
 * (security-reliability.md §1.4, rule 4).
 *
 * Returns: %TRUE when the media type is acceptable
 */
gboolean
rtx_guard_content_type_is_accepted (RtxOperation *operation,
                                    const char   *content_type)
{
  JsonObject *content = request_body_content (operation);
  g_autoptr(GList) types = NULL;

  if (content_type == NULL)
    return FALSE;

  if (content == NULL)
    return g_ascii_strcasecmp (content_type, "application/json") == 0;

  types = json_object_get_members (content);
  for (GList *l = types; l != NULL; l = l->next) {
    if (g_ascii_strcasecmp (content_type, l->data) == 0)
      return TRUE;
  }

  return FALSE;
}

gboolean
rtx_guard_method_changes_state (const char *method)
{
  return g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0 &&
         g_strcmp0 (method, "OPTIONS") != 0;
}

/* One part of an `application/x-www-form-urlencoded` query, decoded in place as libsoup does
 * ('+' is a space), except that what libsoup would pass on or drop silently is refused: an
 * encoded NUL (which would cut the value short in C), a malformed escape, invalid UTF-8. */
static const char *
decode_query_part (char *part)
{
  char *s = part, *d = part;

  for (; *s != '\0'; s++) {
    if (*s == '%') {
      if (!g_ascii_isxdigit (s[1]) || !g_ascii_isxdigit (s[2]))
        return "has a malformed percent-escape";
      *d = (char) (g_ascii_xdigit_value (s[1]) << 4 | g_ascii_xdigit_value (s[2]));
      if (*d == '\0')
        return "contains an encoded NUL (%00)";
      d++;
      s += 2;
    } else {
      *d++ = *s == '+' ? ' ' : *s;
    }
  }
  *d = '\0';

  return g_utf8_validate (part, -1, NULL) ? NULL : "is not valid UTF-8";
}

/**
 * rtx_guard_decode_query:
 * @raw: a request's query, as sent (still percent-encoded)
 * @out_field: (out) (optional) (transfer full): the parameter at fault, when it has a name
 * @error: return location for an error
 *
 * Decodes a query as libsoup's soup_form_decode() would (a name without `=` is ignored and
 * the last of equal names wins) but refuses what it would silently truncate or pass on: an
 * encoded NUL, a malformed escape and invalid UTF-8, in names and values alike.
 *
 * Returns: (transfer full) (nullable): the parameters, names to values, or %NULL with @error
 *   set
 */
GHashTable *
rtx_guard_decode_query (const char  *raw,
                        char       **out_field,
                        GError     **error)
{
  g_autoptr(GHashTable) query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = g_strsplit (raw, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++) {
    char *name = pairs[i];
    char *value = strchr (name, '=');
    const char *problem;

    if (value != NULL)
      *value++ = '\0';

    problem = decode_query_part (name);
    if (problem != NULL) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "Invalid request: a query parameter name %s", problem);
      return NULL;
    }
    if (value == NULL)
      continue;

    problem = decode_query_part (value);
    if (problem != NULL) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   "Invalid request: the query parameter “%s” %s", name, problem);
      if (out_field != NULL)
        *out_field = g_strdup (name);
      return NULL;
    }

    g_hash_table_replace (query, g_strdup (name), g_strdup (value));
  }

  return g_steal_pointer (&query);
}
