/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "rtx-http-stream.h"

/*
 * The relay's HTTP/1.1 reader against a scripted server on a real socket: each accepted
 * connection answers its requests with the next scripted responses, written in small pieces
 * that split lines and chunks anywhere, so that every decoding state meets a partial read.
 */

typedef struct {
  GSocketListener *listener;
  guint16          port;
  GThread         *thread;
  GPtrArray       *responses;   /* raw bytes, one per request, in order */
  gint             accepted;
  gint             requests;
  gboolean         close_after_each;
} Server;

static gboolean
read_request (GInputStream *in)
{
  GString *head = g_string_new (NULL);
  gsize length = 0;
  char c;
  const char *cl;
  gboolean ok = FALSE;

  while (g_input_stream_read (in, &c, 1, NULL, NULL) == 1) {
    g_string_append_c (head, c);
    if (g_str_has_suffix (head->str, "\r\n\r\n")) {
      ok = TRUE;
      break;
    }
  }
  if (ok && (cl = strstr (head->str, "Content-Length: ")) != NULL)
    length = g_ascii_strtoull (cl + 16, NULL, 10);
  for (gsize i = 0; ok && i < length; i++)
    ok = g_input_stream_read (in, &c, 1, NULL, NULL) == 1;
  g_string_free (head, TRUE);
  return ok;
}

static gpointer
serve (gpointer data)
{
  Server *server = data;

  while (TRUE) {
    g_autoptr(GSocketConnection) conn = g_socket_listener_accept (server->listener, NULL, NULL, NULL);
    GInputStream *in;
    GOutputStream *out;

    if (conn == NULL)
      return NULL;
    g_atomic_int_inc (&server->accepted);
    in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
    out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
    while (read_request (in)) {
      guint index = (guint) g_atomic_int_add (&server->requests, 1);
      GBytes *response;
      gsize size;
      const guint8 *bytes;

      if (index >= server->responses->len)
        return NULL;   /* the end of the script stops the server */
      response = g_ptr_array_index (server->responses, index);
      bytes = g_bytes_get_data (response, &size);
      /* Pieces of 7 bytes, each its own segment. */
      g_socket_set_option (g_socket_connection_get_socket (conn), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
      for (gsize at = 0; at < size; at += 7) {
        g_output_stream_write_all (out, bytes + at, MIN (7, size - at), NULL, NULL, NULL);
        g_usleep (200);
      }
      if (server->close_after_each)
        break;
    }
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  }
}

static Server *
server_start (gboolean close_after_each, ...)
{
  Server *server = g_new0 (Server, 1);
  va_list args;
  const char *response;

  server->responses = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  va_start (args, close_after_each);
  while ((response = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (server->responses, g_bytes_new (response, strlen (response)));
  va_end (args);
  server->close_after_each = close_after_each;
  server->listener = g_socket_listener_new ();
  server->port = g_socket_listener_add_any_inet_port (server->listener, NULL, NULL);
  g_assert_cmpuint (server->port, >, 0);
  server->thread = g_thread_new ("scripted-http", serve, server);
  return server;
}

/* The serving thread may still sit in accept(): it keeps the server, which is left to the end
 * of the test program. */
static void
server_stop (Server *server)
{
  g_socket_listener_close (server->listener);
}

typedef struct {
  GMainLoop    *loop;
  GInputStream *body;
  guint         status;
  GError       *error;
} Result;

static void
on_posted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->body = rtx_http_post_finish (result, &r->status, &r->error);
  g_main_loop_quit (r->loop);
}

static gboolean
on_readable_cb (GObject  *stream,
                gpointer  user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* POSTs to the server and reads the body to its end with non-blocking reads, as the relay
 * does. Returns the body, or NULL with @error set. */
static GBytes *
post (Server   *server,
      guint    *status,
      GError  **error)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/v1/chat/completions", server->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) request = g_bytes_new_static ("{\"stream\":true}", 15);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GByteArray) got = g_byte_array_new ();
  Result r = { loop, NULL, 0, NULL };

  rtx_http_post_async (msg, request, "application/json", NULL, on_posted_cb, &r);
  g_main_loop_run (loop);
  if (r.body == NULL) {
    g_propagate_error (error, r.error);
    return NULL;
  }
  *status = r.status;

  while (TRUE) {
    char buffer[5];   /* small: the decoder must stop and resume anywhere */
    GError *local = NULL;
    gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (r.body),
                                                         buffer, sizeof buffer, NULL, &local);

    if (n > 0) {
      g_byte_array_append (got, (guint8 *) buffer, n);
    } else if (n == 0) {
      break;
    } else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
      g_autoptr(GSource) source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (r.body), NULL);

      g_clear_error (&local);
      g_source_set_callback (source, (GSourceFunc) G_CALLBACK (on_readable_cb), loop, NULL);
      g_source_attach (source, NULL);
      g_main_loop_run (loop);
      g_source_destroy (source);
    } else {
      g_propagate_error (error, local);
      g_object_unref (r.body);
      return NULL;
    }
  }
  g_object_unref (r.body);   /* read to the end: the connection goes back to the pool */
  return g_byte_array_free_to_bytes (g_steal_pointer (&got));
}

static void
assert_body (GBytes     *body,
             const char *expected)
{
  g_assert_nonnull (body);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), expected, strlen (expected));
}

#define SSE "data: {\"a\":1}\n\ndata: [DONE]\n\n"

/* Chunked (with an extension, an upper-case size and a trailer), then Content-Length, then an
 * error status, all on one kept-alive connection. */
static void
test_chunked_length_and_reuse (void)
{
  Server *server = server_start (FALSE,
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    "F\r\ndata: {\"a\":1}\n\n\r\n" "e;ext=1\r\ndata: [DONE]\n\n\r\n" "0\r\nX-Trailer: t\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 29\r\n\r\n" SSE,
    "HTTP/1.1 401 Unauthorized\r\nContent-Length: 10\r\n\r\n{\"e\":\"no\"}",
    NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL, second = NULL, third = NULL;
  guint status = 0;

  first = post (server, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  assert_body (first, SSE);

  second = post (server, &status, &error);
  g_assert_no_error (error);
  assert_body (second, SSE);

  third = post (server, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 401);
  assert_body (third, "{\"e\":\"no\"}");

  /* One connection served all three. */
  g_assert_cmpint (g_atomic_int_get (&server->accepted), ==, 1);
  server_stop (server);
}

/* A body that ends with the connection (no length), and a server that closes after each
 * answer: the closed connection is not reused. */
static void
test_until_close (void)
{
  Server *server = server_start (TRUE,
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" SSE,
    "HTTP/1.0 200 OK\r\n\r\n" SSE,
    NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = NULL, second = NULL;
  guint status = 0;

  first = post (server, &status, &error);
  g_assert_no_error (error);
  assert_body (first, SSE);
  second = post (server, &status, &error);
  g_assert_no_error (error);
  assert_body (second, SSE);
  g_assert_cmpint (g_atomic_int_get (&server->accepted), ==, 2);
  server_stop (server);
}

/* A chunked body cut off by the server is an error, not a short answer; so is garbage. */
static void
test_truncated_and_malformed (void)
{
  Server *server = server_start (TRUE,
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nf\r\ndata: {\"a\":1}\n\n\r\n10\r\ndata: [D",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    "SSH-2.0-OpenSSH\r\n\r\n",
    NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = post (server, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_null (body);
  g_clear_error (&error);

  body = post (server, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  body = post (server, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  server_stop (server);
}

/* Nobody listening: a connection error, promptly. */
static void
test_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  Server fake = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  g_socket_listener_close (listener);
  fake.port = port;
  body = post (&fake, &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_null (body);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-stream/chunked-length-and-reuse", test_chunked_length_and_reuse);
  g_test_add_func ("/http-stream/until-close", test_until_close);
  g_test_add_func ("/http-stream/truncated-and-malformed", test_truncated_and_malformed);
  g_test_add_func ("/http-stream/refused", test_refused);

  return g_test_run ();
}
