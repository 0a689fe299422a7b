/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-operation.h"
#include "rtx-router.h"

G_BEGIN_DECLS

void rtx_response_check (RtxRouter         *router,
                         SoupServerMessage *msg,
                         RtxOperation      *operation,
                         gboolean           by_server);

G_END_DECLS
