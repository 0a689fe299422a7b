/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-operation.h"

G_BEGIN_DECLS

/* Request bodies: the cap of an operation with a JSON body unless it says otherwise with
 * `x-rtx-max-body-bytes`, and of every other request (security-reliability.md §1.5). */
#define RTX_GUARD_JSON_BODY_LIMIT  (1024 * 1024)
#define RTX_GUARD_OTHER_BODY_LIMIT (64 * 1024)

gboolean  rtx_guard_host_is_allowed    (const char        *host,
                                        guint16            port);
gboolean  rtx_guard_request_host_is_allowed (SoupServerMessage *msg,
                                        guint16            port);
gboolean  rtx_guard_origin_is_own      (const char        *origin,
                                        guint16            port);
gboolean  rtx_guard_path_is_embed      (const char        *path);
char     *rtx_guard_embed_id_for_path  (const char        *path) G_GNUC_WARN_UNUSED_RESULT;
void      rtx_guard_drop_range         (SoupMessageHeaders *headers);
goffset   rtx_guard_body_limit         (RtxOperation      *operation);
gboolean  rtx_guard_content_type_is_accepted (RtxOperation *operation,
                                        const char        *content_type);
gboolean  rtx_guard_method_changes_state (const char      *method);
GHashTable *rtx_guard_decode_query     (const char        *raw,
                                        char             **out_field,
                                        GError           **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
