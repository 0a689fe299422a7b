/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-router.h"
#include "rtx-server.h"

G_BEGIN_DECLS

/* For tests: serve @router instead of the one built from the compiled-in openapi.json. */
void rtx_server_set_router (RtxServer *self,
                            RtxRouter *router);

G_END_DECLS
