/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "rtx-event-stream.h"
#include "rtx-json-text.h"
#include "rtx-json.h"
#include "rtx-listener.h"

/**
 * RtxEventStream:
 *
 * A Server-Sent Events response on a libsoup 3.2 server message: status 200, chunked, the
 * response body's accumulation off (so a long stream holds no copy of what was sent), each
 * event appended and the message unpaused. A heartbeat comment goes out when the stream is
 * idle. When the message finishes before the stream is closed (the client went away), the
 * stream's #GCancellable is cancelled, which cancels the upstream model call.
 *
 * Events sent during one main loop iteration (e.g. every token parsed from one upstream read)
 * go out as one chunk, and the socket has TCP_NODELAY: small writes of a stream must not wait
 * for the client's delayed ACK (about 40 ms on Linux). libsoup writes a chunk in three pieces
 * (size line, data, CRLF); the socket is corked while it does, so that a chunk leaves as one
 * TCP segment rather than three (on loopback each segment costs both ends a wake-up).
 */
/* Events closer together than this are written together. */
#define COALESCE_USEC 1000

struct _RtxEventStream {
  GObject            parent_instance;

  SoupServerMessage *msg;
  GCancellable      *cancellable;
  gulong             finished_id;
  guint              heartbeat_id;
  gboolean           open;
  gint64             last_write_us;
  guint              heartbeat_sec;
  GString           *pending;
  GSource           *flush_source;
  GSocket           *tcp_socket;    /* NULL unless TCP (corking applies) */
  gulong             wrote_chunk_id;
  gboolean           corked;
};

G_DEFINE_FINAL_TYPE (RtxEventStream, rtx_event_stream, G_TYPE_OBJECT)

static void
set_cork (RtxEventStream *self,
          gboolean        cork)
{
  if (self->tcp_socket == NULL || self->corked == cork)
    return;
  g_socket_set_option (self->tcp_socket, IPPROTO_TCP, TCP_CORK, cork, NULL);
  self->corked = cork;
}

static void
stop_watching (RtxEventStream *self)
{
  if (self->flush_source != NULL) {
    g_source_destroy (self->flush_source);
    g_clear_pointer (&self->flush_source, g_source_unref);
  }
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  if (self->msg != NULL && self->finished_id != 0) {
    g_signal_handler_disconnect (self->msg, self->finished_id);
    self->finished_id = 0;
  }
}

/* Never leaves a connection corked: it may serve the next request (keep-alive). */
static void
stop_corking (RtxEventStream *self)
{
  set_cork (self, FALSE);
  if (self->msg != NULL && self->wrote_chunk_id != 0) {
    g_signal_handler_disconnect (self->msg, self->wrote_chunk_id);
    self->wrote_chunk_id = 0;
  }
  g_clear_object (&self->tcp_socket);
}

static void
rtx_event_stream_dispose (GObject *object)
{
  RtxEventStream *self = (RtxEventStream *) object;

  stop_watching (self);
  stop_corking (self);
  g_clear_object (&self->msg);
  g_clear_object (&self->cancellable);
  if (self->pending != NULL) {
    g_string_free (self->pending, TRUE);
    self->pending = NULL;
  }

  G_OBJECT_CLASS (rtx_event_stream_parent_class)->dispose (object);
}

static void
rtx_event_stream_class_init (RtxEventStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_event_stream_dispose;
}

static void
rtx_event_stream_init (RtxEventStream *self)
{
  self->cancellable = g_cancellable_new ();
  self->pending = g_string_new (NULL);
}

static void
on_finished_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  RtxEventStream *self = user_data;

  /* Finished before we closed: the connection is gone. */
  self->open = FALSE;
  stop_watching (self);
  stop_corking (self);
  g_cancellable_cancel (self->cancellable);
}

static void
flush (RtxEventStream *self)
{
  SoupMessageBody *body = soup_server_message_get_response_body (self->msg);
  gsize length = self->pending->len;

  if (length == 0)
    return;
  set_cork (self, TRUE);
  soup_message_body_append (body, SOUP_MEMORY_TAKE, g_string_free (self->pending, FALSE), length);
  self->pending = g_string_new (NULL);
  soup_server_message_unpause (self->msg);
  self->last_write_us = g_get_monotonic_time ();
}

static gboolean
on_flush_cb (gpointer user_data)
{
  RtxEventStream *self = user_data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
write_raw (RtxEventStream *self,
           const char     *text,
           gsize           length)
{
  g_string_append_len (self->pending, text, length);
  if (self->flush_source != NULL)
    return;

  /* After a quiet spell (the first token, a slow model) an event goes out at once; a burst
   * is gathered until the main loop is idle, so that it leaves in one write. */
  if (g_get_monotonic_time () - self->last_write_us > COALESCE_USEC) {
    flush (self);
    return;
  }

  self->flush_source = g_idle_source_new ();
  g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->flush_source, on_flush_cb, self, NULL);
  g_source_attach (self->flush_source, g_main_context_get_thread_default ());
}

static void
on_wrote_chunk_cb (SoupServerMessage *msg,
                   gpointer           user_data)
{
  set_cork (user_data, FALSE);
}

static void
set_no_delay (RtxEventStream *self)
{
  GSocket *socket = rtx_listener_get_message_socket (self->msg);

  if (socket == NULL || g_socket_get_family (socket) == G_SOCKET_FAMILY_UNIX)
    return;
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  self->tcp_socket = g_object_ref (socket);
  self->wrote_chunk_id = g_signal_connect (self->msg, "wrote-chunk",
                                           G_CALLBACK (on_wrote_chunk_cb), self);
}

static gboolean
on_heartbeat_cb (gpointer user_data)
{
  RtxEventStream *self = user_data;
  static const char comment[] = ": keep-alive\n\n";

  /* Only when the stream has been quiet for (nearly) a whole interval. */
  if (g_get_monotonic_time () - self->last_write_us >=
      (gint64) self->heartbeat_sec * G_USEC_PER_SEC - G_USEC_PER_SEC / 2)
    write_raw (self, comment, sizeof comment - 1);

  return G_SOURCE_CONTINUE;
}

/* RTX_SSE_HEARTBEAT_SEC overrides the interval (for tests and unusual proxies). */
static guint
heartbeat_interval (void)
{
  const char *env = g_getenv ("RTX_SSE_HEARTBEAT_SEC");
  guint64 value = 0;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &value, NULL))
    return (guint) value;
  return RTX_EVENT_STREAM_HEARTBEAT_SEC;
}

/**
 * rtx_event_stream_new:
 * @msg: the message to answer, from inside its handler
 *
 * Starts the response: 200 with the SSE headers of standard-api.md §3.2. The handler then
 * returns; events follow as they come.
 *
 * Returns: (transfer full): the stream
 */
RtxEventStream *
rtx_event_stream_new (SoupServerMessage *msg)
{
  RtxEventStream *self;
  SoupMessageHeaders *headers;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);

  self = g_object_new (RTX_TYPE_EVENT_STREAM, NULL);
  self->msg = g_object_ref (msg);
  self->open = TRUE;
  self->last_write_us = g_get_monotonic_time ();

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Content-Type", "text/event-stream; charset=utf-8");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "X-Accel-Buffering", "no");
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);

  set_no_delay (self);
  self->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_finished_cb), self);
  self->heartbeat_sec = heartbeat_interval ();
  self->heartbeat_id = g_timeout_add_seconds (self->heartbeat_sec, on_heartbeat_cb, self);

  return self;
}

/* Returns: (transfer none): cancelled when the client goes away */
GCancellable *
rtx_event_stream_get_cancellable (RtxEventStream *self)
{
  g_return_val_if_fail (RTX_IS_EVENT_STREAM (self), NULL);

  return self->cancellable;
}

gboolean
rtx_event_stream_is_open (RtxEventStream *self)
{
  g_return_val_if_fail (RTX_IS_EVENT_STREAM (self), FALSE);

  return self->open;
}

/* Sends `data: <data>\n\n`. @data must be one line (JSON is). */
void
rtx_event_stream_send_data (RtxEventStream *self,
                            const char     *data)
{
  g_return_if_fail (data != NULL);

  rtx_event_stream_send_data_len (self, data, strlen (data));
}

/* Like rtx_event_stream_send_data(), for @length bytes of @data, copied straight into the
 * pending chunk (the per-token path of a relayed stream). */
void
rtx_event_stream_send_data_len (RtxEventStream *self,
                                const char     *data,
                                gsize           length)
{
  g_return_if_fail (RTX_IS_EVENT_STREAM (self));
  g_return_if_fail (data != NULL && memchr (data, '\n', length) == NULL);

  if (!self->open)
    return;

  g_string_append_len (self->pending, "data: ", 6);
  g_string_append_len (self->pending, data, length);
  write_raw (self, "\n\n", 2);
}

/**
 * rtx_event_stream_begin_data:
 *
 * Starts a `data:` event whose text the caller appends to the returned buffer, then ends with
 * rtx_event_stream_end_data(): the per-token path of a relayed stream, written in place with
 * no copy. The text must be one line (JSON is).
 *
 * Returns: (transfer none) (nullable): where to append, or %NULL when the stream is closed
 *   (then rtx_event_stream_end_data() is not called)
 */
GString *
rtx_event_stream_begin_data (RtxEventStream *self)
{
  g_return_val_if_fail (RTX_IS_EVENT_STREAM (self), NULL);

  if (!self->open)
    return NULL;
  g_string_append_len (self->pending, "data: ", 6);
  return self->pending;
}

void
rtx_event_stream_end_data (RtxEventStream *self)
{
  write_raw (self, "\n\n", 2);
}

/* Sends `event: <event>\ndata: <data>\n\n`: a named event (the SDK's `error`, and the TTS
 * stream's `chunk`, `info` and `done`). @event and @data must be one line each. */
void
rtx_event_stream_send_event (RtxEventStream *self,
                             const char     *event,
                             const char     *data)
{
  g_autofree char *text = NULL;

  g_return_if_fail (RTX_IS_EVENT_STREAM (self));
  g_return_if_fail (event != NULL && strchr (event, '\n') == NULL);
  g_return_if_fail (data != NULL && strchr (data, '\n') == NULL);

  if (!self->open)
    return;

  text = g_strconcat ("event: ", event, "\ndata: ", data, "\n\n", NULL);
  write_raw (self, text, strlen (text));
}

void
rtx_event_stream_send_json (RtxEventStream *self,
                            JsonNode       *node)
{
  g_autofree char *text = rtx_json_to_string (node, FALSE);

  rtx_event_stream_send_data (self, text);
}

/* Ends the response. The stream can be dropped afterwards. */
void
rtx_event_stream_close (RtxEventStream *self)
{
  g_return_if_fail (RTX_IS_EVENT_STREAM (self));

  if (!self->open)
    return;

  self->open = FALSE;
  stop_watching (self);
  flush (self);
  soup_message_body_complete (soup_server_message_get_response_body (self->msg));
  soup_server_message_unpause (self->msg);
}

/**
 * rtx_json_append_string:
 * @out: where to write
 * @text: valid UTF-8
 *
 * Appends @text as a JSON string literal (quotes included), escaping what JSON requires.
 */
void
rtx_json_append_string (GString    *out,
                        const char *text)
{
  g_string_append_c (out, '"');
  rtx_json_text_escape (out, text, strlen (text));
  g_string_append_c (out, '"');
}
