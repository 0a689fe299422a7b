/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean rtx_peer_get_uid (GSocketAddress  *local,
                           GSocketAddress  *remote,
                           uid_t           *out_uid,
                           GError         **error);

/* For tests: the /proc/net/tcp{,6} fallback alone. */
gboolean _rtx_peer_get_uid_from_tables (GSocketAddress  *local,
                                        GSocketAddress  *remote,
                                        uid_t           *out_uid,
                                        GError         **error);

G_END_DECLS
