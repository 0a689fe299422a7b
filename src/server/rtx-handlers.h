/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-operation.h"
#include "rtx-request.h"

G_BEGIN_DECLS

/**
 * RtxHandlerBinding:
 * @operation_id: an `operationId` of openapi.json
 * @handler: the function that serves it
 *
 * One entry of an area's table. Each area (`handlers/<surface>-<area>.c`) exports one table
 * ending with an entry whose @operation_id is %NULL, and rtx-handlers.c lists the areas, so
 * areas are added without touching each other's files.
 */
typedef struct {
  const char     *operation_id;
  RtxHandlerFunc  handler;
} RtxHandlerBinding;

/* The areas, sorted by name. Add a line here and one in rtx-handlers.c for a new area. */
extern const RtxHandlerBinding rtx_handlers_openai_compat[];
extern const RtxHandlerBinding rtx_handlers_public_docs[];
extern const RtxHandlerBinding rtx_handlers_public_embed[];
extern const RtxHandlerBinding rtx_handlers_public_embed_widget[];
extern const RtxHandlerBinding rtx_handlers_public_system[];
extern const RtxHandlerBinding rtx_handlers_sdk_credentials[];
extern const RtxHandlerBinding rtx_handlers_sdk_activities[];
extern const RtxHandlerBinding rtx_handlers_sdk_llm[];
extern const RtxHandlerBinding rtx_handlers_sdk_local_apps[];
extern const RtxHandlerBinding rtx_handlers_sdk_platform[];
extern const RtxHandlerBinding rtx_handlers_sdk_tts[];
extern const RtxHandlerBinding rtx_handlers_sdk_vectors[];
extern const RtxHandlerBinding rtx_handlers_sdk_webhooks[];
extern const RtxHandlerBinding rtx_handlers_standard_admin[];
extern const RtxHandlerBinding rtx_handlers_standard_admin_workspaces[];
extern const RtxHandlerBinding rtx_handlers_standard_settings[];
extern const RtxHandlerBinding rtx_handlers_standard_agents[];
extern const RtxHandlerBinding rtx_handlers_standard_system[];
extern const RtxHandlerBinding rtx_handlers_standard_admin_keys[];
extern const RtxHandlerBinding rtx_handlers_standard_embeds[];
extern const RtxHandlerBinding rtx_handlers_standard_auth[];
extern const RtxHandlerBinding rtx_handlers_standard_credentials[];
extern const RtxHandlerBinding rtx_handlers_standard_local_apps[];
extern const RtxHandlerBinding rtx_handlers_standard_chat[];
extern const RtxHandlerBinding rtx_handlers_standard_threads[];
extern const RtxHandlerBinding rtx_handlers_standard_workspaces[];
extern const RtxHandlerBinding rtx_handlers_standard_documents[];
extern const RtxHandlerBinding rtx_handlers_standard_workspace_documents[];

const RtxHandlerBinding * const *rtx_handlers_get_areas (void);

/* The embed widget's Origin rule (public-embed.c), which rtx_server_new() gives its guard. */
gboolean rtx_embed_origin_is_allowed (RtxRuntime *runtime,
                                      const char *embed_id,
                                      const char *origin);

G_END_DECLS
