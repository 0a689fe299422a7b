/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rtx-surface.h"

G_BEGIN_DECLS

typedef struct _RtxRequest RtxRequest;

/**
 * RtxHandlerFunc:
 * @req: the routed, authenticated request
 *
 * Serves one operation of openapi.json. A handler either replies before it returns (with
 * rtx_request_reply_json() or rtx_request_reply_error()) or takes a reference on @req and pauses
 * its message to reply later.
 */
typedef void (*RtxHandlerFunc) (RtxRequest *req);

/**
 * RtxAuthSchemes:
 * @RTX_AUTH_SCHEME_NONE: no credential (a public operation)
 * @RTX_AUTH_SCHEME_BEARER: `BearerAuth`, `Authorization: Bearer <key>`
 * @RTX_AUTH_SCHEME_API_KEY_HEADER: `ApiKeyHeader`, `x-api-key: <key>`
 * @RTX_AUTH_SCHEME_APP_ID: `AppId`, `x-app-id: <id>` of a registered local app
 *
 * The security schemes of openapi.json. An operation accepts any one of the schemes it lists.
 */
typedef enum {
  RTX_AUTH_SCHEME_NONE           = 0,
  RTX_AUTH_SCHEME_BEARER         = 1 << 0,
  RTX_AUTH_SCHEME_API_KEY_HEADER = 1 << 1,
  RTX_AUTH_SCHEME_APP_ID         = 1 << 2,
} RtxAuthSchemes;

/**
 * RtxOperation:
 *
 * One operation of openapi.json (a path and a method): its id, surface, accepted credentials,
 * handler, and its JSON, kept so that parameters and bodies can be validated against the
 * document. Immutable once the router is built; reference counted.
 */
typedef struct _RtxOperation RtxOperation;

#define RTX_TYPE_OPERATION (rtx_operation_get_type ())

GType           rtx_operation_get_type         (void) G_GNUC_CONST;
RtxOperation   *rtx_operation_new_from_json    (const char      *method,
                                                const char      *path,
                                                JsonObject      *path_item,
                                                JsonObject      *operation,
                                                JsonArray       *default_security,
                                                GError         **error);
RtxOperation   *rtx_operation_ref              (RtxOperation    *self);
void            rtx_operation_unref            (RtxOperation    *self);
const char     *rtx_operation_get_id           (RtxOperation    *self);
const char     *rtx_operation_get_method       (RtxOperation    *self);
const char     *rtx_operation_get_path         (RtxOperation    *self);
RtxSurface      rtx_operation_get_surface      (RtxOperation    *self);
RtxAuthSchemes  rtx_operation_get_auth_schemes (RtxOperation    *self);
gboolean        rtx_operation_is_public        (RtxOperation    *self);
gboolean        rtx_operation_is_admin_only    (RtxOperation    *self);
const char     *rtx_operation_get_permission   (RtxOperation    *self);
gboolean        rtx_operation_get_app_id_in_body (RtxOperation  *self);
JsonObject     *rtx_operation_get_json         (RtxOperation    *self);
JsonObject     *rtx_operation_get_path_item    (RtxOperation    *self);
RtxHandlerFunc  rtx_operation_get_handler      (RtxOperation    *self);
void            rtx_operation_set_handler      (RtxOperation    *self,
                                                RtxHandlerFunc   handler);

const char     *rtx_auth_scheme_to_string      (RtxAuthSchemes   scheme);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxOperation, rtx_operation_unref)

G_END_DECLS
