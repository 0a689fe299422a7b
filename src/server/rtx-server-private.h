/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-listener.h"
#include "rtx-router.h"
#include "rtx-server.h"

G_BEGIN_DECLS

/* Shared by rtx-server.c (lifecycle, listening) and rtx-server-dispatch.c (guards, routing,
 * validation): one class in two files. */
struct _RtxServer {
  GObject              parent_instance;

  RtxRuntime          *runtime;
  RtxRouter           *router;
  SoupServer          *soup_server;
  RtxListener         *listener;
  RtxEmbedOriginFunc   embed_origin_func;

  guint16              port;
  RtxServerState       state;
  char                *state_reason;
  guint64              handler_calls;
  gboolean             check_responses;
};

void     rtx_server_dispatch_attach     (RtxServer  *self,
                                         SoupServer *soup_server);

/* For tests: serve @router instead of the one built from the compiled-in openapi.json. */
void     rtx_server_set_router          (RtxServer  *self,
                                         RtxRouter  *router);
RtxRouter *rtx_server_get_router        (RtxServer  *self);
/* For tests: how many times a handler was called, to prove guards ran before any. */
guint64  rtx_server_get_handler_calls   (RtxServer  *self);
RtxListener *rtx_server_get_listener    (RtxServer  *self);

G_END_DECLS
