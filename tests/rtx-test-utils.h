/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *rtx_test_data_dir_new   (const char   *name) G_GNUC_WARN_UNUSED_RESULT;
void      rtx_test_record_key     (const char   *key);
void      rtx_test_record_secret  (const char   *secret);
void      rtx_test_wait_for       (gboolean     *flag,
                                   guint         timeout_ms);
char     *rtx_test_read_file      (const char   *path,
                                   gsize        *length) G_GNUC_WARN_UNUSED_RESULT;
gboolean  rtx_test_file_contains  (const char   *path,
                                   const char   *needle);

G_END_DECLS
