/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-conn-input.h"
#include "rtx-conn-output.h"

/**
 * RtxConnInput:
 *
 * A connection's socket input as libsoup reads it: every read goes straight to the socket, and
 * a read that finds the peer gone (end of stream, or a reset) is reported.
 * libsoup 3.2 reads a client's end of stream between requests and then leaves the connection
 * open (in CLOSE-WAIT) for good; seeing that read from here lets the listener close the
 * connection without watching the socket itself.
 *
 * Its sources hold no file descriptor. GLib adds a source's descriptors to the poll set when
 * it is attached and takes them out and back around every dispatch, of the source and of each
 * of its parents, and each change wakes the main loop through its eventfd: libsoup's chain of
 * sources over a socket source cost eight wake-ups (a write and later a read of that eventfd)
 * per request. Instead, the socket is in the poll set once for the connection's life, through
 * a watch source, and a reader's source is ready when the last poll found the socket readable.
 * The watch asks for input only while a reader waits, so unread input (a request waiting
 * behind a slow handler) does not keep the loop spinning; if the peer hangs up while nobody
 * reads, the watch leaves the poll set and the next reader is ready at once, to read the end.
 */
struct _RtxConnInput {
  GInputStream         parent_instance;

  GSocket             *socket;
  RtxConnOutput       *output;      /* nullable; what it holds goes out before each read */
  RtxConnInputGoneFunc  on_gone;
  gpointer             user_data;

  GSource             *watch;       /* holds `poll`; NULL once the socket is not watched */
  GPollFD              poll;        /* events: G_IO_IN while a reader waits, else none */
  guint                n_readers;   /* reader sources alive */
};

typedef struct {
  GSource       source;
  RtxConnInput *stream;   /* not owned: the stream destroys its watch before it goes */
} Watch;

typedef struct {
  GSource       source;
  RtxConnInput *stream;   /* owned */
} Reader;

static void rtx_conn_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RtxConnInput, rtx_conn_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      rtx_conn_input_pollable_init))

/* ---- The watch ------------------------------------------------------------------------- */

/* Readers look at `poll` themselves. The watch is dispatched only for what arrives while no
 * one reads: a hang-up or an error, which poll() reports whatever events were asked. */
static gboolean
watch_check (GSource *source)
{
  RtxConnInput *self = ((Watch *) source)->stream;

  return self->n_readers == 0 && self->poll.revents != 0;
}

static gboolean
watch_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  RtxConnInput *self = ((Watch *) source)->stream;

  if ((self->poll.revents & (G_IO_HUP | G_IO_ERR | G_IO_NVAL)) != 0) {
    /* Reported on every poll until someone reads: out of the poll set, and the next reader
     * finds the end at once. */
    rtx_conn_input_stop_watching (self);
    return G_SOURCE_REMOVE;
  }

  self->poll.events = 0;
  self->poll.revents = 0;
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs watch_funcs = {
  .check = watch_check,
  .dispatch = watch_dispatch,
};

/* ---- Readers --------------------------------------------------------------------------- */

static gboolean
reader_is_ready (RtxConnInput *self)
{
  return self->watch == NULL ||
         (self->poll.revents & (G_IO_IN | G_IO_HUP | G_IO_ERR | G_IO_NVAL)) != 0;
}

static gboolean
reader_prepare (GSource *source,
                gint    *timeout)
{
  *timeout = -1;
  /* Without the watch, nothing would ever make this ready: the read itself tells. */
  return ((Reader *) source)->stream->watch == NULL;
}

static gboolean
reader_check (GSource *source)
{
  return reader_is_ready (((Reader *) source)->stream);
}

static gboolean
reader_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  RtxConnInput *self = ((Reader *) source)->stream;

  /* Taken: a reader made after this read waits for a poll that ran after it. (GLib refreshes
   * revents on every poll that includes the socket; this also covers one that does not.) */
  self->poll.revents = 0;
  if (callback == NULL)
    return G_SOURCE_REMOVE;

  return ((GPollableSourceFunc) (void (*) (void)) callback) (G_OBJECT (self), user_data);
}

static void
reader_finalize (GSource *source)
{
  RtxConnInput *self = ((Reader *) source)->stream;

  if (--self->n_readers == 0)
    self->poll.events = 0;
  g_object_unref (self);
}

/* For g_source_set_closure() and g_source_set_dummy_callback(), which GLib's pollable sources
 * use on the sources they wrap. */
static gboolean
reader_closure_callback (GObject  *stream,
                         gpointer  data)
{
  GClosure *closure = data;
  g_auto(GValue) param = G_VALUE_INIT;
  g_auto(GValue) result = G_VALUE_INIT;

  g_value_init (&result, G_TYPE_BOOLEAN);
  g_value_init (&param, G_TYPE_OBJECT);
  g_value_set_object (&param, stream);
  g_closure_invoke (closure, &result, 1, &param, NULL);
  return g_value_get_boolean (&result);
}

static GSourceFuncs reader_funcs = {
  .prepare = reader_prepare,
  .check = reader_check,
  .dispatch = reader_dispatch,
  .finalize = reader_finalize,
  .closure_callback = (GSourceFunc) (void (*) (void)) reader_closure_callback,
  .closure_marshal = (GSourceDummyMarshal) (void (*) (void)) g_cclosure_marshal_generic,
};

/* ---- The stream ------------------------------------------------------------------------ */

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
  gssize n;
  gboolean gone;

  if (self->output != NULL)
    rtx_conn_output_send_held (self->output);
  n = g_socket_receive_with_blocking (self->socket, buffer, count, blocking, cancellable,
                                      &local_error);
  gone = n == 0 ||
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
  rtx_conn_input_stop_watching (RTX_CONN_INPUT (stream));
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

static GSource *
rtx_conn_input_create_source (GPollableInputStream *stream,
                              GCancellable         *cancellable)
{
  RtxConnInput *self = RTX_CONN_INPUT (stream);
  GSource *source = g_source_new (&reader_funcs, sizeof (Reader));

  /* The connection waits for the client now: a held head must not wait with it. */
  if (self->output != NULL)
    rtx_conn_output_send_held (self->output);
  g_source_set_static_name (source, "RtxConnInput");
  ((Reader *) source)->stream = g_object_ref (self);
  /* The loop is not polling now (this runs on it), so the next poll sees the change. */
  if (self->n_readers++ == 0)
    self->poll.events = G_IO_IN;

  if (cancellable != NULL) {
    g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

    g_source_set_dummy_callback (cancelled);
    g_source_add_child_source (source, cancelled);
  }

  return source;
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
rtx_conn_input_dispose (GObject *object)
{
  rtx_conn_input_stop_watching (RTX_CONN_INPUT (object));

  G_OBJECT_CLASS (rtx_conn_input_parent_class)->dispose (object);
}

static void
rtx_conn_input_finalize (GObject *object)
{
  RtxConnInput *self = RTX_CONN_INPUT (object);

  g_clear_object (&self->socket);
  g_clear_object (&self->output);

  G_OBJECT_CLASS (rtx_conn_input_parent_class)->finalize (object);
}

static void
rtx_conn_input_class_init (RtxConnInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->dispose = rtx_conn_input_dispose;
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
 * @output: (nullable): the connection's output, whose held head is sent before each read
 * @on_gone: called, from inside the read, each time a read finds the peer gone
 *
 * The socket is watched on the thread-default main context, which libsoup's sources for this
 * connection are attached to as well; call this on that context's thread.
 *
 * Returns: (transfer full): the stream to hand to libsoup
 */
RtxConnInput *
rtx_conn_input_new (GSocket              *socket,
                    RtxConnOutput        *output,
                    RtxConnInputGoneFunc  on_gone,
                    gpointer              user_data)
{
  g_autoptr(GMainContext) context = NULL;
  RtxConnInput *self;

  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  self = g_object_new (RTX_TYPE_CONN_INPUT, NULL);
  self->socket = g_object_ref (socket);
  self->output = output != NULL ? g_object_ref (output) : NULL;
  self->on_gone = on_gone;
  self->user_data = user_data;

  self->poll.fd = g_socket_get_fd (socket);
  self->watch = g_source_new (&watch_funcs, sizeof (Watch));
  ((Watch *) self->watch)->stream = self;
  g_source_set_static_name (self->watch, "RtxConnInput watch");
  g_source_add_poll (self->watch, &self->poll);
  context = g_main_context_ref_thread_default ();
  g_source_attach (self->watch, context);
  return self;
}

/**
 * rtx_conn_input_stop_watching:
 *
 * Takes the socket out of the poll set; call it before the socket is closed, since a closed
 * descriptor (or another connection's, reusing its number) must not stay in it. Readers made
 * after this are ready at once. Idempotent.
 */
void
rtx_conn_input_stop_watching (RtxConnInput *self)
{
  GSource *watch;

  g_return_if_fail (RTX_IS_CONN_INPUT (self));

  /* A stolen connection may be closed from a thread (g_io_stream_close_async()). */
  watch = g_atomic_pointer_exchange (&self->watch, NULL);
  if (watch == NULL)
    return;

  g_source_destroy (watch);
  g_source_unref (watch);
}
