/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include <gio/gio.h>

#include "rtx-error.h"
#include "rtx-peer.h"

/* Who owns the other end of a loopback TCP connection: a real connection of this process, found
 * by the kernel's socket diagnostics and by the /proc tables alike. */

typedef struct {
  GSocket *listener;
  GSocket *client;
  GSocket *server_side;
} Connection;

static void
connection_open (Connection    *c,
                 GSocketFamily  family)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  c->listener = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (c->listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (c->listener, &error));
  bound = g_socket_get_local_address (c->listener, &error);

  c->client = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_true (g_socket_connect (c->client, bound, NULL, &error));
  c->server_side = g_socket_accept (c->listener, NULL, &error);
  g_assert_no_error (error);
}

static void
connection_close (Connection *c)
{
  g_clear_object (&c->server_side);
  g_clear_object (&c->client);
  g_clear_object (&c->listener);
}

static void
check_family (GSocketFamily family)
{
  Connection c = { 0 };
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GSocketAddress) stranger = NULL;
  g_autoptr(GError) error = NULL;
  uid_t uid = (uid_t) -1;
  uid_t from_tables = (uid_t) -1;

  connection_open (&c, family);
  local = g_socket_get_local_address (c.server_side, NULL);
  remote = g_socket_get_remote_address (c.server_side, NULL);

  g_assert_true (rtx_peer_get_uid (local, remote, &uid, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, getuid ());
  g_assert_true (_rtx_peer_get_uid_from_tables (local, remote, &from_tables, &error));
  g_assert_cmpuint (from_tables, ==, getuid ());

  /* The server's own socket is no client: swapping the ends finds nobody. */
  stranger = g_inet_socket_address_new (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)), 1);
  g_assert_false (rtx_peer_get_uid (local, stranger, &uid, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (_rtx_peer_get_uid_from_tables (local, stranger, &uid, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED);

  connection_close (&c);
}

static void
test_ipv4 (void)
{
  check_family (G_SOCKET_FAMILY_IPV4);
}

static void
test_ipv6 (void)
{
  g_autoptr(GSocket) probe = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);

  if (probe == NULL || !g_socket_bind (probe, any, TRUE, NULL)) {
    g_test_skip ("No IPv6 loopback");
    return;
  }

  check_family (G_SOCKET_FAMILY_IPV6);
}

static void
test_no_address (void)
{
  g_autoptr(GError) error = NULL;
  uid_t uid;

  g_assert_false (rtx_peer_get_uid (NULL, NULL, &uid, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_PERMISSION_DENIED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rtx/peer/ipv4", test_ipv4);
  g_test_add_func ("/rtx/peer/ipv6", test_ipv6);
  g_test_add_func ("/rtx/peer/no-address", test_no_address);

  return g_test_run ();
}
