/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define RTX_TYPE_HTTP_BODY (rtx_http_body_get_type ())
G_DECLARE_FINAL_TYPE (RtxHttpBody, rtx_http_body, RTX, HTTP_BODY, GInputStream)

void          rtx_http_post_async  (SoupMessage          *msg,
                                    GBytes               *body,
                                    const char           *content_type,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data);
GInputStream *rtx_http_post_finish (GAsyncResult         *result,
                                    guint                *status,
                                    GError              **error);

G_END_DECLS
