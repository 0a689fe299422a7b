/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "rtx-error.h"
#include "rtx-link-fetch.h"

/**
 * SECTION:rtx-link-fetch
 *
 * Fetching a link a caller gave us is a server-side request forgery waiting to happen: the
 * runtime sits on loopback next to other services, and a cloud machine has a metadata service.
 * So: http and https only; the name is resolved once and every address it resolves to must be
 * public; the connection is checked again at the socket (libsoup's network-event, on a new
 * connection every time), where the peer must be one of the addresses checked, so a second,
 * different DNS answer cannot slip in; redirects are followed by hand, each one checked the same
 * way, at most five; no proxy; time and size are capped.
 *
 * A credential named for the link goes only to the link's own origin: a redirect to another
 * origin is followed without it, and a query credential that a redirect echoes back is taken
 * out of the URL before it goes anywhere else or is reported as the final URL.
 */

void
rtx_link_policy_init (RtxLinkPolicy *policy)
{
  const char *allow = g_getenv ("RTX_LINK_ALLOW");

  policy->max_bytes = (guint64) 64 << 20;
  policy->timeout_seconds = 60;
  policy->max_redirects = 5;
  policy->allow = allow != NULL && *allow != '\0' ? g_strsplit (allow, ",", -1) : NULL;
}

void
rtx_link_policy_clear (RtxLinkPolicy *policy)
{
  g_clear_pointer (&policy->allow, g_strfreev);
}

static gboolean
v4_is_public (const guint8 *b)
{
  return !(b[0] == 0 ||                                   /* this network */
           b[0] == 10 ||                                  /* private */
           b[0] == 127 ||                                 /* loopback */
           (b[0] == 100 && (b[1] & 0xc0) == 64) ||        /* carrier-grade NAT */
           (b[0] == 169 && b[1] == 254) ||                /* link-local, metadata */
           (b[0] == 172 && (b[1] & 0xf0) == 16) ||        /* private */
           (b[0] == 192 && b[1] == 0 && b[2] == 0) ||     /* IETF protocol assignments */
           (b[0] == 192 && b[1] == 168) ||                /* private */
           (b[0] == 198 && (b[1] & 0xfe) == 18) ||        /* benchmarking */
           b[0] >= 224);                                  /* multicast, reserved, broadcast */
}

/**
 * rtx_link_address_is_public:
 *
 * Returns: %FALSE for loopback, private, link-local (and so the metadata address),
 *   carrier-grade NAT, unspecified, multicast and reserved addresses, in IPv4 and IPv6
 *   (IPv4-mapped and -compatible IPv6 addresses are judged as the IPv4 address they carry)
 */
gboolean
rtx_link_address_is_public (GInetAddress *address)
{
  const guint8 *b = g_inet_address_to_bytes (address);
  static const guint8 zeros[12] = { 0 };
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4)
    return v4_is_public (b);

  if (memcmp (b, mapped, 12) == 0 || memcmp (b, zeros, 12) == 0)
    return v4_is_public (b + 12);
  if ((b[0] & 0xfe) == 0xfc)                    /* unique local fc00::/7 */
    return FALSE;
  if (b[0] == 0xfe && (b[1] & 0x80) == 0x80)    /* link-local fe80::/10, site-local fec0::/10 */
    return FALSE;
  if (b[0] == 0xff)                             /* multicast */
    return FALSE;
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)   /* NAT64 */
    return v4_is_public (b + 12);
  if (b[0] == 0x20 && b[1] == 0x02)             /* 6to4 carries an IPv4 address */
    return v4_is_public (b + 2);

  return TRUE;
}

static gboolean
address_allowed (const RtxLinkPolicy *policy,
                 GInetAddress        *address,
                 guint16              port)
{
  g_autofree char *text = NULL;
  g_autofree char *entry = NULL;

  if (rtx_link_address_is_public (address))
    return TRUE;
  if (policy->allow == NULL)
    return FALSE;

  text = g_inet_address_to_string (address);
  entry = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6
          ? g_strdup_printf ("[%s]:%u", text, port) : g_strdup_printf ("%s:%u", text, port);
  return g_strv_contains ((const char * const *) policy->allow, entry);
}

typedef struct {
  const RtxLinkPolicy *policy;
  GList               *checked;     /* GInetAddress, the addresses resolved and allowed */
  guint16              port;
  GCancellable        *cancellable;
  gboolean             refused;
} Hop;

static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  Hop *hop = user_data;
  g_autoptr(GSocketAddress) remote = NULL;
  GInetAddress *peer;

  if (event != G_SOCKET_CLIENT_CONNECTED)
    return;

  if (G_IS_SOCKET_CONNECTION (connection))
    remote = g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (connection), NULL);
  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote)) {
    hop->refused = TRUE;
    g_cancellable_cancel (hop->cancellable);
    return;
  }

  peer = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
  for (GList *l = hop->checked; l != NULL; l = l->next)
    if (g_inet_address_equal (l->data, peer) &&
        address_allowed (hop->policy, peer, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote))))
      return;

  hop->refused = TRUE;
  g_cancellable_cancel (hop->cancellable);
}

static gboolean
refuse (GError     **error,
        const char  *message)
{
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED, message);
  return FALSE;
}

/* Checks the URL's form and resolves its host once; every address must be allowed. */
static gboolean
check_target (Hop          *hop,
              GUri         *uri,
              GCancellable *cancellable,
              GError      **error)
{
  const char *scheme = g_uri_get_scheme (uri);
  const char *host = g_uri_get_host (uri);
  g_autoptr(GResolver) resolver = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *addresses;
  int port;

  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return refuse (error, _("Only http and https links can be fetched"));
  if (host == NULL || *host == '\0')
    return refuse (error, _("The link has no host"));
  if (g_uri_get_userinfo (uri) != NULL)
    return refuse (error, _("Links with a user name or password are not fetched"));

  port = g_uri_get_port (uri);
  if (port < 0)
    port = g_ascii_strcasecmp (scheme, "https") == 0 ? 443 : 80;
  hop->port = port;

  resolver = g_resolver_get_default ();
  addresses = g_resolver_lookup_by_name (resolver, host, cancellable, &local_error);
  if (addresses == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("Could not resolve “%s”"), host);
    return FALSE;
  }

  for (GList *l = addresses; l != NULL; l = l->next) {
    if (!address_allowed (hop->policy, l->data, port)) {
      g_resolver_free_addresses (addresses);
      return refuse (error, _("The link points to a loopback, private, link-local or "
                              "otherwise internal address, which is not allowed"));
    }
  }

  hop->checked = addresses;
  return TRUE;
}

static gboolean
header_allowed (const char *name,
                const char *value)
{
  static const char * const forbidden[] = { "host", "content-length", "transfer-encoding",
                                            "connection", "upgrade", "te", "trailer", NULL };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (*name == '\0' || strpbrk (name, "\r\n: \t") != NULL || strpbrk (value, "\r\n") != NULL)
    return FALSE;
  return !g_strv_contains (forbidden, lower);
}

static gboolean
copy_body (GInputStream         *in,
           int                   out_fd,
           const RtxLinkPolicy  *policy,
           gint64                deadline,
           GCancellable         *cancellable,
           GError              **error)
{
  char buf[65536];
  guint64 total = 0;

  for (;;) {
    gssize n = g_input_stream_read (in, buf, sizeof buf, cancellable, error);

    if (n < 0)
      return FALSE;
    if (n == 0)
      return TRUE;
    total += n;
    if (total > policy->max_bytes) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("The linked page is larger than %" G_GUINT64_FORMAT " bytes"), policy->max_bytes);
      return FALSE;
    }
    if (g_get_monotonic_time () > deadline) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Fetching the link took too long"));
      return FALSE;
    }
    for (gssize done = 0; done < n;) {
      ssize_t w = write (out_fd, buf + done, n - done);

      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0) {
        g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, "write: %s", g_strerror (errno));
        return FALSE;
      }
      done += w;
    }
  }
}

static void
fire_cancel (GCancellable *source,
             GCancellable *target)
{
  g_cancellable_cancel (target);
}

static int
effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port >= 0)
    return port;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/* Same scheme, host and port: where a credential named for the link may go. */
static gboolean
same_origin (GUri *a,
             GUri *b)
{
  const char *host_a = g_uri_get_host (a);
  const char *host_b = g_uri_get_host (b);

  return host_a != NULL && host_b != NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (host_a, host_b) == 0 &&
         effective_port (a) == effective_port (b);
}

/* @uri without a query credential a server put back into it; a new reference either way. */
static GUri *
without_credential (GUri                   *uri,
                    const RtxCredentialUse *credential)
{
  g_autoptr(RtxSecret) text = NULL;
  g_autofree char *clean = NULL;
  GUri *parsed;

  if (credential == NULL || rtx_credential_use_get_target (credential) != RTX_CREDENTIAL_TARGET_QUERY)
    return g_uri_ref (uri);

  text = g_uri_to_string (uri);
  clean = rtx_credential_use_strip_uri (credential, text);
  parsed = clean != NULL ? g_uri_parse (clean, SOUP_HTTP_URI_FLAGS, NULL) : NULL;
  return parsed != NULL ? parsed : g_uri_ref (uri);
}

/* One request, with @credential when it is not %NULL. Returns the response stream, or NULL. */
static GInputStream *
send_one (SoupSession             *session,
          GUri                    *uri,
          GHashTable              *headers,
          const RtxCredentialUse  *credential,
          const RtxLinkPolicy     *policy,
          SoupMessage            **out_msg,
          GCancellable            *outer,
          GError                 **error)
{
  Hop hop = { policy, NULL, 0, g_cancellable_new (), FALSE };
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) local_error = NULL;
  GInputStream *stream = NULL;
  gulong outer_id = 0;

  if (!check_target (&hop, uri, outer, error))
    goto out;

  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  soup_message_add_flags (msg, SOUP_MESSAGE_NEW_CONNECTION | SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5");
  if (headers != NULL) {
    GHashTableIter iter;
    gpointer k, v;

    g_hash_table_iter_init (&iter, headers);
    while (g_hash_table_iter_next (&iter, &k, &v))
      if (header_allowed (k, v))
        soup_message_headers_replace (soup_message_get_request_headers (msg), k, v);
  }
  if (credential != NULL && !rtx_credential_use_apply_to_message (credential, msg, error))
    goto out;
  g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), &hop);

  if (outer != NULL)
    outer_id = g_cancellable_connect (outer, G_CALLBACK (fire_cancel), hop.cancellable, NULL);
  stream = soup_session_send (session, msg, hop.cancellable, &local_error);
  if (outer_id != 0)
    g_cancellable_disconnect (outer, outer_id);
  g_signal_handlers_disconnect_by_data (msg, &hop);

  if (hop.refused) {
    g_clear_object (&stream);
    refuse (error, _("The connection went to an address that is not allowed"));
    goto out;
  }
  if (stream == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Could not fetch the link: %s"),
                 local_error->message);
    goto out;
  }
  *out_msg = g_steal_pointer (&msg);

out:
  g_resolver_free_addresses (hop.checked);
  g_object_unref (hop.cancellable);
  return stream;
}

/**
 * rtx_link_fetch:
 * @url: the link
 * @headers: (nullable): extra request headers (name → value)
 * @credential: (nullable): a credential to authenticate with, on @url's origin only
 * @policy: limits and the operator's allowlist
 * @out_fd: where the body goes
 * @content_type: (out): the response's Content-Type, without parameters
 * @final_url: (out): the URL after redirects, without @credential
 *
 * Fetches @url under the rules above. Blocks: call it from a worker thread. A refused address
 * is %RTX_ERROR_PERMISSION_DENIED.
 */
gboolean
rtx_link_fetch (const char              *url,
                GHashTable              *headers,
                const RtxCredentialUse  *credential,
                const RtxLinkPolicy     *policy,
                int                      out_fd,
                char                   **content_type,
                char                   **final_url,
                GCancellable            *cancellable,
                GError                 **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) origin = NULL;
  gint64 deadline = g_get_monotonic_time () + (gint64) policy->timeout_seconds * G_USEC_PER_SEC;
  gboolean ok = FALSE;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("The link is not a valid URL"));
    return FALSE;
  }
  origin = g_uri_ref (uri);

  g_main_context_push_thread_default (context);
  session = g_object_new (SOUP_TYPE_SESSION,
                          "proxy-resolver", NULL,
                          "timeout", policy->timeout_seconds,
                          "idle-timeout", 1,
                          "user-agent", "RealTimeX-Runtime/" PACKAGE_VERSION,
                          NULL);

  for (guint hops = 0; hops <= policy->max_redirects; hops++) {
    g_autoptr(SoupMessage) msg = NULL;
    gboolean at_origin = same_origin (uri, origin);
    /* The client's own headers (scraperHeaders) may carry its credentials for the link's
     * site, like a named credential: they go to that origin only, as browsers drop
     * Authorization on a cross-origin redirect. */
    g_autoptr(GInputStream) stream = send_one (session, uri, at_origin ? headers : NULL,
                                               at_origin ? credential : NULL, policy, &msg,
                                               cancellable, error);
    guint status;

    if (stream == NULL)
      goto out;
    status = soup_message_get_status (msg);

    if (SOUP_STATUS_IS_REDIRECTION (status)) {
      const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                           "Location");
      GUri *next;

      g_input_stream_close (stream, NULL, NULL);
      next = location != NULL ? g_uri_parse_relative (uri, location, SOUP_HTTP_URI_FLAGS, NULL) : NULL;
      if (next == NULL) {
        g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("The link redirected nowhere valid"));
        goto out;
      }
      g_uri_unref (uri);
      uri = without_credential (next, credential);
      g_uri_unref (next);
      continue;
    }

    if (!SOUP_STATUS_IS_SUCCESSFUL (status)) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("The link answered HTTP %u"), status);
      goto out;
    }

    if (!copy_body (stream, out_fd, policy, deadline, cancellable, error))
      goto out;

    *content_type = g_strdup (soup_message_headers_get_content_type (
                                soup_message_get_response_headers (msg), NULL));
    *final_url = g_uri_to_string (uri);
    ok = TRUE;
    goto out;
  }

  refuse (error, _("The link redirected too many times"));

out:
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  return ok;
}
