/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-credential-use.h"

G_BEGIN_DECLS

/**
 * RtxLinkPolicy:
 * @max_bytes: the largest body fetched
 * @timeout_seconds: the whole fetch's time, redirects included
 * @max_redirects: redirects followed (each one is checked like the first URL)
 * @allow: (nullable): "address:port" entries that may be reached even though they are
 *   private or loopback: an operator's switch (the `RTX_LINK_ALLOW` environment variable),
 *   never settable through the API
 */
typedef struct {
  guint64  max_bytes;
  guint    timeout_seconds;
  guint    max_redirects;
  GStrv    allow;
} RtxLinkPolicy;

void      rtx_link_policy_init          (RtxLinkPolicy        *policy);
void      rtx_link_policy_clear         (RtxLinkPolicy        *policy);
gboolean  rtx_link_address_is_public    (GInetAddress         *address);
gboolean  rtx_link_fetch                (const char              *url,
                                         GHashTable              *headers,
                                         const RtxCredentialUse  *credential,
                                         const RtxLinkPolicy     *policy,
                                         int                      out_fd,
                                         char                   **content_type,
                                         char                   **final_url,
                                         GCancellable            *cancellable,
                                         GError                 **error);

G_END_DECLS
