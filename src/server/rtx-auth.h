/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-api-keys.h"
#include "rtx-operation.h"

G_BEGIN_DECLS

const char *rtx_auth_parse_bearer (const char          *authorization);
gboolean    rtx_auth_authenticate (RtxApiKeys          *keys,
                                   SoupMessageHeaders  *headers,
                                   RtxOperation        *operation,
                                   RtxApiKey          **out_key,
                                   GError             **error);
void        rtx_auth_refuse       (SoupServerMessage   *msg,
                                   RtxSurface           surface);

G_END_DECLS
