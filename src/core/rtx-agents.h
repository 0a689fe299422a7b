/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

/**
 * RtxAgent:
 * @slug: the agent's unique name in URLs and webhooks (`agent_name`)
 * @name: its display name
 * @description: what it is for
 * @system_prompt: the instructions its runs start with
 * @workspace_slug: (nullable): the workspace it runs in when a caller names none
 *
 * A named prompt that a webhook can run in a workspace (protocol §2.4).
 */
typedef struct {
  gint64  id;
  char   *slug;
  char   *name;
  char   *description;
  char   *system_prompt;
  char   *workspace_slug;
  gint64  created_at;
  gint64  updated_at;
} RtxAgent;

void      rtx_agent_free    (RtxAgent       *agent);
JsonNode *rtx_agent_to_json (const RtxAgent *agent) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxAgent, rtx_agent_free)

#define RTX_TYPE_AGENTS (rtx_agents_get_type ())
G_DECLARE_FINAL_TYPE (RtxAgents, rtx_agents, RTX, AGENTS, GObject)

RtxAgents *rtx_agents_new    (RtxDb       *db) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *rtx_agents_list   (RtxAgents   *self,
                              GError     **error);
RtxAgent  *rtx_agents_get    (RtxAgents   *self,
                              const char  *slug,
                              GError     **error);
RtxAgent  *rtx_agents_create (RtxAgents   *self,
                              JsonObject  *fields,
                              GError     **error);
RtxAgent  *rtx_agents_update (RtxAgents   *self,
                              const char  *slug,
                              JsonObject  *fields,
                              GError     **error);
gboolean   rtx_agents_delete (RtxAgents   *self,
                              const char  *slug,
                              GError     **error);

G_END_DECLS
