/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * RtxMultipart:
 *
 * A bounded, incremental parser of `multipart/form-data` bodies, fed as the body arrives. The
 * one file part is written to a file descriptor as it is parsed, so an upload is never held in
 * memory; other parts are small text fields kept in memory. Ours rather than libsoup's, whose
 * multipart code in Debian's 3.2 lacks the 2025 fixes.
 */
typedef struct _RtxMultipart RtxMultipart;

/**
 * RtxMultipartLimits:
 * @max_file_bytes: the file part's largest size
 * @max_field_bytes: a text field's largest size
 * @max_fields: the most text fields
 * @max_header_bytes: one part's headers' largest size
 */
typedef struct {
  guint64 max_file_bytes;
  gsize   max_field_bytes;
  guint   max_fields;
  gsize   max_header_bytes;
} RtxMultipartLimits;

typedef enum {
  RTX_MULTIPART_ERROR_MALFORMED,
  RTX_MULTIPART_ERROR_TOO_LARGE,
  RTX_MULTIPART_ERROR_IO,
} RtxMultipartError;

#define RTX_MULTIPART_ERROR (rtx_multipart_error_quark ())
GQuark        rtx_multipart_error_quark   (void);

char         *rtx_multipart_boundary      (const char               *content_type) G_GNUC_WARN_UNUSED_RESULT;
RtxMultipart *rtx_multipart_new           (const char               *boundary,
                                           const char               *file_field,
                                           int                       file_fd,
                                           const RtxMultipartLimits *limits);
void          rtx_multipart_free          (RtxMultipart             *self);
gboolean      rtx_multipart_feed          (RtxMultipart             *self,
                                           const char               *data,
                                           gsize                     length,
                                           GError                  **error);
gboolean      rtx_multipart_finish        (RtxMultipart             *self,
                                           GError                  **error);
const char   *rtx_multipart_get_field     (RtxMultipart             *self,
                                           const char               *name);
gboolean      rtx_multipart_has_file      (RtxMultipart             *self);
const char   *rtx_multipart_get_filename  (RtxMultipart             *self);
guint64       rtx_multipart_get_file_size (RtxMultipart             *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxMultipart, rtx_multipart_free)

G_END_DECLS
