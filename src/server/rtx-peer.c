/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "rtx-error.h"
#include "rtx-peer.h"

/* Who is at the other end of a loopback TCP connection? The kernel answers one exact
 * question about one socket through NETLINK_SOCK_DIAG (security-reliability.md §1.4.6): the
 * client's socket, by its four addresses, and its owner's uid. Where that is not available
 * (an old or restricted kernel), the tables below are read instead. */

static gboolean
fill_diag_address (GSocketAddress *address,
                   __be16         *out_port,
                   __be32         *out_addr,
                   int            *out_family)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  GInetAddress *ip = g_inet_socket_address_get_address (inet);
  gsize size = g_inet_address_get_native_size (ip);

  *out_port = g_htons (g_inet_socket_address_get_port (inet));
  memset (out_addr, 0, 16);
  memcpy (out_addr, g_inet_address_to_bytes (ip), size);
  *out_family = g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6;
  return TRUE;
}

/* Returns 1 with *out_uid set, 0 when the kernel knows no such socket, -1 when the question
 * could not be asked. */
static int
ask_sock_diag (GSocketAddress *client,
               GSocketAddress *server,
               uid_t          *out_uid)
{
  struct {
    struct nlmsghdr         header;
    struct inet_diag_req_v2 request;
  } query = { 0 };
  union {
    struct nlmsghdr header;
    char            bytes[8192];
  } answer;
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  int family, server_family;
  ssize_t n;
  int fd;

  fill_diag_address (client, &query.request.id.idiag_sport, query.request.id.idiag_src, &family);
  fill_diag_address (server, &query.request.id.idiag_dport, query.request.id.idiag_dst,
                     &server_family);
  if (family != server_family)
    return 0;

  query.header.nlmsg_len = sizeof query;
  query.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  query.header.nlmsg_flags = NLM_F_REQUEST;
  query.request.sdiag_family = family;
  query.request.sdiag_protocol = IPPROTO_TCP;
  query.request.idiag_states = ~0U;
  query.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  query.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  fd = socket (AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0)
    return -1;

  if (sendto (fd, &query, sizeof query, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0) {
    close (fd);
    return -1;
  }

  do
    n = recv (fd, &answer, sizeof answer, 0);
  while (n < 0 && errno == EINTR);
  close (fd);

  if (n < (ssize_t) sizeof (struct nlmsghdr) || !NLMSG_OK (&answer.header, (size_t) n))
    return -1;

  if (answer.header.nlmsg_type == NLMSG_ERROR) {
    const struct nlmsgerr *err = NLMSG_DATA (&answer.header);

    return err->error == -ENOENT ? 0 : -1;
  }

  if (answer.header.nlmsg_type != SOCK_DIAG_BY_FAMILY ||
      answer.header.nlmsg_len < NLMSG_LENGTH (sizeof (struct inet_diag_msg)))
    return -1;

  *out_uid = ((const struct inet_diag_msg *) NLMSG_DATA (&answer.header))->idiag_uid;
  return 1;
}

/* The fallback: the kernel lists every TCP socket of
 * this network namespace, with its owner's uid, in /proc/net/tcp and /proc/net/tcp6. The
 * client's socket is the one whose local address is our peer's and whose remote address is
 * ours. Addresses are printed as the 32-bit words of the address in host order (%08X), and
 * ports in hex (%04X), so the same formatting of our two addresses finds the line. */

static gboolean
format_address (GSocketAddress *address,
                char           *buffer,
                gsize           size,
                gboolean       *out_ipv6)
{
  GInetSocketAddress *inet;
  GInetAddress *ip;
  guint16 port;
  const guint8 *bytes;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return FALSE;

  inet = G_INET_SOCKET_ADDRESS (address);
  ip = g_inet_socket_address_get_address (inet);
  port = g_inet_socket_address_get_port (inet);
  bytes = g_inet_address_to_bytes (ip);

  if (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV4) {
    guint32 word;

    memcpy (&word, bytes, 4);
    g_snprintf (buffer, size, "%08X:%04X", word, port);
    *out_ipv6 = FALSE;
  } else {
    guint32 words[4];

    memcpy (words, bytes, 16);
    g_snprintf (buffer, size, "%08X%08X%08X%08X:%04X",
                words[0], words[1], words[2], words[3], port);
    *out_ipv6 = TRUE;
  }

  return TRUE;
}

/* Reads lines "sl local rem st tx:rx tr:when retrnsmt uid …" and returns the uid of the line
 * whose local and remote addresses match. */
static gboolean
find_in_table (const char *table,
               const char *want_local,
               const char *want_remote,
               uid_t      *out_uid)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (table, &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++) {
    char local[64], remote[64], state[8], queues[32], timer[32], retransmits[16];
    unsigned long uid;

    if (sscanf (lines[i], " %*[^:]: %63s %63s %7s %31s %31s %15s %lu",
                local, remote, state, queues, timer, retransmits, &uid) != 7)
      continue;

    if (g_ascii_strcasecmp (local, want_local) == 0 &&
        g_ascii_strcasecmp (remote, want_remote) == 0) {
      *out_uid = (uid_t) uid;
      return TRUE;
    }
  }

  return FALSE;
}

/**
 * rtx_peer_get_uid:
 * @local: our end of the connection (the server's address and port)
 * @remote: the client's end
 * @out_uid: (out): the uid that owns the client's socket
 * @error: return location for an error
 *
 * Finds which user owns the client socket of a TCP connection between two local addresses:
 * by asking the kernel through NETLINK_SOCK_DIAG, or else from /proc/net/tcp{,6}.
 *
 * Returns: %TRUE with @out_uid set; %FALSE with %RTX_ERROR_PERMISSION_DENIED when the client
 *   cannot be found (it is not a local socket, or it is gone)
 */
gboolean
rtx_peer_get_uid (GSocketAddress  *local,
                  GSocketAddress  *remote,
                  uid_t           *out_uid,
                  GError         **error)
{
  int asked;

  g_return_val_if_fail (out_uid != NULL, FALSE);

  if (G_IS_INET_SOCKET_ADDRESS (local) && G_IS_INET_SOCKET_ADDRESS (remote)) {
    asked = ask_sock_diag (remote, local, out_uid);
    if (asked == 1)
      return TRUE;
    if (asked == 0) {
      g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                           "The caller's process could not be identified");
      return FALSE;
    }
  }

  return _rtx_peer_get_uid_from_tables (local, remote, out_uid, error);
}

/* The fallback, on its own for tests. */
gboolean
_rtx_peer_get_uid_from_tables (GSocketAddress  *local,
                               GSocketAddress  *remote,
                               uid_t           *out_uid,
                               GError         **error)
{
  char want_local[64], want_remote[64];
  gboolean remote_v6, local_v6;

  /* The client's own socket: its local end is our remote one, and the other way round. */
  if (local == NULL || remote == NULL ||
      !format_address (remote, want_local, sizeof want_local, &remote_v6) ||
      !format_address (local, want_remote, sizeof want_remote, &local_v6) ||
      remote_v6 != local_v6) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                         "The caller's process could not be identified");
    return FALSE;
  }

  if (find_in_table (remote_v6 ? "/proc/net/tcp6" : "/proc/net/tcp", want_local, want_remote,
                     out_uid))
    return TRUE;

  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED,
                       "The caller's process could not be identified");
  return FALSE;
}
