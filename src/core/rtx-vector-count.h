/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-db.h"

G_BEGIN_DECLS

gboolean rtx_vector_count (RtxDb   *db,
                           gint64  *out_count,
                           GError **error);

G_END_DECLS
