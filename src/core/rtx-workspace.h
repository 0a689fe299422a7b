/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * RtxWorkspace:
 *
 * One workspace row. Times are Unix seconds; @openai_temp is NAN when unset (the provider's
 * default applies), and nullable strings are %NULL when unset.
 */
typedef struct {
  gint64  id;
  char   *name;
  char   *slug;
  gint64  created_at;
  gint64  updated_at;
  double  openai_temp;
  gint    openai_history;
  char   *openai_prompt;
  double  similarity_threshold;
  gint    top_n;
  char   *chat_mode;              /* "chat", "query" or "automatic" */
  char   *query_refusal_response;
  char   *chat_provider;
  char   *chat_model;
  char   *agent_provider;
  char   *agent_model;
  char   *vector_search_mode;     /* "default" or "rerank" */
} RtxWorkspace;

#define RTX_TYPE_WORKSPACE (rtx_workspace_get_type ())

GType         rtx_workspace_get_type (void) G_GNUC_CONST;
RtxWorkspace *rtx_workspace_copy     (const RtxWorkspace *workspace);
void          rtx_workspace_free     (RtxWorkspace       *workspace);
void          rtx_workspace_add_json_members (const RtxWorkspace *workspace,
                                              JsonBuilder        *builder);
JsonNode     *rtx_workspace_to_json  (const RtxWorkspace *workspace) G_GNUC_WARN_UNUSED_RESULT;
char         *rtx_slugify            (const char         *name) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxWorkspace, rtx_workspace_free)

G_END_DECLS
