/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

/* The SDK's default port. */
#define RTX_SERVER_DEFAULT_PORT 3001

/**
 * RtxServerState:
 * @RTX_SERVER_STOPPED: not listening (initially, and after rtx_server_stop())
 * @RTX_SERVER_RUNNING: listening on 127.0.0.1 (and ::1 when the host has IPv6)
 * @RTX_SERVER_FAILED: the last start failed; #RtxServer:state-reason says why
 */
typedef enum {
  RTX_SERVER_STOPPED,
  RTX_SERVER_RUNNING,
  RTX_SERVER_FAILED,
} RtxServerState;

#define RTX_TYPE_SERVER_STATE (rtx_server_state_get_type ())
GType rtx_server_state_get_type (void) G_GNUC_CONST;

/**
 * RtxEmbedOriginFunc:
 * @runtime: the runtime
 * @embed_id: the embed's id, as it appears in the path (`/api/embed/<id>/...`)
 * @origin: the request's `Origin`
 *
 * Whether @origin is on the allowlist of the embed @embed_id. The embeds feature installs
 * one with rtx_server_set_embed_origin_func(); without one, no foreign origin reaches any
 * route, embed routes included.
 *
 * Returns: %TRUE when @origin may call the embed's routes
 */
typedef gboolean (*RtxEmbedOriginFunc) (RtxRuntime *runtime,
                                        const char *embed_id,
                                        const char *origin);

#define RTX_TYPE_SERVER (rtx_server_get_type ())
G_DECLARE_FINAL_TYPE (RtxServer, rtx_server, RTX, SERVER, GObject)

RtxServer      *rtx_server_new              (RtxRuntime  *runtime) G_GNUC_WARN_UNUSED_RESULT;
gboolean        rtx_server_start            (RtxServer   *self,
                                             guint16      port,
                                             GError     **error);
void            rtx_server_stop             (RtxServer   *self);
RtxRuntime     *rtx_server_get_runtime      (RtxServer   *self);
guint16         rtx_server_get_port         (RtxServer   *self);
gboolean        rtx_server_get_running      (RtxServer   *self);
RtxServerState  rtx_server_get_state        (RtxServer   *self);
const char     *rtx_server_get_state_reason (RtxServer   *self);
GSList         *rtx_server_get_listeners    (RtxServer   *self);
void            rtx_server_set_embed_origin_func (RtxServer          *self,
                                                  RtxEmbedOriginFunc  func);

G_END_DECLS
