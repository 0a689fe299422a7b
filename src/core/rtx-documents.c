/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rtx-documents.h"
#include "rtx-error.h"
#include "rtx-json.h"

/**
 * RtxDocuments:
 *
 * The document store: AnythingLLM's `documents/<folder>/<name>.json` files under the data
 * directory, and the rows that make a document exist for the API. A document and all its
 * chunks are written in one transaction; its JSON file is written first, so a crash leaves at
 * worst an unlisted file, never a listed document without its chunks.
 *
 * Folder and file names are checked against a strict character set before any path is built
 * from them, and directories are never followed through symbolic links.
 */
struct _RtxDocuments {
  GObject  parent_instance;

  RtxDb   *db;
  char    *dir;
};

G_DEFINE_FINAL_TYPE (RtxDocuments, rtx_documents, G_TYPE_OBJECT)

#define DOC_COLUMNS "id, doc_id, folder, name, url, title, doc_author, description, doc_source, " \
                    "chunk_source, published, word_count, token_count_estimate, n_chunks, created_at"

static void
rtx_documents_finalize (GObject *object)
{
  RtxDocuments *self = (RtxDocuments *) object;

  g_clear_object (&self->db);
  g_clear_pointer (&self->dir, g_free);

  G_OBJECT_CLASS (rtx_documents_parent_class)->finalize (object);
}

static void
rtx_documents_class_init (RtxDocumentsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rtx_documents_finalize;
}

static void
rtx_documents_init (RtxDocuments *self)
{
}

RtxDocuments *
rtx_documents_new (RtxDb      *db,
                   const char *data_dir)
{
  RtxDocuments *self = g_object_new (RTX_TYPE_DOCUMENTS, NULL);

  self->db = g_object_ref (db);
  self->dir = g_build_filename (data_dir, "documents", NULL);

  return self;
}

const char *
rtx_documents_get_dir (RtxDocuments *self)
{
  return self->dir;
}

/* ---- Names ------------------------------------------------------------------------------- */

static gboolean
name_chars_valid (const char *name,
                  gsize       max,
                  gboolean    allow_space)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len == 0 || len > max || name[0] == '.' || name[0] == ' ' || name[len - 1] == ' ')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.' && !(allow_space && *p == ' '))
      return FALSE;

  return TRUE;
}

/**
 * rtx_documents_folder_name_valid:
 *
 * Letters, digits, space, '-', '_' and '.', not starting with '.': no separator, no "..",
 * nothing that could leave the documents directory.
 */
gboolean
rtx_documents_folder_name_valid (const char *name)
{
  return name_chars_valid (name, 100, TRUE);
}

gboolean
rtx_documents_file_name_valid (const char *name)
{
  return name_chars_valid (name, 255, FALSE);
}

/**
 * rtx_documents_split_location:
 * @location: "folder/name.json"
 *
 * Returns: %TRUE when @location is exactly one valid folder and one valid file name
 */
gboolean
rtx_documents_split_location (const char  *location,
                              char       **folder,
                              char       **name)
{
  const char *slash = location != NULL ? strchr (location, '/') : NULL;
  g_autofree char *f = NULL;

  if (slash == NULL)
    return FALSE;
  f = g_strndup (location, slash - location);
  if (!rtx_documents_folder_name_valid (f) || !rtx_documents_file_name_valid (slash + 1))
    return FALSE;

  *folder = g_steal_pointer (&f);
  *name = g_strdup (slash + 1);
  return TRUE;
}

/**
 * rtx_documents_safe_stem:
 * @name: a name from outside (an uploaded file's name, a title, a URL)
 *
 * Returns: a stem for a generated file name: the last path component of @name, with every
 *   character outside [A-Za-z0-9._-] replaced by '-', no leading dots, at most 80 bytes
 */
char *
rtx_documents_safe_stem (const char *name)
{
  const char *base = name != NULL ? name : "";
  GString *out = g_string_new (NULL);

  for (const char *p = base; *p != '\0'; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;

  for (const char *p = base; *p != '\0' && out->len < 80; p++) {
    char c = *p;

    if (!g_ascii_isalnum (c) && c != '.' && c != '_' && c != '-')
      c = '-';
    if (c == '-' && out->len > 0 && out->str[out->len - 1] == '-')
      continue;
    if ((c == '.' || c == '-') && out->len == 0)
      continue;
    g_string_append_c (out, c);
  }

  if (out->len == 0)
    g_string_append (out, "document");
  return g_string_free (out, FALSE);
}

/* ---- Files ------------------------------------------------------------------------------- */

/* Makes @path a directory, refusing a symbolic link or anything else in its place. */
static gboolean
ensure_real_dir (const char  *path,
                 GError     **error)
{
  struct stat st;

  if (g_mkdir (path, 0700) != 0 && errno != EEXIST) {
    int saved = errno;

    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Could not create “%s”: %s"), path,
                 g_strerror (saved));
    return FALSE;
  }
  /* Something other than a directory of ours took the name: a link planted to lead writes
   * elsewhere, or a file. The name is refused; the path is not told. */
  if (lstat (path, &st) != 0 || !S_ISDIR (st.st_mode)) {
    g_autofree char *base = g_path_get_basename (path);

    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a plain directory; refusing to use it"), base);
    return FALSE;
  }
  return TRUE;
}

static char *
folder_path (RtxDocuments *self,
             const char   *folder)
{
  return g_build_filename (self->dir, folder, NULL);
}

/* Writes @contents to @folder/@name through a temporary file and a rename, never following a
 * link. */
static gboolean
write_document_file (RtxDocuments  *self,
                     const char    *folder,
                     const char    *name,
                     const char    *contents,
                     GError       **error)
{
  g_autofree char *dir = folder_path (self, folder);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  gsize len = strlen (contents);
  int fd;

  if (!ensure_real_dir (self->dir, error) || !ensure_real_dir (dir, error))
    return FALSE;

  g_unlink (tmp);
  fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int saved = errno;

    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Could not write “%s”: %s"), tmp,
                 g_strerror (saved));
    return FALSE;
  }
  while (len > 0) {
    ssize_t n = write (fd, contents, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int saved = errno;

      close (fd);
      g_unlink (tmp);
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Could not write “%s”: %s"), tmp,
                   g_strerror (saved));
      return FALSE;
    }
    contents += n;
    len -= n;
  }
  close (fd);

  if (g_rename (tmp, path) != 0) {
    int saved = errno;

    g_unlink (tmp);
    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Could not write “%s”: %s"), path,
                 g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

static void
unlink_document_file (RtxDocuments *self,
                      const char   *folder,
                      const char   *name)
{
  g_autofree char *path = g_build_filename (self->dir, folder, name, NULL);

  g_unlink (path);
}

static char *
original_path (RtxDocuments *self,
               const char   *doc_id)
{
  g_autofree char *parent = g_path_get_dirname (self->dir);

  return g_build_filename (parent, "originals", doc_id, NULL);
}

static void
unlink_original (RtxDocuments *self,
                 const char   *doc_id)
{
  g_autofree char *path = original_path (self, doc_id);

  g_unlink (path);
}

/**
 * rtx_documents_keep_original:
 * @doc_id: the document's id
 * @path: the uploaded file, on the same file system; it is moved
 *
 * Keeps an uploaded original as `originals/<doc_id>` beside the documents directory.
 */
gboolean
rtx_documents_keep_original (RtxDocuments  *self,
                             const char    *doc_id,
                             const char    *path,
                             GError       **error)
{
  g_autofree char *target = original_path (self, doc_id);
  g_autofree char *dir = g_path_get_dirname (target);

  if (!ensure_real_dir (dir, error))
    return FALSE;
  if (g_rename (path, target) != 0) {
    int saved = errno;

    g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, _("Could not keep the original: %s"),
                 g_strerror (saved));
    return FALSE;
  }
  return TRUE;
}

/* ---- Rows -------------------------------------------------------------------------------- */

void
rtx_document_free (RtxDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->doc_id);
  g_free (doc->folder);
  g_free (doc->name);
  g_free (doc->url);
  g_free (doc->title);
  g_free (doc->doc_author);
  g_free (doc->description);
  g_free (doc->doc_source);
  g_free (doc->chunk_source);
  g_free (doc->published);
  g_free (doc);
}

static RtxDocument *
document_from_row (RtxStmt *stmt)
{
  RtxDocument *doc = g_new0 (RtxDocument, 1);

  doc->id = sqlite3_column_int64 (stmt, 0);
  doc->doc_id = rtx_stmt_dup_text (stmt, 1);
  doc->folder = rtx_stmt_dup_text (stmt, 2);
  doc->name = rtx_stmt_dup_text (stmt, 3);
  doc->url = rtx_stmt_dup_text (stmt, 4);
  doc->title = rtx_stmt_dup_text (stmt, 5);
  doc->doc_author = rtx_stmt_dup_text (stmt, 6);
  doc->description = rtx_stmt_dup_text (stmt, 7);
  doc->doc_source = rtx_stmt_dup_text (stmt, 8);
  doc->chunk_source = rtx_stmt_dup_text (stmt, 9);
  doc->published = rtx_stmt_dup_text (stmt, 10);
  doc->word_count = sqlite3_column_int64 (stmt, 11);
  doc->token_count_estimate = sqlite3_column_int64 (stmt, 12);
  doc->n_chunks = sqlite3_column_int64 (stmt, 13);
  doc->created_at = sqlite3_column_int64 (stmt, 14);

  return doc;
}

char *
rtx_document_location (const RtxDocument *doc)
{
  return g_strconcat (doc->folder, "/", doc->name, NULL);
}

/**
 * rtx_document_add_fields:
 *
 * Adds AnythingLLM's document object fields to the object being built.
 */
void
rtx_document_add_fields (const RtxDocument *doc,
                         JsonBuilder       *builder)
{
  g_autofree char *location = rtx_document_location (doc);
  const struct { const char *name; const char *value; } strings[] = {
    { "id", doc->doc_id }, { "url", doc->url }, { "title", doc->title },
    { "docAuthor", doc->doc_author }, { "description", doc->description },
    { "docSource", doc->doc_source }, { "chunkSource", doc->chunk_source },
    { "published", doc->published },
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++) {
    json_builder_set_member_name (builder, strings[i].name);
    json_builder_add_string_value (builder, strings[i].value != NULL ? strings[i].value : "");
  }
  json_builder_set_member_name (builder, "wordCount");
  json_builder_add_int_value (builder, doc->word_count);
  json_builder_set_member_name (builder, "token_count_estimate");
  json_builder_add_int_value (builder, doc->token_count_estimate);
  json_builder_set_member_name (builder, "location");
  json_builder_add_string_value (builder, location);
}

/**
 * rtx_document_to_json:
 * @page_content: (nullable): the text, for the file on disk and the upload answers
 *
 * Returns: (transfer full): the document object
 */
JsonNode *
rtx_document_to_json (const RtxDocument *doc,
                      const char        *page_content)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  rtx_document_add_fields (doc, builder);
  if (page_content != NULL) {
    json_builder_set_member_name (builder, "pageContent");
    json_builder_add_string_value (builder, page_content);
  }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---- Folders ----------------------------------------------------------------------------- */

gboolean
rtx_documents_folder_exists (RtxDocuments *self,
                             const char   *name)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "SELECT 1 FROM document_folders WHERE name = ?1", NULL);
  gboolean row = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  return rtx_db_step_row (self->db, stmt, &row, NULL) && row;
}

static gboolean
check_folder_name (const char  *name,
                   GError     **error)
{
  if (rtx_documents_folder_name_valid (name))
    return TRUE;
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
               _("Invalid folder name: use letters, digits, spaces, “-”, “_” and “.”, "
                 "not starting with “.”, at most 100 characters"));
  return FALSE;
}

static gboolean
insert_folder (RtxDocuments  *self,
               const char    *name,
               gboolean       or_ignore,
               GError       **error)
{
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *dir = folder_path (self, name);

  if (!ensure_real_dir (self->dir, error) || !ensure_real_dir (dir, error))
    return FALSE;

  stmt = rtx_db_prepare (self->db,
                         or_ignore
                         ? "INSERT OR IGNORE INTO document_folders (name, created_at) VALUES (?1, ?2)"
                         : "INSERT INTO document_folders (name, created_at) VALUES (?1, ?2)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  return rtx_db_step_done (self->db, stmt, error);
}

gboolean
rtx_documents_create_folder (RtxDocuments  *self,
                             const char    *name,
                             GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!check_folder_name (name, error))
    return FALSE;
  if (!insert_folder (self, name, FALSE, &local_error)) {
    if (g_error_matches (local_error, RTX_ERROR, RTX_ERROR_CONFLICT))
      g_set_error (error, RTX_ERROR, RTX_ERROR_CONFLICT, _("Folder “%s” already exists"), name);
    else
      g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return TRUE;
}

gboolean
rtx_documents_ensure_folder (RtxDocuments  *self,
                             const char    *name,
                             GError       **error)
{
  return check_folder_name (name, error) && insert_folder (self, name, TRUE, error);
}

GStrv
rtx_documents_list_folders (RtxDocuments  *self,
                            GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
                                            "SELECT name FROM document_folders ORDER BY name", error);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  gboolean row = FALSE;

  if (stmt == NULL)
    return NULL;
  while (rtx_db_step_row (self->db, stmt, &row, error) && row)
    g_strv_builder_add (names, (const char *) sqlite3_column_text (stmt, 0));
  if (error != NULL && *error != NULL)
    return NULL;
  return g_strv_builder_end (names);
}

/* ---- Documents --------------------------------------------------------------------------- */

/**
 * rtx_documents_list:
 * @folder: (nullable): one folder, or every document
 * @limit: 0 for no limit
 * @total: (out) (optional): how many there are in all
 *
 * Returns: (transfer full) (element-type RtxDocument): documents ordered by folder and name
 */
GPtrArray *
rtx_documents_list (RtxDocuments  *self,
                    const char    *folder,
                    guint          offset,
                    guint          limit,
                    guint         *total,
                    GError       **error)
{
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_document_free);
  gboolean row = FALSE;

  {
    g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
      "SELECT " DOC_COLUMNS " FROM documents WHERE ?1 IS NULL OR folder = ?1 "
      "ORDER BY folder, name LIMIT ?2 OFFSET ?3", error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, folder, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);
    sqlite3_bind_int64 (stmt, 3, offset);
    if (!rtx_db_collect (self->db, stmt, docs, (RtxRowFunc) document_from_row, error))
      return NULL;
  }

  if (total != NULL) {
    g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
      "SELECT count(*) FROM documents WHERE ?1 IS NULL OR folder = ?1", error);

    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, folder, -1, SQLITE_TRANSIENT);
    if (!rtx_db_step_row (self->db, stmt, &row, error))
      return NULL;
    *total = row ? (guint) sqlite3_column_int64 (stmt, 0) : 0;
  }

  return g_steal_pointer (&docs);
}

static RtxDocument *
find_one (RtxDocuments *self,
          const char   *sql,
          const char   *a,
          const char   *b,
          GError      **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, sql, error);
  gboolean row = FALSE;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, a, -1, SQLITE_TRANSIENT);
  if (b != NULL)
    sqlite3_bind_text (stmt, 2, b, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_row (self->db, stmt, &row, error))
    return NULL;
  if (!row) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No such document"));
    return NULL;
  }
  return document_from_row (stmt);
}

RtxDocument *
rtx_documents_find_by_name (RtxDocuments  *self,
                            const char    *name,
                            GError       **error)
{
  return find_one (self, "SELECT " DOC_COLUMNS " FROM documents WHERE name = ?1 "
                   "ORDER BY folder LIMIT 1", name, NULL, error);
}

RtxDocument *
rtx_documents_find_by_id (RtxDocuments  *self,
                          gint64         id,
                          GError       **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  return find_one (self, "SELECT " DOC_COLUMNS " FROM documents WHERE id = CAST (?1 AS INTEGER)",
                   text, NULL, error);
}

RtxDocument *
rtx_documents_find_by_location (RtxDocuments  *self,
                                const char    *location,
                                GError       **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;

  if (!rtx_documents_split_location (location, &folder, &name)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No such document"));
    return NULL;
  }
  return find_one (self, "SELECT " DOC_COLUMNS " FROM documents WHERE folder = ?1 AND name = ?2",
                   folder, name, error);
}

static gboolean
insert_rows (RtxDocuments            *self,
             RtxDocument             *doc,
             const RtxDocumentChunk  *chunks,
             guint                    n_chunks,
             GError                 **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db,
    "INSERT INTO documents (doc_id, folder, name, url, title, doc_author, description, "
    "doc_source, chunk_source, published, word_count, token_count_estimate, n_chunks, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", error);
  const char *texts[] = { doc->doc_id, doc->folder, doc->name, doc->url, doc->title,
                          doc->doc_author, doc->description, doc->doc_source,
                          doc->chunk_source, doc->published };

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    sqlite3_bind_text (stmt, i + 1, texts[i] != NULL ? texts[i] : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 11, doc->word_count);
  sqlite3_bind_int64 (stmt, 12, doc->token_count_estimate);
  sqlite3_bind_int64 (stmt, 13, n_chunks);
  sqlite3_bind_int64 (stmt, 14, doc->created_at);
  if (!rtx_db_step_done (self->db, stmt, error))
    return FALSE;
  doc->id = rtx_db_last_insert_rowid (self->db);
  doc->n_chunks = n_chunks;

  for (guint i = 0; i < n_chunks; i++) {
    g_autoptr(RtxStmt) chunk = rtx_db_prepare (self->db,
      "INSERT INTO document_chunks (document_id, seq, text, tokens) VALUES (?1, ?2, ?3, ?4)", error);

    if (chunk == NULL)
      return FALSE;
    sqlite3_bind_int64 (chunk, 1, doc->id);
    sqlite3_bind_int (chunk, 2, i);
    sqlite3_bind_text (chunk, 3, chunks[i].text, -1, SQLITE_STATIC);
    sqlite3_bind_int (chunk, 4, chunks[i].tokens);
    if (!rtx_db_step_done (self->db, chunk, error))
      return FALSE;
  }
  return TRUE;
}

/**
 * rtx_documents_insert:
 * @doc: the document; its @id is set
 * @page_content: its text, for the JSON file
 * @chunks: (array length=n_chunks): its chunks
 *
 * Writes the document's JSON file, then its row and every chunk in one transaction.
 */
gboolean
rtx_documents_insert (RtxDocuments            *self,
                      RtxDocument             *doc,
                      const char              *page_content,
                      const RtxDocumentChunk  *chunks,
                      guint                    n_chunks,
                      GError                 **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!rtx_documents_ensure_folder (self, doc->folder, error))
    return FALSE;
  if (!rtx_documents_file_name_valid (doc->name)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("Invalid document name"));
    return FALSE;
  }

  node = rtx_document_to_json (doc, page_content);
  json = rtx_json_to_string (node, TRUE);
  if (!write_document_file (self, doc->folder, doc->name, json, error))
    return FALSE;

  if (!rtx_db_begin (self->db, error))
    return FALSE;
  if (!insert_rows (self, doc, chunks, n_chunks, &local_error) ||
      !rtx_db_commit (self->db, &local_error)) {
    rtx_db_rollback (self->db);
    unlink_document_file (self, doc->folder, doc->name);
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  return TRUE;
}

static gboolean
delete_row (RtxDocuments  *self,
            gint64         id,
            GError       **error)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, "DELETE FROM documents WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return rtx_db_step_done (self->db, stmt, error);
}

/**
 * rtx_documents_remove:
 * @locations: "folder/name.json" of each document
 *
 * Removes each document with its chunks, vectors and workspace links, then its file. Unknown
 * or invalid locations are skipped.
 *
 * Returns: how many were removed, or 0 with @error set
 */
guint
rtx_documents_remove (RtxDocuments        *self,
                      const char * const  *locations,
                      GError             **error)
{
  guint removed = 0;

  for (guint i = 0; locations[i] != NULL; i++) {
    g_autoptr(RtxDocument) doc = rtx_documents_find_by_location (self, locations[i], NULL);

    if (doc == NULL)
      continue;
    if (!delete_row (self, doc->id, error))
      return 0;
    unlink_document_file (self, doc->folder, doc->name);
    unlink_original (self, doc->doc_id);
    removed++;
  }
  return removed;
}

gboolean
rtx_documents_remove_folder (RtxDocuments  *self,
                             const char    *name,
                             GError       **error)
{
  g_autoptr(GPtrArray) docs = NULL;
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *dir = NULL;

  if (!check_folder_name (name, error))
    return FALSE;
  if (!rtx_documents_folder_exists (self, name)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND, _("No folder “%s”"), name);
    return FALSE;
  }

  docs = rtx_documents_list (self, name, 0, 0, NULL, error);
  if (docs == NULL)
    return FALSE;
  for (guint i = 0; i < docs->len; i++) {
    RtxDocument *doc = g_ptr_array_index (docs, i);

    if (!delete_row (self, doc->id, error))
      return FALSE;
    unlink_document_file (self, doc->folder, doc->name);
    unlink_original (self, doc->doc_id);
  }

  /* The default folder stays, emptied, as in AnythingLLM. */
  if (g_str_equal (name, RTX_DOCUMENTS_DEFAULT_FOLDER))
    return TRUE;

  stmt = rtx_db_prepare (self->db, "DELETE FROM document_folders WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (!rtx_db_step_done (self->db, stmt, error))
    return FALSE;

  /* Only what is left of ours: removing the directory fails harmlessly if something else
   * lives there. */
  dir = folder_path (self, name);
  g_rmdir (dir);
  return TRUE;
}

/**
 * rtx_documents_move:
 * @from: "folder/name.json"
 * @to: "folder/name.json"; the name must stay the same
 */
gboolean
rtx_documents_move (RtxDocuments  *self,
                    const char    *from,
                    const char    *to,
                    GError       **error)
{
  g_autofree char *to_folder = NULL;
  g_autofree char *to_name = NULL;
  g_autoptr(RtxDocument) doc = NULL;
  g_autoptr(RtxStmt) stmt = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *new_dir = NULL;
  g_autofree char *new_path = NULL;

  if (!rtx_documents_split_location (to, &to_folder, &to_name)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("Invalid destination “%s”"), to);
    return FALSE;
  }
  doc = rtx_documents_find_by_location (self, from, error);
  if (doc == NULL)
    return FALSE;
  if (!g_str_equal (doc->name, to_name)) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("A move keeps the file name; only the folder changes"));
    return FALSE;
  }
  if (!rtx_documents_ensure_folder (self, to_folder, error))
    return FALSE;

  old_path = g_build_filename (self->dir, doc->folder, doc->name, NULL);
  new_dir = folder_path (self, to_folder);
  new_path = g_build_filename (new_dir, to_name, NULL);

  stmt = rtx_db_prepare (self->db, "UPDATE documents SET folder = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, to_folder, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, doc->id);
  if (!rtx_db_step_done (self->db, stmt, error))
    return FALSE;

  g_rename (old_path, new_path);
  return TRUE;
}

gint64
rtx_documents_count_vectors (RtxDocuments *self)
{
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (self->db, "SELECT count(*) FROM chunk_vectors", NULL);
  gboolean row = FALSE;

  if (stmt == NULL || !rtx_db_step_row (self->db, stmt, &row, NULL) || !row)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}
