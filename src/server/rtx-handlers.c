/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-handlers.h"

static const RtxHandlerBinding * const areas[] = {
  rtx_handlers_openai_compat,
  rtx_handlers_public_docs,
  rtx_handlers_public_embed,
  rtx_handlers_public_embed_widget,
  rtx_handlers_public_system,
  rtx_handlers_sdk_credentials,
  rtx_handlers_sdk_activities,
  rtx_handlers_sdk_llm,
  rtx_handlers_sdk_local_apps,
  rtx_handlers_sdk_platform,
  rtx_handlers_sdk_tts,
  rtx_handlers_sdk_vectors,
  rtx_handlers_sdk_webhooks,
  rtx_handlers_standard_admin,
  rtx_handlers_standard_admin_workspaces,
  rtx_handlers_standard_settings,
  rtx_handlers_standard_agents,
  rtx_handlers_standard_system,
  rtx_handlers_standard_admin_keys,
  rtx_handlers_standard_embeds,
  rtx_handlers_standard_auth,
  rtx_handlers_standard_credentials,
  rtx_handlers_standard_local_apps,
  rtx_handlers_standard_chat,
  rtx_handlers_standard_threads,
  rtx_handlers_standard_workspaces,
  rtx_handlers_standard_documents,
  rtx_handlers_standard_workspace_documents,
  NULL,
};

/**
 * rtx_handlers_get_areas:
 *
 * Every area's table of handlers; the router binds operations to them by `operationId` and
 * rtx_router_check_bindings() reports any operation or handler left over.
 *
 * Returns: (transfer none): a %NULL-terminated array of %NULL-terminated tables
 */
const RtxHandlerBinding * const *
rtx_handlers_get_areas (void)
{
  return areas;
}
