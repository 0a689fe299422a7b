/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include "rtx-conn-input.h"

/* RtxConnInput over one end of a socket pair, the other end playing the client, on a main
 * context of the test's own. What a user would notice is checked: a reader is woken by input
 * and only then, the loop does not spin on input nobody reads or on a peer gone while nobody
 * reads, and the read after a hang-up reports the peer gone. */

typedef struct {
  GMainContext *context;
  GSocket      *server;
  int           client;
  RtxConnInput *input;
  guint         gone;
  guint         woken;
} Fixture;

static void
on_gone (gpointer user_data)
{
  ((Fixture *) user_data)->gone++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->server = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  g_socket_set_blocking (f->server, FALSE);
  f->client = fds[1];
  f->input = rtx_conn_input_new (f->server, NULL, on_gone, f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->input);
  g_socket_close (f->server, NULL);
  g_clear_object (&f->server);
  if (f->client >= 0)
    close (f->client);
  /* Nothing of the stream may be left on the context. */
  g_assert_false (g_main_context_iteration (f->context, FALSE));
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* Runs the loop without blocking until nothing is dispatched; returns how many iterations
 * dispatched something. A source that is ready for ever makes this fail rather than hang. */
static guint
run_until_idle (Fixture *f)
{
  guint busy = 0;

  while (g_main_context_iteration (f->context, FALSE)) {
    busy++;
    g_assert_cmpuint (busy, <, 100);
  }

  return busy;
}

static gboolean
on_readable (GObject  *stream,
             gpointer  user_data)
{
  ((Fixture *) user_data)->woken++;
  return G_SOURCE_REMOVE;
}

static GSource *
add_reader (Fixture *f)
{
  GSource *source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (f->input),
                                                           NULL);

  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) on_readable, f, NULL);
  g_source_attach (source, f->context);
  return source;
}

static gssize
read_some (Fixture *f,
           char    *buffer,
           gsize    size)
{
  g_autoptr(GError) error = NULL;
  gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (f->input),
                                                       buffer, size, NULL, &error);

  if (n < 0)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  return n;
}

static void
test_reader_woken_by_input (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GSource) reader = add_reader (f);
  char buffer[16];

  /* No input: the reader waits. */
  g_assert_cmpuint (run_until_idle (f), ==, 0);
  g_assert_cmpuint (f->woken, ==, 0);

  g_assert_cmpint (write (f->client, "GET", 3), ==, 3);
  g_main_context_iteration (f->context, TRUE);
  g_assert_cmpuint (f->woken, ==, 1);
  g_assert_cmpint (read_some (f, buffer, sizeof buffer), ==, 3);

  /* A reader made after the read waits for new input, not the poll that woke the last one. */
  {
    g_autoptr(GSource) again = add_reader (f);

    g_assert_cmpuint (run_until_idle (f), ==, 0);
    g_assert_cmpuint (f->woken, ==, 1);
    g_assert_cmpint (write (f->client, "x", 1), ==, 1);
    g_main_context_iteration (f->context, TRUE);
    g_assert_cmpuint (f->woken, ==, 2);
    g_assert_cmpint (read_some (f, buffer, sizeof buffer), ==, 1);
  }

  g_assert_cmpuint (f->gone, ==, 0);
}

static void
test_unread_input_does_not_spin (Fixture       *f,
                                 gconstpointer  data)
{
  char buffer[16];

  /* Input arrives while a handler works and nobody reads: the loop stays asleep. */
  g_assert_cmpint (write (f->client, "pipelined", 9), ==, 9);
  g_assert_cmpuint (run_until_idle (f), ==, 0);

  /* The next reader finds it at once. */
  {
    g_autoptr(GSource) reader = add_reader (f);

    g_main_context_iteration (f->context, TRUE);
    g_assert_cmpuint (f->woken, ==, 1);
    g_assert_cmpint (read_some (f, buffer, sizeof buffer), ==, 9);
  }
}

static void
test_hang_up_while_nobody_reads (Fixture       *f,
                                 gconstpointer  data)
{
  char buffer[16];

  g_assert_cmpint (write (f->client, "bye", 3), ==, 3);
  close (f->client);
  f->client = -1;

  /* The hang-up is taken in (the watch leaves the poll set) and then the loop is quiet. */
  g_assert_cmpuint (run_until_idle (f), <=, 1);
  g_assert_cmpuint (run_until_idle (f), ==, 0);
  g_assert_cmpuint (f->gone, ==, 0);

  /* The next reader is ready at once and reads what was left, then the end. */
  {
    g_autoptr(GSource) reader = add_reader (f);

    g_assert_cmpuint (run_until_idle (f), ==, 1);
    g_assert_cmpuint (f->woken, ==, 1);
    g_assert_cmpint (read_some (f, buffer, sizeof buffer), ==, 3);
    g_assert_cmpint (read_some (f, buffer, sizeof buffer), ==, 0);
    g_assert_cmpuint (f->gone, ==, 1);
  }
}

static void
test_hang_up_wakes_reader (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GSource) reader = add_reader (f);
  char buffer[16];

  close (f->client);
  f->client = -1;
  g_main_context_iteration (f->context, TRUE);
  g_assert_cmpuint (f->woken, ==, 1);
  g_assert_cmpint (read_some (f, buffer, sizeof buffer), ==, 0);
  g_assert_cmpuint (f->gone, ==, 1);
}

static void
test_stop_watching (Fixture       *f,
                    gconstpointer  data)
{
  char buffer[16];

  /* Before its socket closes the stream leaves the poll set; a reader then reads at once. */
  rtx_conn_input_stop_watching (f->input);
  rtx_conn_input_stop_watching (f->input);
  g_assert_cmpint (write (f->client, "late", 4), ==, 4);
  {
    g_autoptr(GSource) reader = add_reader (f);

    g_assert_cmpuint (run_until_idle (f), ==, 1);
    g_assert_cmpint (read_some (f, buffer, sizeof buffer), ==, 4);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/conn-input/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("reader-woken-by-input", test_reader_woken_by_input);
  ADD ("unread-input-does-not-spin", test_unread_input_does_not_spin);
  ADD ("hang-up-while-nobody-reads", test_hang_up_while_nobody_reads);
  ADD ("hang-up-wakes-reader", test_hang_up_wakes_reader);
  ADD ("stop-watching", test_stop_watching);
#undef ADD

  return g_test_run ();
}
