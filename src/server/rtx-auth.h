/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-api-keys.h"
#include "rtx-operation.h"
#include "rtx-runtime.h"

G_BEGIN_DECLS

/**
 * RtxCaller:
 * @key: the API key that authenticated the request (standard and OpenAI surfaces; the SDK's
 *   development mode)
 * @app: the local app that the request's `x-app-id` named (the SDK's production mode)
 * @app_id: the `x-app-id` header as sent, also when a key won (so that `/sdk/ping` echoes it)
 *
 * Who made a request, as rtx_auth_authenticate() found. At most one of @key and @app is set;
 * neither on public operations and on those that name their app in the body.
 */
typedef struct {
  RtxApiKey   *key;
  RtxLocalApp *app;
  char        *app_id;
} RtxCaller;

void        rtx_caller_clear      (RtxCaller           *caller);
char       *rtx_caller_identity   (const RtxCaller     *caller) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RtxCaller, rtx_caller_clear)

const char *rtx_auth_parse_bearer (const char          *authorization);
gboolean    rtx_auth_authenticate (RtxRuntime          *runtime,
                                   SoupMessageHeaders  *headers,
                                   GSocketAddress      *local,
                                   GSocketAddress      *remote,
                                   RtxOperation        *operation,
                                   RtxCaller           *out_caller,
                                   GError             **error);
gboolean    rtx_auth_check_peer   (GSocketAddress      *local,
                                   GSocketAddress      *remote,
                                   GError             **error);
gboolean    rtx_auth_authorize    (RtxRuntime          *runtime,
                                   SoupServerMessage   *msg,
                                   RtxOperation        *operation,
                                   GHashTable          *params,
                                   const RtxCaller     *caller);
void        rtx_auth_refuse       (SoupServerMessage   *msg,
                                   RtxSurface           surface,
                                   const RtxCaller     *caller);
void        rtx_auth_reply_permission (SoupServerMessage *msg,
                                       const char        *code,
                                       const char        *permission,
                                       const char        *message);

G_END_DECLS
