/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-listener.h"
#include "rtx-router.h"
#include "rtx-server.h"

G_BEGIN_DECLS

/* A JSON request body larger than this is scanned, parsed and checked against its schema in
 * a worker thread rather than on the main context. The work costs about 10 µs per KiB of text
 * and 100-180 µs per KiB of numbers (vectors), a round trip through a worker about 20 µs
 * (bench/RESULTS.md, "Large JSON bodies off the main loop"): below 16 KiB a body holds the
 * main context for 3 ms at most (0.2 ms as text), above it the thread costs a tenth of the
 * work or less, and the common small request keeps its synchronous path. */
#define RTX_SERVER_ASYNC_BODY_BYTES (16 * 1024)

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
