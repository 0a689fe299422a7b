/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "rtx-error.h"
#include "rtx-peer.h"

/* Who is at the other end of a loopback TCP connection? The kernel lists every TCP socket of
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
 * Finds which user owns the client socket of a TCP connection between two local addresses.
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
  char want_local[64], want_remote[64];
  gboolean remote_v6, local_v6;

  g_return_val_if_fail (out_uid != NULL, FALSE);

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
