/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Documents made by the tests themselves: nothing is downloaded. */

typedef struct {
  const char *name;     /* entry name inside the archive */
  const char *data;
  gssize      length;   /* -1: a string */
} RtxTestZipEntry;

GBytes *rtx_test_make_zip      (const RtxTestZipEntry *entries,
                                guint                  n_entries);
GBytes *rtx_test_make_pdf      (const char * const    *pages,
                                const char            *title);
GBytes *rtx_test_make_docx     (const char            *paragraph_xml_text);
GBytes *rtx_test_make_xlsx     (const char * const    *cells);
GBytes *rtx_test_make_pptx     (const char            *slide_text);
GBytes *rtx_test_make_odt      (const char            *text);
char   *rtx_test_write_temp    (GBytes                *bytes,
                                const char            *suffix);

G_END_DECLS
