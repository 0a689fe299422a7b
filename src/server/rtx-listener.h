/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The limits of DESIGN.md §4 and security-reliability.md §1.5. Deadlines are enforced by a
 * sweep once a second, so a client trickling headers is closed within 10 s. */
#define RTX_LISTENER_MAX_CONNECTIONS    1024
#define RTX_LISTENER_HEADER_TIMEOUT_SEC 9
#define RTX_LISTENER_BODY_TIMEOUT_SEC   60
#define RTX_LISTENER_IDLE_TIMEOUT_SEC   60

#define RTX_TYPE_LISTENER (rtx_listener_get_type ())
G_DECLARE_FINAL_TYPE (RtxListener, rtx_listener, RTX, LISTENER, GObject)

RtxListener *rtx_listener_new                 (SoupServer   *server,
                                               GPtrArray    *sockets,
                                               guint         max_connections,
                                               GError      **error) G_GNUC_WARN_UNUSED_RESULT;
void         rtx_listener_close               (RtxListener  *self);
void         rtx_listener_got_headers         (RtxListener       *self,
                                               SoupServerMessage *msg);
void         rtx_listener_request_read        (RtxListener       *self,
                                               SoupServerMessage *msg);
GSList      *rtx_listener_get_sockets         (RtxListener  *self);
GSocket     *rtx_listener_get_message_socket  (SoupServerMessage *msg);
guint        rtx_listener_get_n_connections   (RtxListener  *self);
guint        rtx_listener_get_max_connections (RtxListener  *self);
guint64      rtx_listener_get_accept_failures (RtxListener  *self);
guint64      rtx_listener_get_evictions       (RtxListener  *self);

G_END_DECLS
