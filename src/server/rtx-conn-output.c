/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "rtx-conn-output.h"

/**
 * RtxConnOutput:
 *
 * A connection's socket output as libsoup writes it, which sends a response's head and body
 * in one segment. libsoup 3.2 writes the head, then the body, in two send() calls; with
 * TCP_NODELAY each is a segment of its own, and on loopback the sender's CPU also runs the
 * receiver's side of each. So the head of a fixed-length response (one that declares a
 * Content-Length) is held and goes out with the first piece of its body, in one sendmsg().
 *
 * A head whose body never comes (HEAD, 204, 304, or a body of zero bytes) must not wait: it is
 * sent before the connection reads again (RtxConnInput calls rtx_conn_output_send_held()) and
 * before it is closed. Anything else is written through at once.
 */

/* A head larger than this is sent by itself: holding it would save nothing worth a copy. */
#define MAX_HELD 4096

struct _RtxConnOutput {
  GOutputStream  parent_instance;

  GSocket       *socket;
  GByteArray    *held;    /* the head of a response, not sent yet */
  GSource       *retry;   /* sends the rest of `held` once the socket takes it */
};

static void rtx_conn_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RtxConnOutput, rtx_conn_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      rtx_conn_output_pollable_init))

/* The whole head of a response that declares its length, as libsoup writes it in one piece. */
static gboolean
is_fixed_length_head (const guint8 *data,
                      gsize         len)
{
  static const char length_header[] = "\r\nContent-Length: ";

  return len >= 16 && len <= MAX_HELD &&
         memcmp (data, "HTTP/1.", 7) == 0 &&
         memcmp (data + len - 4, "\r\n\r\n", 4) == 0 &&
         memmem (data, len, length_header, sizeof length_header - 1) != NULL;
}

static gssize
would_block (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, g_strerror (EAGAIN));
  return -1;
}

static void
stop_retrying (RtxConnOutput *self)
{
  if (self->retry == NULL)
    return;

  g_source_destroy (self->retry);
  g_clear_pointer (&self->retry, g_source_unref);
}

/* Sends what is held and then @len bytes of @data (which may be none). Returns how many of
 * @data's bytes went out, or -1; the held bytes that went out are dropped from `held`. */
static gssize
send_with_held (RtxConnOutput  *self,
                const void     *data,
                gsize           len,
                gboolean        blocking,
                GCancellable   *cancellable,
                GError        **error)
{
  GOutputVector vectors[2] = {
    { self->held->data, self->held->len },
    { data, len },
  };
  gsize sent = 0;
  GPollableReturn result;

  result = g_socket_send_message_with_timeout (self->socket, NULL, vectors, len > 0 ? 2 : 1,
                                               NULL, 0, 0, blocking ? -1 : 0, &sent,
                                               cancellable, error);
  if (result == G_POLLABLE_RETURN_WOULD_BLOCK)
    return would_block (error);
  if (result != G_POLLABLE_RETURN_OK)
    return -1;

  if (sent < self->held->len) {
    g_byte_array_remove_range (self->held, 0, sent);
    if (len == 0)
      return 0;
    /* The head is not all out: the data waits for the socket like any blocked write. */
    return would_block (error);
  }

  sent -= self->held->len;
  g_byte_array_set_size (self->held, 0);
  return (gssize) sent;
}

static gssize
write_data (RtxConnOutput  *self,
            const void     *buffer,
            gsize           count,
            gboolean        blocking,
            GCancellable   *cancellable,
            GError        **error)
{
  if (self->held->len == 0 && self->retry == NULL && is_fixed_length_head (buffer, count)) {
    g_byte_array_append (self->held, buffer, count);
    return (gssize) count;
  }

  if (self->held->len > 0)
    return send_with_held (self, buffer, count, blocking, cancellable, error);

  return g_socket_send_with_blocking (self->socket, buffer, count, blocking, cancellable, error);
}

static gssize
rtx_conn_output_write (GOutputStream  *stream,
                       const void     *buffer,
                       gsize           count,
                       GCancellable   *cancellable,
                       GError        **error)
{
  return write_data (RTX_CONN_OUTPUT (stream), buffer, count, TRUE, cancellable, error);
}

static gssize
rtx_conn_output_write_nonblocking (GPollableOutputStream  *stream,
                                   const void             *buffer,
                                   gsize                   count,
                                   GError                **error)
{
  return write_data (RTX_CONN_OUTPUT (stream), buffer, count, FALSE, NULL, error);
}

static gboolean
on_writable_cb (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  RtxConnOutput *self = user_data;

  rtx_conn_output_send_held (self);
  if (self->held->len > 0 && (condition & (G_IO_ERR | G_IO_HUP)) == 0)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&self->retry, g_source_unref);
  return G_SOURCE_REMOVE;
}

/**
 * rtx_conn_output_send_held:
 *
 * Sends a held head now, without blocking. What the socket does not take yet is sent when it
 * can, before anything written after it.
 */
void
rtx_conn_output_send_held (RtxConnOutput *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = NULL;

  g_return_if_fail (RTX_IS_CONN_OUTPUT (self));

  if (self->held->len == 0)
    return;

  if (send_with_held (self, NULL, 0, FALSE, NULL, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
    /* The peer is gone; the next read or write says so. */
    g_byte_array_set_size (self->held, 0);
    return;
  }

  if (self->held->len == 0 || self->retry != NULL)
    return;

  self->retry = g_socket_create_source (self->socket, G_IO_OUT, NULL);
  g_source_set_callback (self->retry, (GSourceFunc) (void (*) (void)) on_writable_cb, self,
                         NULL);
  context = g_main_context_ref_thread_default ();
  g_source_attach (self->retry, context);
}

/* A head that is still held when the connection closes goes out first, if the socket takes
 * it; the socket belongs to its GSocketConnection, which closes it. */
static gboolean
rtx_conn_output_close (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  RtxConnOutput *self = RTX_CONN_OUTPUT (stream);

  rtx_conn_output_send_held (self);
  stop_retrying (self);
  g_byte_array_set_size (self->held, 0);
  return TRUE;
}

static gboolean
rtx_conn_output_can_poll (GPollableOutputStream *stream)
{
  return TRUE;
}

static gboolean
rtx_conn_output_is_writable (GPollableOutputStream *stream)
{
  return g_socket_condition_check (RTX_CONN_OUTPUT (stream)->socket, G_IO_OUT) != 0;
}

static GSource *
rtx_conn_output_create_source (GPollableOutputStream *stream,
                               GCancellable          *cancellable)
{
  RtxConnOutput *self = RTX_CONN_OUTPUT (stream);
  g_autoptr(GSource) socket_source = g_socket_create_source (self->socket, G_IO_OUT, NULL);

  return g_pollable_source_new_full (self, socket_source, cancellable);
}

static void
rtx_conn_output_dispose (GObject *object)
{
  stop_retrying (RTX_CONN_OUTPUT (object));

  G_OBJECT_CLASS (rtx_conn_output_parent_class)->dispose (object);
}

static void
rtx_conn_output_finalize (GObject *object)
{
  RtxConnOutput *self = RTX_CONN_OUTPUT (object);

  g_clear_pointer (&self->held, g_byte_array_unref);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (rtx_conn_output_parent_class)->finalize (object);
}

static void
rtx_conn_output_class_init (RtxConnOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->dispose = rtx_conn_output_dispose;
  object_class->finalize = rtx_conn_output_finalize;
  stream_class->write_fn = rtx_conn_output_write;
  stream_class->close_fn = rtx_conn_output_close;
}

static void
rtx_conn_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = rtx_conn_output_can_poll;
  iface->is_writable = rtx_conn_output_is_writable;
  iface->create_source = rtx_conn_output_create_source;
  iface->write_nonblocking = rtx_conn_output_write_nonblocking;
}

static void
rtx_conn_output_init (RtxConnOutput *self)
{
  self->held = g_byte_array_new ();
}

/**
 * rtx_conn_output_new:
 * @socket: the connection's socket
 *
 * Returns: (transfer full): the stream to hand to libsoup
 */
RtxConnOutput *
rtx_conn_output_new (GSocket *socket)
{
  RtxConnOutput *self;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  self = g_object_new (RTX_TYPE_CONN_OUTPUT, NULL);
  self->socket = g_object_ref (socket);
  return self;
}
