/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The peer of bench/run-throughput.sh: a bare libsoup 3 server that answers GET /api/v1/auth
 * with the runtime's body and checks nothing (no Host, no key, no routing table), and GET
 * /api/ping likewise, on a socket with the runtime's listen backlog, on one thread. What the runtime adds on top of libsoup is
 * the difference between the two. Usage: bench-bare-server PORT */
#include <stdlib.h>

#include <libsoup/soup.h>

static const char body[] = "{\"authenticated\":true}";
static const char ping[] = "{\"online\":true}";

static void
on_ping_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_STATIC,
                                    ping, sizeof ping - 1);
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SoupServer) server = g_object_new (SOUP_TYPE_SERVER, "server-header", NULL, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2) {
    g_printerr ("usage: %s PORT\n", argv[0]);
    return 2;
  }

  address = g_inet_socket_address_new (loopback, (guint16) atoi (argv[1]));
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  if (socket == NULL || !g_socket_bind (socket, address, TRUE, &error)) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  g_socket_set_listen_backlog (socket, 1024);
  if (!g_socket_listen (socket, &error) ||
      !soup_server_listen_socket (server, socket, 0, &error)) {
    g_printerr ("%s\n", error->message);
    return 1;
  }

  soup_server_add_handler (server, "/api/v1/auth", on_request_cb, NULL, NULL);
  soup_server_add_handler (server, "/api/ping", on_ping_cb, NULL, NULL);
  g_print ("Listening on http://127.0.0.1:%s\n", argv[1]);
  g_main_loop_run (loop);
  return 0;
}
