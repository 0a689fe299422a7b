/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define RTX_TYPE_EVENT_STREAM (rtx_event_stream_get_type ())
G_DECLARE_FINAL_TYPE (RtxEventStream, rtx_event_stream, RTX, EVENT_STREAM, GObject)

/* A comment line goes out after this long without an event, so that proxies and clients with
 * idle timeouts keep the stream open while a model thinks. */
#define RTX_EVENT_STREAM_HEARTBEAT_SEC 15

RtxEventStream *rtx_event_stream_new        (SoupServerMessage *msg) G_GNUC_WARN_UNUSED_RESULT;
GCancellable   *rtx_event_stream_get_cancellable (RtxEventStream *self);
gboolean        rtx_event_stream_is_open    (RtxEventStream    *self);
void            rtx_event_stream_send_data  (RtxEventStream    *self,
                                             const char        *data);
void            rtx_event_stream_send_data_len (RtxEventStream *self,
                                                const char     *data,
                                                gsize           length);
GString        *rtx_event_stream_begin_data (RtxEventStream    *self);
void            rtx_event_stream_end_data   (RtxEventStream    *self);
void            rtx_event_stream_send_event (RtxEventStream    *self,
                                             const char        *event,
                                             const char        *data);
void            rtx_event_stream_send_json  (RtxEventStream    *self,
                                             JsonNode          *node);
void            rtx_event_stream_close      (RtxEventStream    *self);

void            rtx_json_append_string      (GString           *out,
                                             const char        *text);

G_END_DECLS
