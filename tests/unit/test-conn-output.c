/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtx-conn-input.h"
#include "rtx-conn-output.h"

/* RtxConnOutput over one end of a socket pair, the other end playing the client: what the
 * client receives, and when. A fixed-length response's head reaches it with the body, never
 * alone and never late; anything else goes out as it is written. */

static const char head[] =
  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n";
static const char body[] = "{\"online\":true}";
static const char chunked_head[] =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

typedef struct {
  GSocket       *server;
  int            client;
  RtxConnOutput *output;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  f->server = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  g_socket_set_blocking (f->server, FALSE);
  f->client = fds[1];
  f->output = rtx_conn_output_new (f->server);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->output);
  g_socket_close (f->server, NULL);
  g_clear_object (&f->server);
  close (f->client);
}

/* What the client can read now, without waiting. */
static char *
client_receives (Fixture *f)
{
  char buffer[4096];
  ssize_t n = recv (f->client, buffer, sizeof buffer, MSG_DONTWAIT);

  if (n < 0) {
    g_assert_true (errno == EAGAIN || errno == EWOULDBLOCK);
    return g_strdup ("");
  }
  return g_strndup (buffer, n);
}

static void
write_all (Fixture    *f,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->output),
                                                         text, strlen (text), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (n, ==, strlen (text));
}

static void
test_head_goes_with_body (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  write_all (f, head);
  before = client_receives (f);
  g_assert_cmpstr (before, ==, "");

  write_all (f, body);
  after = client_receives (f);
  g_assert_true (g_str_has_prefix (after, head));
  g_assert_cmpstr (after + strlen (head), ==, body);
}

static void
test_head_without_body_goes_before_reading (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(RtxConnInput) input = rtx_conn_input_new (f->server, f->output, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *seen = NULL;
  char buffer[16];

  /* A HEAD, 204 or 304 response: the connection reads the next request after the head. */
  write_all (f, head);
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input),
                                                             buffer, sizeof buffer, NULL,
                                                             &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  seen = client_receives (f);
  g_assert_cmpstr (seen, ==, head);
  rtx_conn_input_stop_watching (input);
}

static void
test_head_without_body_goes_when_waiting (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(RtxConnInput) input = rtx_conn_input_new (f->server, f->output, NULL, NULL);
  g_autoptr(GSource) reader = NULL;
  g_autofree char *seen = NULL;

  write_all (f, head);
  reader = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (input), NULL);
  seen = client_receives (f);
  g_assert_cmpstr (seen, ==, head);
  rtx_conn_input_stop_watching (input);
}

static void
test_head_goes_before_close (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *seen = NULL;

  write_all (f, head);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (f->output), NULL, &error));
  g_assert_no_error (error);
  seen = client_receives (f);
  g_assert_cmpstr (seen, ==, head);
}

static void
test_other_writes_go_at_once (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *streamed = NULL;
  g_autofree char *piece = NULL;

  /* A streamed response's head is not held: its body may come much later. */
  write_all (f, chunked_head);
  streamed = client_receives (f);
  g_assert_cmpstr (streamed, ==, chunked_head);

  write_all (f, body);
  piece = client_receives (f);
  g_assert_cmpstr (piece, ==, body);
}

/* Reads everything the client has, until the server's side is drained. */
static GString *
client_drains (Fixture *f)
{
  GString *all = g_string_new (NULL);
  char buffer[65536];
  ssize_t n;

  while ((n = recv (f->client, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
    g_string_append_len (all, buffer, n);
  return all;
}

static void
test_full_socket (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *filler = g_malloc (65536);
  g_autoptr(GString) first = NULL;
  g_autoptr(GString) rest = NULL;
  g_autoptr(GError) error = NULL;
  gsize queued = 0;
  gssize n;

  /* A client that stopped reading: the socket takes no more. */
  memset (filler, 'x', 65536);
  while ((n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->output),
                                                          filler, 65536, NULL, &error)) > 0)
    queued += n;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  /* The head is held; the body cannot go and says so, as any blocked write does. */
  write_all (f, head);
  n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->output), body,
                                                  strlen (body), NULL, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  /* Once the client reads, the retried body follows the head, in order. */
  first = client_drains (f);
  g_assert_cmpuint (first->len, >=, queued);
  do {
    n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (f->output), body,
                                                    strlen (body), NULL, &error);
    if (n < 0) {
      g_autoptr(GString) more = client_drains (f);

      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
      g_clear_error (&error);
      g_string_append_len (first, more->str, more->len);
    }
  } while (n < 0);
  g_assert_cmpint (n, ==, strlen (body));
  rest = client_drains (f);
  g_string_append_len (first, rest->str, rest->len);
  g_assert_cmpuint (first->len, ==, queued + strlen (head) + strlen (body));
  g_assert_true (memcmp (first->str + queued, head, strlen (head)) == 0);
  g_assert_true (memcmp (first->str + queued + strlen (head), body, strlen (body)) == 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/conn-output/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("head-goes-with-body", test_head_goes_with_body);
  ADD ("head-without-body-goes-before-reading", test_head_without_body_goes_before_reading);
  ADD ("head-without-body-goes-when-waiting", test_head_without_body_goes_when_waiting);
  ADD ("head-goes-before-close", test_head_goes_before_close);
  ADD ("other-writes-go-at-once", test_other_writes_go_at_once);
  ADD ("full-socket", test_full_socket);
#undef ADD

  return g_test_run ();
}
