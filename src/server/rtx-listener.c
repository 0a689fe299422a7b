/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>

#include "rtx-conn-input.h"
#include "rtx-listener.h"

/**
 * RtxListener:
 *
 * The server's own accept loop. libsoup 3.2's listener drops its accept source for good after
 * one failed accept (EMFILE), caps nothing and has no timeouts (security-reliability.md §0.1,
 * §0.2); so the runtime accepts connections itself and hands each one to
 * soup_server_accept_iostream(). It keeps at most max-connections open, backs off for a
 * moment when accept() fails, and closes connections whose request headers do not arrive in
 * time or that sit idle. When it is full and clients wait, the connection that has waited
 * longest without a request being served (silent, trickling headers, or idle between
 * requests) is closed to make room, so a flood of idle connections cannot lock anyone out;
 * connections whose request is being served are never closed for room.
 */

/* After a failed accept (out of descriptors), accepting pauses this long. */
#define ACCEPT_BACKOFF_MS 100
/* Accepts per wake-up, so that a flood cannot starve the requests already in. */
#define ACCEPT_BATCH 32

typedef struct _Conn Conn;

typedef enum {
  CONN_WAITING,   /* accepted, or between requests: no request being served */
  CONN_SERVING,   /* headers in: the body, the handler or the response is under way */
} ConnState;

struct _RtxListener {
  GObject      parent_instance;

  SoupServer  *server;
  GPtrArray   *sockets;       /* GSocket, listening */
  GPtrArray   *sources;       /* accept GSources while accepting, else empty */
  GSocket     *placeholder;   /* see add_placeholder() */
  GHashTable  *conns;         /* Conn set */
  guint        max_connections;
  guint        backoff_id;
  guint        sweep_id;      /* while there are connections: see sweep_deadlines_cb() */
  guint64      accept_failures;
  guint64      evictions;
  gulong       finished_id;
  gulong       aborted_id;
  gboolean     closed;
};

struct _Conn {
  RtxListener       *listener;
  GSocketConnection *stream;    /* owned by its RtxConnStream, which outlives this */
  GIOStream         *wrapper;   /* that RtxConnStream, as libsoup holds it (not owned) */
  GSocketAddress    *remote;    /* the address libsoup reports for every message of this conn */
  gint64             deadline;  /* monotonic µs; 0: none */
  ConnState          state;
  gint64             waiting_since;
};

G_DEFINE_FINAL_TYPE (RtxListener, rtx_listener, G_TYPE_OBJECT)

static GQuark conn_quark;

static void start_accepting (RtxListener *self);
static void conn_closed     (Conn        *conn);

/* ---- The stream libsoup gets ------------------------------------------------------------- */

/* A connection's socket stream, as handed to libsoup, that says when libsoup closes it: a
 * connection's slot is free as soon as its socket is closed, however long libsoup's objects
 * (a message a handler still holds, say) outlive it. */
#define RTX_TYPE_CONN_STREAM (rtx_conn_stream_get_type ())
G_DECLARE_FINAL_TYPE (RtxConnStream, rtx_conn_stream, RTX, CONN_STREAM, GIOStream)

struct _RtxConnStream {
  GIOStream          parent_instance;

  GSocketConnection *base;
  GInputStream      *input;   /* the base's input, as an RtxConnInput */
  GOutputStream     *output;  /* the base's output, as an RtxConnOutput */
  Conn              *conn;    /* until closed */
  guint              close_id;
};

G_DEFINE_FINAL_TYPE (RtxConnStream, rtx_conn_stream, G_TYPE_IO_STREAM)

static void conn_close (Conn *conn);

static GInputStream *
rtx_conn_stream_get_input_stream (GIOStream *stream)
{
  return RTX_CONN_STREAM (stream)->input;
}

static GOutputStream *
rtx_conn_stream_get_output_stream (GIOStream *stream)
{
  return RTX_CONN_STREAM (stream)->output;
}

/* A held head goes out, and the socket leaves the poll set, before it is closed. */
static gboolean
close_socket (RtxConnStream  *self,
              GCancellable   *cancellable,
              GError        **error)
{
  g_output_stream_close (self->output, NULL, NULL);
  rtx_conn_input_stop_watching (RTX_CONN_INPUT (self->input));
  return g_io_stream_close (G_IO_STREAM (self->base), cancellable, error);
}

static gboolean
rtx_conn_stream_close (GIOStream     *stream,
                       GCancellable  *cancellable,
                       GError       **error)
{
  RtxConnStream *self = RTX_CONN_STREAM (stream);
  Conn *conn = g_steal_pointer (&self->conn);
  gboolean ok = close_socket (self, cancellable, error);

  if (conn != NULL)
    conn_closed (conn);
  return ok;
}

static void
rtx_conn_stream_dispose (GObject *object)
{
  RtxConnStream *self = RTX_CONN_STREAM (object);
  Conn *conn = g_steal_pointer (&self->conn);

  /* Dropped without being closed (libsoup refused it): the slot is free all the same. */
  if (conn != NULL) {
    close_socket (self, NULL, NULL);
    conn_closed (conn);
  }
  g_clear_handle_id (&self->close_id, g_source_remove);
  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (rtx_conn_stream_parent_class)->dispose (object);
}

static void
rtx_conn_stream_class_init (RtxConnStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = rtx_conn_stream_dispose;
  stream_class->get_input_stream = rtx_conn_stream_get_input_stream;
  stream_class->get_output_stream = rtx_conn_stream_get_output_stream;
  stream_class->close_fn = rtx_conn_stream_close;
}

static void
rtx_conn_stream_init (RtxConnStream *self)
{
}

/* ---- Connections ------------------------------------------------------------------------- */

/* Closes the connection now, whatever libsoup holds: the socket goes and the slot frees. */
static void
conn_close (Conn *conn)
{
  g_io_stream_close (conn->wrapper, NULL, NULL);
}

static gboolean
on_close_idle_cb (gpointer user_data)
{
  RtxConnStream *stream = user_data;

  stream->close_id = 0;
  if (stream->conn != NULL && stream->conn->state == CONN_WAITING)
    conn_close (stream->conn);
  return G_SOURCE_REMOVE;
}

/* libsoup 3.2 reads a client's end of stream between requests and then does nothing: the
 * socket would stay in CLOSE-WAIT for good (a bare soup_server_listen_socket() server does
 * the same), and every connection a client closes would keep a descriptor and a slot. So
 * when libsoup's read finds the end while no request is being served, the connection is
 * closed, once libsoup's read has returned. A client that half-closes after sending its
 * request still gets its response. */
static void
on_input_gone (gpointer user_data)
{
  RtxConnStream *stream = user_data;

  if (stream->conn == NULL || stream->conn->state != CONN_WAITING || stream->close_id != 0)
    return;

  stream->close_id = g_idle_add_full (G_PRIORITY_DEFAULT, on_close_idle_cb,
                                      g_object_ref (stream), g_object_unref);
}

/* A deadline is a number on the connection, moved on every request at no cost; one timer for
 * the whole listener, once a second while there are connections, closes those past theirs.
 * (A GSource per connection made every main-loop iteration prepare and check one more source
 * per open connection, and moving its ready time woke the loop.) A connection with no request
 * being served is closed outright. One whose request is under way is shut down: libsoup's
 * pending read or write fails, it ends the request, and the connection, waiting again, is
 * closed when its end of stream is seen. */
static gboolean
sweep_deadlines_cb (gpointer user_data)
{
  RtxListener *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) expired = g_ptr_array_new ();
  GHashTableIter iter;
  Conn *conn;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *) &conn, NULL))
    if (conn->deadline != 0 && now >= conn->deadline)
      g_ptr_array_add (expired, conn);

  /* Closed after the walk, which closing changes. */
  for (guint i = 0; i < expired->len; i++) {
    conn = g_ptr_array_index (expired, i);
    g_debug ("Closing a connection that was too slow or idle too long");
    conn->deadline = 0;
    if (conn->state == CONN_WAITING)
      conn_close (conn);
    else
      g_socket_shutdown (g_socket_connection_get_socket (conn->stream), TRUE, TRUE, NULL);
  }

  if (g_hash_table_size (self->conns) > 0)
    return G_SOURCE_CONTINUE;
  self->sweep_id = 0;
  return G_SOURCE_REMOVE;
}

static void
start_sweeping (RtxListener *self)
{
  if (self->sweep_id == 0 && !self->closed)
    self->sweep_id = g_timeout_add_seconds (1, sweep_deadlines_cb, self);
}

static void
conn_arm (Conn *conn,
          guint seconds)
{
  conn->deadline = seconds == 0 ? 0
                   : g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
}

static void
conn_free (Conn *conn)
{
  g_object_set_qdata (G_OBJECT (conn->remote), conn_quark, NULL);
  g_object_unref (conn->remote);
  g_free (conn);
}

/* libsoup closes the stream when the connection is over, whoever ended it. */
static void
conn_closed (Conn *conn)
{
  RtxListener *self = conn->listener;

  if (self != NULL) {
    gboolean was_full = g_hash_table_size (self->conns) >= self->max_connections;

    g_hash_table_remove (self->conns, conn);
    if (was_full && self->backoff_id == 0 && !self->closed)
      start_accepting (self);
  }

  conn_free (conn);
}

static Conn *
conn_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_object_get_qdata (G_OBJECT (remote), conn_quark) : NULL;
}

/* A body that keeps coming keeps its connection; one that stalls does not. */
static void
on_got_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 gpointer           user_data)
{
  Conn *conn = conn_for_message (msg);

  if (conn != NULL)
    conn_arm (conn, RTX_LISTENER_BODY_TIMEOUT_SEC);
}

/* Full, with clients in the backlog: closes connections that hold a slot without a request
 * being served, so that the clients waiting get in. Those that have waited a second or more
 * go by the batch (a flood of silent connections clears fast); when there are none, the one
 * that has waited longest. They are closed after the walk, which closing changes. */
static void
evict_waiting (RtxListener *self)
{
  gint64 stale = g_get_monotonic_time () - G_USEC_PER_SEC;
  g_autoptr(GPtrArray) victims = g_ptr_array_new ();
  GHashTableIter iter;
  Conn *conn, *oldest = NULL;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *) &conn, NULL)) {
    if (conn->state != CONN_WAITING)
      continue;
    if (conn->waiting_since < stale && victims->len < ACCEPT_BATCH)
      g_ptr_array_add (victims, conn);
    else if (oldest == NULL || conn->waiting_since < oldest->waiting_since)
      oldest = conn;
  }

  if (victims->len == 0 && oldest != NULL)
    g_ptr_array_add (victims, oldest);

  self->evictions += victims->len;
  for (guint i = 0; i < victims->len; i++)
    conn_close (g_ptr_array_index (victims, i));
}

static void
on_request_done_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  Conn *conn = conn_for_message (msg);

  if (conn == NULL)
    return;

  conn->state = CONN_WAITING;
  conn->waiting_since = g_get_monotonic_time ();
  conn_arm (conn, RTX_LISTENER_IDLE_TIMEOUT_SEC);
}

static void
accept_client (RtxListener *self,
               GSocket     *client)
{
  g_autoptr(RtxConnStream) stream = NULL;
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (client, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (client, NULL);
  g_autoptr(GError) error = NULL;
  Conn *conn;

  if (local == NULL || remote == NULL) {
    g_socket_close (client, NULL);
    return;
  }

  g_socket_set_option (client, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  stream = g_object_new (RTX_TYPE_CONN_STREAM, NULL);
  stream->base = g_socket_connection_factory_create_connection (client);
  stream->output = G_OUTPUT_STREAM (rtx_conn_output_new (client));
  stream->input = G_INPUT_STREAM (rtx_conn_input_new (client, RTX_CONN_OUTPUT (stream->output),
                                                      on_input_gone, stream));

  conn = g_new0 (Conn, 1);
  conn->listener = self;
  conn->stream = stream->base;
  conn->remote = g_object_ref (remote);
  conn->state = CONN_WAITING;
  conn->waiting_since = g_get_monotonic_time ();
  conn_arm (conn, RTX_LISTENER_HEADER_TIMEOUT_SEC);

  g_object_set_qdata (G_OBJECT (remote), conn_quark, conn);
  conn->wrapper = G_IO_STREAM (stream);
  stream->conn = conn;
  g_hash_table_add (self->conns, conn);
  start_sweeping (self);

  if (!soup_server_accept_iostream (self->server, G_IO_STREAM (stream), local, remote, &error))
    g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
}

/* ---- Accepting --------------------------------------------------------------------------- */

static void
stop_accepting (RtxListener *self)
{
  for (guint i = 0; i < self->sources->len; i++)
    g_source_destroy (g_ptr_array_index (self->sources, i));
  g_ptr_array_set_size (self->sources, 0);
}

static gboolean
on_backoff_done_cb (gpointer user_data)
{
  RtxListener *self = user_data;

  self->backoff_id = 0;
  start_accepting (self);
  return G_SOURCE_REMOVE;
}

/* Out of descriptors (or another transient failure): the pending client stays in the
 * backlog, and accepting resumes shortly, when connections may have closed. */
static void
back_off (RtxListener  *self,
          const GError *error)
{
  if (self->accept_failures++ % 1000 == 0)
    g_message ("Cannot accept connections for now (%s); retrying in %u ms",
               error->message, ACCEPT_BACKOFF_MS);

  stop_accepting (self);
  if (self->backoff_id == 0)
    self->backoff_id = g_timeout_add (ACCEPT_BACKOFF_MS, on_backoff_done_cb, self);
}

static gboolean
on_incoming_cb (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  RtxListener *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) client = NULL;

    if (g_hash_table_size (self->conns) >= self->max_connections) {
      /* Full after this batch: if a client waits, the source fires again at once. */
      if (i > 0)
        return G_SOURCE_CONTINUE;

      /* Full, and a client waits in the backlog: it is taken in when a connection closes,
       * and one that holds a slot without being served is closed now (which starts
       * accepting again, so accepting stops first). */
      stop_accepting (self);
      evict_waiting (self);
      return G_SOURCE_REMOVE;
    }

    client = g_socket_accept (socket, NULL, &error);
    if (client == NULL) {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      back_off (self, error);
      return G_SOURCE_REMOVE;
    }

    accept_client (self, client);
  }

  return G_SOURCE_CONTINUE;
}

static void
start_accepting (RtxListener *self)
{
  if (self->sources->len > 0 || self->closed ||
      g_hash_table_size (self->conns) >= self->max_connections)
    return;

  for (guint i = 0; i < self->sockets->len; i++) {
    GSource *source = g_socket_create_source (g_ptr_array_index (self->sockets, i), G_IO_IN,
                                              NULL);

    g_source_set_static_name (source, "[rtx] accept");
    g_source_set_callback (source, G_SOURCE_FUNC (on_incoming_cb), self, NULL);
    g_source_attach (source, g_main_context_get_thread_default ());
    g_ptr_array_add (self->sources, source);
  }
}

/* libsoup keeps connections alive only while it has a listener of its own (request_finished
 * in soup-server.c checks priv->listeners). It gets one that nobody can reach: a Unix socket
 * whose path is removed as soon as it listens. */
static gboolean
add_placeholder (RtxListener  *self,
                 GError      **error)
{
  g_autofree char *dir = g_dir_make_tmp ("rtx-listener-XXXXXX", error);
  g_autofree char *path = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  gboolean ok;

  if (dir == NULL)
    return FALSE;

  path = g_build_filename (dir, "unreachable", NULL);
  address = g_unix_socket_address_new (path);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         error);
  ok = socket != NULL &&
       g_socket_bind (socket, address, FALSE, error) &&
       g_socket_listen (socket, error);

  g_unlink (path);
  g_rmdir (dir);

  if (!ok || !soup_server_listen_socket (self->server, socket, 0, error))
    return FALSE;

  self->placeholder = g_steal_pointer (&socket);
  return TRUE;
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
rtx_listener_dispose (GObject *object)
{
  RtxListener *self = (RtxListener *) object;

  rtx_listener_close (self);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (rtx_listener_parent_class)->dispose (object);
}

static void
rtx_listener_finalize (GObject *object)
{
  RtxListener *self = (RtxListener *) object;

  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->conns, g_hash_table_unref);

  G_OBJECT_CLASS (rtx_listener_parent_class)->finalize (object);
}

static void
rtx_listener_class_init (RtxListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rtx_listener_dispose;
  object_class->finalize = rtx_listener_finalize;

  conn_quark = g_quark_from_static_string ("rtx-listener-conn");
}

static void
rtx_listener_init (RtxListener *self)
{
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->conns = g_hash_table_new (NULL, NULL);
}

/* ---- Public API -------------------------------------------------------------------------- */

/**
 * rtx_listener_new:
 * @server: the server that serves the connections
 * @sockets: (element-type GSocket): listening sockets
 * @max_connections: how many connections may be open at once
 * @error: return location for an error
 *
 * Starts accepting on @sockets, on the thread-default main context.
 *
 * Returns: (transfer full): a listener, or %NULL with @error set
 */
RtxListener *
rtx_listener_new (SoupServer  *server,
                  GPtrArray   *sockets,
                  guint        max_connections,
                  GError     **error)
{
  g_autoptr(RtxListener) self = NULL;

  g_return_val_if_fail (SOUP_IS_SERVER (server), NULL);
  g_return_val_if_fail (sockets != NULL && sockets->len > 0, NULL);
  g_return_val_if_fail (max_connections > 0, NULL);

  self = g_object_new (RTX_TYPE_LISTENER, NULL);
  self->server = g_object_ref (server);
  self->max_connections = max_connections;
  for (guint i = 0; i < sockets->len; i++) {
    GSocket *socket = g_ptr_array_index (sockets, i);

    g_socket_set_blocking (socket, FALSE);
    g_ptr_array_add (self->sockets, g_object_ref (socket));
  }

  if (!add_placeholder (self, error))
    return NULL;

  /* The first request of a connection keeps the deadline set at accept, so trickling headers
   * never buys time; later ones run under the idle deadline set when the previous one
   * finished. Each signal handler here costs every request an emission, so the server calls
   * rtx_listener_got_headers() and rtx_listener_request_read() itself. */
  self->finished_id = g_signal_connect (server, "request-finished",
                                        G_CALLBACK (on_request_done_cb), self);
  self->aborted_id = g_signal_connect (server, "request-aborted",
                                       G_CALLBACK (on_request_done_cb), self);

  start_accepting (self);
  return g_steal_pointer (&self);
}

/**
 * rtx_listener_close:
 * @self: a listener
 *
 * Stops accepting and closes the listening sockets. Open connections are the server's to
 * close (soup_server_disconnect()); their deadlines are dropped here.
 */
void
rtx_listener_close (RtxListener *self)
{
  GHashTableIter iter;
  Conn *conn;

  g_return_if_fail (RTX_IS_LISTENER (self));

  if (self->closed)
    return;
  self->closed = TRUE;

  stop_accepting (self);
  g_clear_handle_id (&self->backoff_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  for (guint i = 0; i < self->sockets->len; i++)
    g_socket_close (g_ptr_array_index (self->sockets, i), NULL);
  if (self->placeholder != NULL)
    g_socket_close (self->placeholder, NULL);
  g_clear_object (&self->placeholder);

  g_clear_signal_handler (&self->finished_id, self->server);
  g_clear_signal_handler (&self->aborted_id, self->server);

  /* Connections that outlive the listener free their own record when libsoup closes them. */
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *) &conn, NULL)) {
    conn->listener = NULL;
    conn_arm (conn, 0);
  }
  g_hash_table_remove_all (self->conns);
}

/**
 * rtx_listener_got_headers:
 * @self: a listener
 * @msg: a request whose headers have just been read (from an early handler)
 *
 * The request is being served from now on: it is never closed for room, and its body must
 * keep coming. The server calls this from its early handler (libsoup's got-headers), for
 * every request.
 */
void
rtx_listener_got_headers (RtxListener       *self,
                          SoupServerMessage *msg)
{
  Conn *conn = conn_for_message (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (conn == NULL)
    return;

  conn->state = CONN_SERVING;
  conn_arm (conn, RTX_LISTENER_BODY_TIMEOUT_SEC);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED ||
      soup_message_headers_get_content_length (headers) > 0)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb), NULL);
}

/**
 * rtx_listener_request_read:
 * @self: a listener
 * @msg: a request whose body has been read (from the server's handler)
 *
 * The handler runs and the response is written with no deadline: streams may be long.
 */
void
rtx_listener_request_read (RtxListener       *self,
                           SoupServerMessage *msg)
{
  Conn *conn = conn_for_message (msg);

  if (conn != NULL)
    conn_arm (conn, 0);
}

/**
 * rtx_listener_get_message_socket:
 * @msg: a request
 *
 * The socket a request came on. soup_server_message_get_socket() has none for connections
 * handed over with soup_server_accept_iostream(), as the listener's are.
 *
 * Returns: (transfer none) (nullable): the socket, or %NULL once the connection is closed
 */
GSocket *
rtx_listener_get_message_socket (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Conn *conn;

  if (socket != NULL)
    return socket;

  conn = conn_for_message (msg);
  return conn != NULL ? g_socket_connection_get_socket (conn->stream) : NULL;
}

/**
 * rtx_listener_get_sockets:
 * @self: a listener
 *
 * Returns: (transfer container) (element-type GSocket): the listening sockets
 */
GSList *
rtx_listener_get_sockets (RtxListener *self)
{
  GSList *list = NULL;

  g_return_val_if_fail (RTX_IS_LISTENER (self), NULL);

  for (guint i = self->sockets->len; i > 0; i--)
    list = g_slist_prepend (list, g_ptr_array_index (self->sockets, i - 1));

  return list;
}

guint
rtx_listener_get_n_connections (RtxListener *self)
{
  g_return_val_if_fail (RTX_IS_LISTENER (self), 0);

  return g_hash_table_size (self->conns);
}

guint
rtx_listener_get_max_connections (RtxListener *self)
{
  g_return_val_if_fail (RTX_IS_LISTENER (self), 0);

  return self->max_connections;
}

/* How many connections were closed to make room for waiting clients. */
guint64
rtx_listener_get_evictions (RtxListener *self)
{
  g_return_val_if_fail (RTX_IS_LISTENER (self), 0);

  return self->evictions;
}

guint64
rtx_listener_get_accept_failures (RtxListener *self)
{
  g_return_val_if_fail (RTX_IS_LISTENER (self), 0);

  return self->accept_failures;
}
