/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-conn-input.h"

/**
 * RtxConnInput:
 *
 * A connection's socket input as libsoup reads it: every read goes straight to the socket, and
 * a read that finds the peer gone (end of stream, or a reset) is reported.
 * libsoup 3.2 reads a client's end of stream between requests and then leaves the connection
 * open (in CLOSE-WAIT) for good; seeing that read from here lets the listener close the
 * connection without watching the socket itself, which took a source of its own, two
 * main-loop wake-ups and a peek on every request.
 *
 * It reads the GSocket itself rather than wrapping the socket's GInputStream: each level of
 * pollable source costs two more main-loop wake-ups on every request (GLib blocks and
 * unblocks every source in the chain around each dispatch), so its source is the socket's,
 * wrapped once, as GSocketInputStream's own is.
 */
struct _RtxConnInput {
  GInputStream         parent_instance;

  GSocket             *socket;
  RtxConnInputGoneFunc  on_gone;
  gpointer             user_data;
};

static void rtx_conn_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RtxConnInput, rtx_conn_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      rtx_conn_input_pollable_init))

/* Reads the socket. The end of the stream, or an error that ends it (a reset: a client that
 * closes with part of a response unread resets the connection), means the peer is gone. */
static gssize
receive (RtxConnInput  *self,
         void          *buffer,
         gsize          count,
         gboolean       blocking,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n = g_socket_receive_with_blocking (self->socket, buffer, count, blocking, cancellable,
                                             &local_error);
  gboolean gone = n == 0 ||
                  (n < 0 &&
                   !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) &&
                   !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED));

  if (gone && self->on_gone != NULL)
    self->on_gone (self->user_data);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return n;
}

static gssize
rtx_conn_input_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return receive (RTX_CONN_INPUT (stream), buffer, count, TRUE, cancellable, error);
}

/* The socket belongs to its GSocketConnection, which closes it. */
static gboolean
rtx_conn_input_close (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return TRUE;
}

static gboolean
rtx_conn_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
rtx_conn_input_is_readable (GPollableInputStream *stream)
{
  return g_socket_condition_check (RTX_CONN_INPUT (stream)->socket, G_IO_IN) != 0;
}

/* The socket's own source, wrapped so that its callback is given this stream. */
static GSource *
rtx_conn_input_create_source (GPollableInputStream *stream,
                              GCancellable         *cancellable)
{
  RtxConnInput *self = RTX_CONN_INPUT (stream);
  g_autoptr(GSource) socket_source = g_socket_create_source (self->socket, G_IO_IN, NULL);

  return g_pollable_source_new_full (self, socket_source, cancellable);
}

static gssize
rtx_conn_input_read_nonblocking (GPollableInputStream  *stream,
                                 void                  *buffer,
                                 gsize                  count,
                                 GError               **error)
{
  return receive (RTX_CONN_INPUT (stream), buffer, count, FALSE, NULL, error);
}

static void
rtx_conn_input_finalize (GObject *object)
{
  RtxConnInput *self = RTX_CONN_INPUT (object);

  g_clear_object (&self->socket);

  G_OBJECT_CLASS (rtx_conn_input_parent_class)->finalize (object);
}

static void
rtx_conn_input_class_init (RtxConnInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = rtx_conn_input_finalize;
  stream_class->read_fn = rtx_conn_input_read;
  stream_class->close_fn = rtx_conn_input_close;
}

static void
rtx_conn_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = rtx_conn_input_can_poll;
  iface->is_readable = rtx_conn_input_is_readable;
  iface->create_source = rtx_conn_input_create_source;
  iface->read_nonblocking = rtx_conn_input_read_nonblocking;
}

static void
rtx_conn_input_init (RtxConnInput *self)
{
}

/**
 * rtx_conn_input_new:
 * @socket: the connection's socket
 * @on_gone: called, from inside the read, each time a read finds the peer gone
 *
 * Returns: (transfer full): the stream to hand to libsoup
 */
RtxConnInput *
rtx_conn_input_new (GSocket              *socket,
                    RtxConnInputGoneFunc  on_gone,
                    gpointer              user_data)
{
  RtxConnInput *self;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  self = g_object_new (RTX_TYPE_CONN_INPUT, NULL);
  self->socket = g_object_ref (socket);
  self->on_gone = on_gone;
  self->user_data = user_data;
  return self;
}
