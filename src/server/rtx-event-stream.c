/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-event-stream.h"

/**
 * RtxEventStream:
 *
 * A Server-Sent Events response on a libsoup 3.2 server message: status 200, chunked, the
 * response body's accumulation off (so a long stream holds no copy of what was sent), each
 * event appended and the message unpaused. A heartbeat comment goes out when the stream is
 * idle. When the message finishes before the stream is closed (the client went away), the
 * stream's #GCancellable is cancelled, which cancels the upstream model call.
 */
struct _RtxEventStream {
  GObject            parent_instance;

  SoupServerMessage *msg;
  GCancellable      *cancellable;
  gulong             finished_id;
  guint              heartbeat_id;
  gboolean           open;
  gint64             last_write_us;
};

G_DEFINE_FINAL_TYPE (RtxEventStream, rtx_event_stream, G_TYPE_OBJECT)

static void
stop_watching (RtxEventStream *self)
{
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  if (self->msg != NULL && self->finished_id != 0) {
    g_signal_handler_disconnect (self->msg, self->finished_id);
    self->finished_id = 0;
  }
}

static void
rtx_event_stream_dispose (GObject *object)
{
  RtxEventStream *self = (RtxEventStream *) object;

  stop_watching (self);
  g_clear_object (&self->msg);
  g_clear_object (&self->cancellable);

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
}

static void
on_finished_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  RtxEventStream *self = user_data;

  /* Finished before we closed: the connection is gone. */
  self->open = FALSE;
  stop_watching (self);
  g_cancellable_cancel (self->cancellable);
}

static void
write_raw (RtxEventStream *self,
           const char     *text,
           gsize           length)
{
  SoupMessageBody *body = soup_server_message_get_response_body (self->msg);

  soup_message_body_append (body, SOUP_MEMORY_COPY, text, length);
  soup_server_message_unpause (self->msg);
  self->last_write_us = g_get_monotonic_time ();
}

static gboolean
on_heartbeat_cb (gpointer user_data)
{
  RtxEventStream *self = user_data;
  static const char comment[] = ": keep-alive\n\n";

  if (g_get_monotonic_time () - self->last_write_us >=
      (RTX_EVENT_STREAM_HEARTBEAT_SEC - 1) * G_USEC_PER_SEC)
    write_raw (self, comment, sizeof comment - 1);

  return G_SOURCE_CONTINUE;
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

  self->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_finished_cb), self);
  self->heartbeat_id = g_timeout_add_seconds (RTX_EVENT_STREAM_HEARTBEAT_SEC, on_heartbeat_cb,
                                              self);

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
  g_autofree char *event = NULL;

  g_return_if_fail (RTX_IS_EVENT_STREAM (self));
  g_return_if_fail (data != NULL && strchr (data, '\n') == NULL);

  if (!self->open)
    return;

  event = g_strconcat ("data: ", data, "\n\n", NULL);
  write_raw (self, event, strlen (event));
}

void
rtx_event_stream_send_json (RtxEventStream *self,
                            JsonNode       *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

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
  soup_message_body_complete (soup_server_message_get_response_body (self->msg));
  soup_server_message_unpause (self->msg);
}
