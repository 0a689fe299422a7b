/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "rtx-handlers.h"
#include "rtx-operation.h"

G_BEGIN_DECLS

/**
 * RtxRouteResult:
 * @RTX_ROUTE_FOUND: an operation matches the path and the method
 * @RTX_ROUTE_NOT_FOUND: no path template matches (404)
 * @RTX_ROUTE_METHOD_NOT_ALLOWED: a template matches but not with this method (405)
 */
typedef enum {
  RTX_ROUTE_FOUND,
  RTX_ROUTE_NOT_FOUND,
  RTX_ROUTE_METHOD_NOT_ALLOWED,
} RtxRouteResult;

/**
 * RtxRouteMatch:
 * @operation: the matched operation (%RTX_ROUTE_FOUND)
 * @params: (nullable): path parameter name → percent-decoded value (%RTX_ROUTE_FOUND; %NULL
 *   when the route has no parameters)
 * @allow: the value of the `Allow` header, e.g. `GET, POST` (%RTX_ROUTE_METHOD_NOT_ALLOWED)
 *
 * What rtx_router_match() found. Declare it `g_auto(RtxRouteMatch) match = { 0 };`.
 */
typedef struct {
  RtxOperation *operation;
  GHashTable   *params;
  char         *allow;
} RtxRouteMatch;

#define RTX_TYPE_ROUTER (rtx_router_get_type ())
G_DECLARE_FINAL_TYPE (RtxRouter, rtx_router, RTX, ROUTER, GObject)

RtxRouter      *rtx_router_new                (GError                          **error) G_GNUC_WARN_UNUSED_RESULT;
RtxRouter      *rtx_router_new_from_data      (const char                       *data,
                                               gssize                            length,
                                               const RtxHandlerBinding * const  *areas,
                                               GError                          **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean        rtx_router_check_bindings     (RtxRouter                        *self,
                                               GError                          **error);
RtxRouteResult  rtx_router_match              (RtxRouter                        *self,
                                               const char                       *method,
                                               const char                       *path,
                                               RtxRouteMatch                    *match);
GPtrArray      *rtx_router_get_operations     (RtxRouter                        *self);
RtxOperation   *rtx_router_lookup_operation   (RtxRouter                        *self,
                                               const char                       *operation_id);
JsonNode       *rtx_router_get_document       (RtxRouter                        *self);
JsonNode       *rtx_router_resolve_ref        (RtxRouter                        *self,
                                               const char                       *ref,
                                               GError                          **error);

void            rtx_route_match_clear         (RtxRouteMatch                    *match);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RtxRouteMatch, rtx_route_match_clear)

G_END_DECLS
