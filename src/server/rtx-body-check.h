/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rtx-router.h"

G_BEGIN_DECLS

typedef void (*RtxBodyCheckHook) (GCancellable *cancellable,
                                  gpointer      user_data);

gboolean  rtx_body_check              (RtxRouter            *router,
                                       JsonNode             *schema,
                                       const char           *data,
                                       gsize                 length,
                                       GCancellable         *cancellable,
                                       JsonNode            **out_body,
                                       char                **out_field,
                                       GError              **error);
void      rtx_body_check_async        (RtxRouter            *router,
                                       JsonNode             *schema,
                                       SoupMessageBody      *body,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
JsonNode *rtx_body_check_finish       (GAsyncResult         *result,
                                       char                **out_field,
                                       GError              **error) G_GNUC_WARN_UNUSED_RESULT;

void      rtx_body_check_set_test_hook (RtxBodyCheckHook    hook,
                                        gpointer            user_data);

G_END_DECLS
