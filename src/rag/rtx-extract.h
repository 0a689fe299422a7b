/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * RtxDocType:
 *
 * The kinds of file the runtime extracts text from. The kind is chosen from the file name's
 * extension; the content decides whether extraction succeeds.
 */
typedef enum {
  RTX_DOC_UNKNOWN,
  RTX_DOC_TEXT,
  RTX_DOC_MARKDOWN,
  RTX_DOC_HTML,
  RTX_DOC_PDF,
  RTX_DOC_DOCX,
  RTX_DOC_ODT,
  RTX_DOC_PPTX,
  RTX_DOC_XLSX,
  RTX_DOC_CSV,
  RTX_DOC_JSON,
  RTX_DOC_CODE,
} RtxDocType;

/**
 * RtxExtracted:
 * @title: (nullable): the title the file declares
 * @author: (nullable): the author the file declares
 * @text: the text, valid UTF-8
 */
typedef struct {
  char *title;
  char *author;
  char *text;
} RtxExtracted;

/**
 * RtxExtractLimits:
 * @memory_bytes: the child's address space (RLIMIT_AS)
 * @cpu_seconds: its CPU time (RLIMIT_CPU)
 * @wall_seconds: how long it may run before it is killed
 * @output_bytes: the most text it may return
 */
typedef struct {
  guint64 memory_bytes;
  guint   cpu_seconds;
  guint   wall_seconds;
  guint64 output_bytes;
} RtxExtractLimits;

RtxDocType    rtx_doc_type_for_name         (const char              *filename);
const char   *rtx_doc_type_to_string        (RtxDocType               type);
RtxDocType    rtx_doc_type_from_string      (const char              *name);
JsonNode     *rtx_doc_accepted_types_json   (void) G_GNUC_WARN_UNUSED_RESULT;

void          rtx_extract_limits_init       (RtxExtractLimits        *limits);
RtxExtracted *rtx_extract_file              (const char              *path,
                                             RtxDocType               type,
                                             const RtxExtractLimits  *limits,
                                             GCancellable            *cancellable,
                                             GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
void          rtx_extracted_free            (RtxExtracted            *extracted);

/* The child's side: parses @data in this process. Only the extraction child calls it. */
RtxExtracted *rtx_extract_parse             (RtxDocType               type,
                                             GBytes                  *data,
                                             GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
RtxExtracted *rtx_extract_parse_office      (RtxDocType               type,
                                             GBytes                  *data,
                                             GError                 **error) G_GNUC_WARN_UNUSED_RESULT;
char         *rtx_extract_tidy_text         (const char              *text,
                                             gssize                   length) G_GNUC_WARN_UNUSED_RESULT;
int           rtx_extract_child_main        (int                      argc,
                                             char                   **argv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxExtracted, rtx_extracted_free)

G_END_DECLS
