/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rtx-db.h"

G_BEGIN_DECLS

#define RTX_DOCUMENTS_DEFAULT_FOLDER "custom-documents"

/**
 * RtxDocument:
 *
 * A ready document: its row, with AnythingLLM's document object fields. Its location is
 * `folder/name`.
 */
typedef struct {
  gint64  id;
  char   *doc_id;
  char   *folder;
  char   *name;
  char   *url;
  char   *title;
  char   *doc_author;
  char   *description;
  char   *doc_source;
  char   *chunk_source;
  char   *published;
  gint64  word_count;
  gint64  token_count_estimate;
  gint64  n_chunks;
  gint64  created_at;
} RtxDocument;

/**
 * RtxDocumentChunk:
 * @text: the chunk's text
 * @tokens: its estimated size in tokens
 */
typedef struct {
  const char *text;
  guint       tokens;
} RtxDocumentChunk;

#define RTX_TYPE_DOCUMENTS (rtx_documents_get_type ())
G_DECLARE_FINAL_TYPE (RtxDocuments, rtx_documents, RTX, DOCUMENTS, GObject)

RtxDocuments *rtx_documents_new                (RtxDb            *db,
                                                const char       *data_dir) G_GNUC_WARN_UNUSED_RESULT;
const char   *rtx_documents_get_dir            (RtxDocuments     *self);
gboolean      rtx_documents_folder_name_valid  (const char       *name);
gboolean      rtx_documents_file_name_valid    (const char       *name);
gboolean      rtx_documents_split_location     (const char       *location,
                                                char            **folder,
                                                char            **name);
char         *rtx_documents_safe_stem          (const char       *name) G_GNUC_WARN_UNUSED_RESULT;

gboolean      rtx_documents_create_folder      (RtxDocuments     *self,
                                                const char       *name,
                                                GError          **error);
gboolean      rtx_documents_ensure_folder      (RtxDocuments     *self,
                                                const char       *name,
                                                GError          **error);
gboolean      rtx_documents_folder_exists      (RtxDocuments     *self,
                                                const char       *name);
gboolean      rtx_documents_remove_folder      (RtxDocuments     *self,
                                                const char       *name,
                                                GError          **error);
GStrv         rtx_documents_list_folders       (RtxDocuments     *self,
                                                GError          **error);
GPtrArray    *rtx_documents_list               (RtxDocuments     *self,
                                                const char       *folder,
                                                guint             offset,
                                                guint             limit,
                                                guint            *total,
                                                GError          **error);
RtxDocument  *rtx_documents_find_by_name       (RtxDocuments     *self,
                                                const char       *name,
                                                GError          **error);
RtxDocument  *rtx_documents_find_by_id         (RtxDocuments     *self,
                                                gint64            id,
                                                GError          **error);
RtxDocument  *rtx_documents_find_by_location   (RtxDocuments     *self,
                                                const char       *location,
                                                GError          **error);
gboolean      rtx_documents_insert             (RtxDocuments     *self,
                                                RtxDocument      *doc,
                                                const char       *page_content,
                                                const RtxDocumentChunk *chunks,
                                                guint             n_chunks,
                                                GError          **error);
gboolean      rtx_documents_move               (RtxDocuments     *self,
                                                const char       *from,
                                                const char       *to,
                                                GError          **error);
guint         rtx_documents_remove             (RtxDocuments     *self,
                                                const char * const *locations,
                                                GError          **error);
gboolean      rtx_documents_keep_original      (RtxDocuments     *self,
                                                const char       *doc_id,
                                                const char       *path,
                                                GError          **error);
gint64        rtx_documents_count_vectors      (RtxDocuments     *self);

char         *rtx_document_location            (const RtxDocument *doc) G_GNUC_WARN_UNUSED_RESULT;
void          rtx_document_add_fields          (const RtxDocument *doc,
                                                JsonBuilder      *builder);
JsonNode     *rtx_document_to_json             (const RtxDocument *doc,
                                                const char       *page_content) G_GNUC_WARN_UNUSED_RESULT;
void          rtx_document_free                (RtxDocument      *doc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RtxDocument, rtx_document_free)

G_END_DECLS
