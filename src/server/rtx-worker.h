/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-request.h"

G_BEGIN_DECLS

/**
 * RtxWorkerFunc:
 * @req: the request (read its parameters and runtime; never its message)
 * @data: the handler's data
 * @status: (out): the reply's status, 200 unless set
 * @error: the failure, replied by the #RtxWorkerErrorFunc
 *
 * Work that touches the disk (SQLite commits wait for it), run in a worker thread.
 *
 * Returns: (transfer full) (nullable): the reply body, or %NULL with @error set
 */
typedef JsonNode *(*RtxWorkerFunc)      (RtxRequest    *req,
                                         gpointer       data,
                                         guint         *status,
                                         GError       **error);
typedef void      (*RtxWorkerErrorFunc) (RtxRequest    *req,
                                         const GError  *error);

void rtx_worker_reply (RtxRequest         *req,
                       RtxWorkerFunc       func,
                       gpointer            data,
                       GDestroyNotify      destroy,
                       RtxWorkerErrorFunc  on_error);

G_END_DECLS
