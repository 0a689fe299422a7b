/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rtx-actor.h"
#include "rtx-api-key.h"
#include "rtx-auth.h"
#include "rtx-operation.h"
#include "rtx-runtime.h"
#include "rtx-server.h"
#include "rtx-surface.h"

G_BEGIN_DECLS

/* RtxRequest is declared in rtx-operation.h, beside RtxHandlerFunc. */

#define RTX_TYPE_REQUEST (rtx_request_get_type ())

GType              rtx_request_get_type      (void) G_GNUC_CONST;
RtxRequest        *rtx_request_new           (RtxServer         *server,
                                              SoupServerMessage *msg,
                                              RtxOperation      *operation,
                                              GHashTable        *params,
                                              GHashTable        *query,
                                              RtxCaller         *caller,
                                              JsonNode          *body) G_GNUC_WARN_UNUSED_RESULT;
RtxRequest        *rtx_request_ref           (RtxRequest        *self);
void               rtx_request_unref         (RtxRequest        *self);
SoupServerMessage *rtx_request_get_message   (RtxRequest        *self);
RtxServer         *rtx_request_get_server    (RtxRequest        *self);
RtxRuntime        *rtx_request_get_runtime   (RtxRequest        *self);
RtxOperation      *rtx_request_get_operation (RtxRequest        *self);
RtxSurface         rtx_request_get_surface   (RtxRequest        *self);
const char        *rtx_request_get_param     (RtxRequest        *self,
                                              const char        *name);
const char        *rtx_request_get_query     (RtxRequest        *self,
                                              const char        *name);
const RtxApiKey   *rtx_request_get_key       (RtxRequest        *self);
const RtxCaller   *rtx_request_get_caller    (RtxRequest        *self);
const char        *rtx_request_get_identity  (RtxRequest        *self);
const RtxActor    *rtx_request_get_actor     (RtxRequest        *self);
JsonNode          *rtx_request_get_body      (RtxRequest        *self);
JsonNode          *rtx_request_take_body     (RtxRequest        *self) G_GNUC_WARN_UNUSED_RESULT;
GCancellable      *rtx_request_pause         (RtxRequest        *self);
void               rtx_request_reply_json    (RtxRequest        *self,
                                              guint              status,
                                              JsonNode          *node);
void               rtx_request_reply_error   (RtxRequest        *self,
                                              guint              status,
                                              const char        *message);
void               rtx_request_reply_gerror  (RtxRequest        *self,
                                              const GError      *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxRequest, rtx_request_unref)

G_END_DECLS
