/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "rtx-multipart.h"
#include "rtx-router.h"
#include "rtx-runtime.h"

G_BEGIN_DECLS

/**
 * RtxUpload:
 *
 * A multipart upload received as it streams in: the file part spooled to a file under the data
 * directory, the text fields in memory, and what went wrong, if anything. Attached to the
 * message by the early handler of operations marked `x-rtx-upload` in openapi.json; their
 * handlers read it with rtx_upload_get().
 */
typedef struct _RtxUpload RtxUpload;

guint64       rtx_upload_max_bytes       (void);
gboolean      rtx_upload_attach_if_wanted (RtxOperation      *operation,
                                           RtxRuntime        *runtime,
                                           SoupServerMessage *msg);
RtxUpload    *rtx_upload_get             (SoupServerMessage *msg);
const GError *rtx_upload_get_error       (RtxUpload         *upload,
                                          guint             *status);
RtxMultipart *rtx_upload_get_form        (RtxUpload         *upload);
char         *rtx_upload_steal_file      (RtxUpload         *upload) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
