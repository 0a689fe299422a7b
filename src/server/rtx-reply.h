/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rtx-surface.h"

G_BEGIN_DECLS

#define RTX_REPLY_CONTENT_TYPE_JSON "application/json; charset=utf-8"

void   rtx_reply_json                  (SoupServerMessage *msg,
                                        guint              status,
                                        JsonNode          *node);
void   rtx_reply_bytes                 (SoupServerMessage *msg,
                                        guint              status,
                                        const char        *content_type,
                                        GBytes            *bytes);
void   rtx_reply_error                 (SoupServerMessage *msg,
                                        RtxSurface         surface,
                                        guint              status,
                                        const char        *message);
void   rtx_reply_error_with_code       (SoupServerMessage *msg,
                                        RtxSurface         surface,
                                        guint              status,
                                        const char        *code,
                                        const char        *message);
void   rtx_reply_gerror                (SoupServerMessage *msg,
                                        RtxSurface         surface,
                                        const GError      *error);
const char *rtx_reply_client_message  (const GError      *error,
                                        guint              status);
guint  rtx_reply_status_for_error      (RtxSurface         surface,
                                        const GError      *error);
JsonNode *rtx_reply_error_body         (RtxSurface         surface,
                                        guint              status,
                                        const char        *code,
                                        const char        *message) G_GNUC_WARN_UNUSED_RESULT;
JsonNode *rtx_reply_error_body_full    (RtxSurface         surface,
                                        guint              status,
                                        const char        *code,
                                        const char        *param,
                                        const char        *message) G_GNUC_WARN_UNUSED_RESULT;
void   rtx_reply_invalid               (SoupServerMessage *msg,
                                        RtxSurface         surface,
                                        const char        *shape,
                                        const char        *field,
                                        const char        *message);
void   rtx_reply_set_header            (SoupServerMessage *msg,
                                        const char        *name,
                                        const char        *value);
char  *rtx_reply_sanitize_header_value (const char        *value) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
