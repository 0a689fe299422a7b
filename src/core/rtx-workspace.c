/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "rtx-api-key.h"
#include "rtx-workspace.h"

G_DEFINE_BOXED_TYPE (RtxWorkspace, rtx_workspace, rtx_workspace_copy, rtx_workspace_free)

RtxWorkspace *
rtx_workspace_copy (const RtxWorkspace *workspace)
{
  RtxWorkspace *copy;

  g_return_val_if_fail (workspace != NULL, NULL);

  copy = g_memdup2 (workspace, sizeof *workspace);
  copy->name = g_strdup (workspace->name);
  copy->slug = g_strdup (workspace->slug);
  copy->openai_prompt = g_strdup (workspace->openai_prompt);
  copy->chat_mode = g_strdup (workspace->chat_mode);
  copy->query_refusal_response = g_strdup (workspace->query_refusal_response);
  copy->chat_provider = g_strdup (workspace->chat_provider);
  copy->chat_model = g_strdup (workspace->chat_model);
  copy->agent_provider = g_strdup (workspace->agent_provider);
  copy->agent_model = g_strdup (workspace->agent_model);
  copy->vector_search_mode = g_strdup (workspace->vector_search_mode);

  return copy;
}

void
rtx_workspace_free (RtxWorkspace *workspace)
{
  if (workspace == NULL)
    return;

  g_free (workspace->name);
  g_free (workspace->slug);
  g_free (workspace->openai_prompt);
  g_free (workspace->chat_mode);
  g_free (workspace->query_refusal_response);
  g_free (workspace->chat_provider);
  g_free (workspace->chat_model);
  g_free (workspace->agent_provider);
  g_free (workspace->agent_model);
  g_free (workspace->vector_search_mode);
  g_free (workspace);
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       when)
{
  g_autofree char *text = rtx_format_timestamp (when);

  add_string_or_null (builder, name, text);
}

/**
 * rtx_workspace_add_json_members:
 * @workspace: a workspace
 * @builder: a builder inside an object
 *
 * Adds the row's members under AnythingLLM's field names, so that callers can append their
 * own (documents, threads) before closing the object.
 */
void
rtx_workspace_add_json_members (const RtxWorkspace *workspace,
                                JsonBuilder        *builder)
{
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, workspace->id);
  add_string_or_null (builder, "name", workspace->name);
  add_string_or_null (builder, "slug", workspace->slug);
  add_time (builder, "createdAt", workspace->created_at);
  add_time (builder, "lastUpdatedAt", workspace->updated_at);
  json_builder_set_member_name (builder, "openAiTemp");
  if (isnan (workspace->openai_temp))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, workspace->openai_temp);
  json_builder_set_member_name (builder, "openAiHistory");
  json_builder_add_int_value (builder, workspace->openai_history);
  add_string_or_null (builder, "openAiPrompt", workspace->openai_prompt);
  json_builder_set_member_name (builder, "similarityThreshold");
  json_builder_add_double_value (builder, workspace->similarity_threshold);
  json_builder_set_member_name (builder, "topN");
  json_builder_add_int_value (builder, workspace->top_n);
  add_string_or_null (builder, "chatMode", workspace->chat_mode);
  add_string_or_null (builder, "queryRefusalResponse", workspace->query_refusal_response);
  add_string_or_null (builder, "chatProvider", workspace->chat_provider);
  add_string_or_null (builder, "chatModel", workspace->chat_model);
  add_string_or_null (builder, "agentProvider", workspace->agent_provider);
  add_string_or_null (builder, "agentModel", workspace->agent_model);
  add_string_or_null (builder, "vectorSearchMode", workspace->vector_search_mode);
}

JsonNode *
rtx_workspace_to_json (const RtxWorkspace *workspace)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (workspace != NULL, NULL);

  json_builder_begin_object (builder);
  rtx_workspace_add_json_members (workspace, builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * rtx_slugify:
 * @name: a workspace or thread name
 *
 * Lower-case ASCII letters and digits, with every other run of characters made one `-`, and
 * no `-` at either end. A name with no ASCII letter or digit gives "workspace".
 *
 * Returns: (transfer full): the slug
 */
char *
rtx_slugify (const char *name)
{
  GString *slug = g_string_new (NULL);
  gboolean dash = FALSE;

  g_return_val_if_fail (name != NULL, NULL);

  for (const char *p = name; *p != '\0'; p++) {
    if (g_ascii_isalnum (*p)) {
      if (dash && slug->len > 0)
        g_string_append_c (slug, '-');
      g_string_append_c (slug, g_ascii_tolower (*p));
      dash = FALSE;
    } else {
      dash = TRUE;
    }
    if (slug->len >= 200)
      break;
  }

  if (slug->len == 0)
    g_string_append (slug, "workspace");

  return g_string_free (slug, FALSE);
}
