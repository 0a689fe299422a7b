/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-actor.h"
#include "rtx-db.h"

G_BEGIN_DECLS

/**
 * RtxEmbed:
 *
 * One embeddable chat widget (standard-api.md §7) and the workspace it answers from.
 */
typedef struct {
  gint64    id;
  char     *uuid;
  gboolean  enabled;
  char     *chat_mode;          /* "chat" or "query" */
  GStrv     allowlist;          /* normalised origins; empty allows none */
  gboolean  allow_model_override;
  gboolean  allow_temperature_override;
  gboolean  allow_prompt_override;
  gint64    max_chats_per_day;  /* 0: no limit */
  gint64    max_chats_per_session;
  gint64    message_limit;
  gint64    workspace_id;
  char     *workspace_name;
  char     *workspace_slug;
  char     *created_by;
  gint64    created_at;
  gint64    chat_count;
} RtxEmbed;

/**
 * RtxEmbedExchange:
 *
 * One widget exchange: the visitor's message and the answer's text, never its sources.
 */
typedef struct {
  gint64  id;
  char   *session_id;
  char   *prompt;
  char   *text;
  char   *response;               /* the stored JSON text */
  char   *connection_information; /* the stored JSON text */
  gboolean include;
  gint64  created_at;
} RtxEmbedExchange;

void       rtx_embed_free              (RtxEmbed          *embed);
JsonNode  *rtx_embed_to_json           (const RtxEmbed    *embed) G_GNUC_WARN_UNUSED_RESULT;
gboolean   rtx_embed_allows_origin     (const RtxEmbed    *embed,
                                        const char        *origin);
void       rtx_embed_exchange_free     (RtxEmbedExchange  *exchange);
JsonNode  *rtx_embed_exchange_to_json  (const RtxEmbedExchange *exchange) G_GNUC_WARN_UNUSED_RESULT;
char      *rtx_origin_normalize        (const char        *text,
                                        gboolean           default_https) G_GNUC_WARN_UNUSED_RESULT;
gboolean   rtx_uuid_is_valid           (const char        *text);

#define RTX_TYPE_EMBEDS (rtx_embeds_get_type ())
G_DECLARE_FINAL_TYPE (RtxEmbeds, rtx_embeds, RTX, EMBEDS, GObject)

RtxEmbeds *rtx_embeds_new              (RtxDb             *db) G_GNUC_WARN_UNUSED_RESULT;
RtxEmbed  *rtx_embeds_create           (RtxEmbeds         *self,
                                        gint64             workspace_id,
                                        JsonObject        *fields,
                                        const RtxActor    *actor,
                                        GError           **error);
RtxEmbed  *rtx_embeds_update           (RtxEmbeds         *self,
                                        const char        *uuid,
                                        JsonObject        *fields,
                                        const RtxActor    *actor,
                                        GError           **error);
gboolean   rtx_embeds_delete           (RtxEmbeds         *self,
                                        const char        *uuid,
                                        const RtxActor    *actor,
                                        GError           **error);
RtxEmbed  *rtx_embeds_get              (RtxEmbeds         *self,
                                        const char        *uuid,
                                        GError           **error);
GPtrArray *rtx_embeds_list             (RtxEmbeds         *self,
                                        GError           **error);
gboolean   rtx_embeds_check_limits     (RtxEmbeds         *self,
                                        const RtxEmbed    *embed,
                                        const char        *session_id,
                                        GError           **error);
gint64     rtx_embeds_add_exchange     (RtxEmbeds         *self,
                                        const RtxEmbed    *embed,
                                        const char        *session_id,
                                        const char        *prompt,
                                        const char        *text,
                                        const char        *host,
                                        const char        *username,
                                        GError           **error);
GPtrArray *rtx_embeds_list_exchanges   (RtxEmbeds         *self,
                                        const RtxEmbed    *embed,
                                        const char        *session_id,
                                        gboolean           included_only,
                                        guint              limit,
                                        GError           **error);
gboolean   rtx_embeds_reset_session    (RtxEmbeds         *self,
                                        const RtxEmbed    *embed,
                                        const char        *session_id,
                                        GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxEmbed, rtx_embed_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxEmbedExchange, rtx_embed_exchange_free)

G_END_DECLS
