/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-extract.h"
#include "rtx-extract-libs.h"

/* An office file is a ZIP of XML parts. These caps refuse archive bombs before they inflate:
 * entry count, total inflated size, inflated size against the file's size (Apache POI's
 * default minimum inflate ratio is 1:100), and one part's size. */
#define MAX_ENTRIES       10000
#define MAX_TOTAL_BYTES   ((gint64) 256 << 20)
#define MAX_PART_BYTES    ((gint64) 64 << 20)
#define MAX_RATIO         100
#define RATIO_SLACK_BYTES ((gint64) 1 << 20)

typedef struct {
  RtxDocType  type;
  GHashTable *parts;     /* entry name → GBytes, only the parts this type reads */
  gint64      inflated;
  gint64      budget;
} Archive;

static gboolean
wanted_part (RtxDocType  type,
             const char *name)
{
  switch (type) {
  case RTX_DOC_DOCX:
    return g_str_equal (name, "word/document.xml") || g_str_equal (name, "docProps/core.xml");
  case RTX_DOC_ODT:
    return g_str_equal (name, "content.xml") || g_str_equal (name, "meta.xml");
  case RTX_DOC_PPTX:
    return (g_str_has_prefix (name, "ppt/slides/slide") && g_str_has_suffix (name, ".xml") &&
            strchr (name + strlen ("ppt/slides/"), '/') == NULL) ||
           g_str_equal (name, "docProps/core.xml");
  case RTX_DOC_XLSX:
    return (g_str_has_prefix (name, "xl/worksheets/sheet") && g_str_has_suffix (name, ".xml")) ||
           g_str_equal (name, "xl/sharedStrings.xml") || g_str_equal (name, "docProps/core.xml");
  default:
    return FALSE;
  }
}

static gboolean
refuse (GError    **error,
        const char *reason)
{
  g_set_error_literal (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, reason);
  return FALSE;
}

/* Reads (or skips, counting) one entry's data; every inflated byte counts against the caps,
 * whether the part is kept or not. */
static gboolean
read_entry (Archive         *arc,
            struct archive  *a,
            const char      *name,
            GError         **error)
{
  gboolean keep = wanted_part (arc->type, name);
  g_autoptr(GByteArray) buf = keep ? g_byte_array_new () : NULL;
  char chunk[65536];

  for (;;) {
    la_ssize_t n = rtx_libarchive.archive_read_data (a, chunk, sizeof chunk);

    if (n < 0)
      return refuse (error, _("The archive is damaged or encrypted"));
    if (n == 0)
      break;

    arc->inflated += n;
    if (arc->inflated > arc->budget)
      return refuse (error, _("The archive inflates far beyond its size (a zip bomb?)"));
    if (keep) {
      if ((gint64) buf->len + n > MAX_PART_BYTES)
        return refuse (error, _("A part of the document is too large"));
      g_byte_array_append (buf, (const guint8 *) chunk, n);
    }
  }

  if (keep)
    g_hash_table_replace (arc->parts, g_strdup (name),
                          g_byte_array_free_to_bytes (g_steal_pointer (&buf)));
  return TRUE;
}

static gboolean
read_archive (Archive  *arc,
              GBytes   *data,
              GError  **error)
{
  struct archive *a = rtx_libarchive.archive_read_new ();
  struct archive_entry *entry;
  gsize len;
  const void *bytes = g_bytes_get_data (data, &len);
  guint entries = 0;
  gboolean ok = TRUE;
  int rc;

  arc->budget = MIN (MAX_TOTAL_BYTES, (gint64) len * MAX_RATIO + RATIO_SLACK_BYTES);

  rtx_libarchive.archive_read_support_format_zip (a);
  if (rtx_libarchive.archive_read_open_memory (a, bytes, len) != ARCHIVE_OK) {
    rtx_libarchive.archive_read_free (a);
    return refuse (error, _("The file is not a valid ZIP archive"));
  }

  while ((rc = rtx_libarchive.archive_read_next_header (a, &entry)) == ARCHIVE_OK) {
    const char *name = rtx_libarchive.archive_entry_pathname (entry);

    if (++entries > MAX_ENTRIES) {
      ok = refuse (error, _("The archive has too many entries"));
      break;
    }
    /* Links and odd entries are never followed; nothing is written to disk anyway. */
    if (name == NULL || rtx_libarchive.archive_entry_filetype (entry) != AE_IFREG) {
      rtx_libarchive.archive_read_data_skip (a);
      continue;
    }
    if (rtx_libarchive.archive_entry_size_is_set (entry) &&
        rtx_libarchive.archive_entry_size (entry) > MAX_TOTAL_BYTES) {
      ok = refuse (error, _("The archive inflates far beyond its size (a zip bomb?)"));
      break;
    }
    if (!read_entry (arc, a, name, error)) {
      ok = FALSE;
      break;
    }
  }

  if (ok && rc != ARCHIVE_EOF)
    ok = refuse (error, _("The archive is damaged or encrypted"));

  rtx_libarchive.archive_read_free (a);
  return ok;
}

/* ---- XML --------------------------------------------------------------------------------- */

/* Parts with a DTD are refused before parsing: office formats never need one, and a DTD is
 * how entity bombs (billion laughs) and external entities get in. "<!" in UTF-16 is refused
 * too, since the byte search would miss a DTD there. */
static xmlDoc *
parse_part (GBytes  *part,
            GError **error)
{
  gsize len;
  const char *bytes = g_bytes_get_data (part, &len);
  xmlDoc *doc;

  if (memmem (bytes, len, "<!DOCTYPE", 9) != NULL || memmem (bytes, len, "<!ENTITY", 8) != NULL ||
      memmem (bytes, len, "<\0!\0", 4) != NULL || memmem (bytes, len, "\0<\0!", 4) != NULL) {
    refuse (error, _("The document declares a DTD or entities, which are not allowed"));
    return NULL;
  }
  if (len > G_MAXINT) {
    refuse (error, _("A part of the document is too large"));
    return NULL;
  }

  doc = rtx_libxml.xmlReadMemory (bytes, (int) len, NULL, NULL,
                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL || doc->intSubset != NULL) {
    if (doc != NULL)
      rtx_libxml.xmlFreeDoc (doc);
    refuse (error, _("A part of the document is not well-formed XML"));
    return NULL;
  }

  return doc;
}

static gboolean
is_break (const char *name)
{
  static const char * const breaks[] = { "p", "br", "tr", "h", "row", "list-item",
                                         "table-row", "line-break", "si", NULL };
  return g_strv_contains (breaks, name);
}

static gboolean
is_tab (const char *name)
{
  static const char * const tabs[] = { "tab", "tc", "table-cell", NULL };
  return g_strv_contains (tabs, name);
}

/* Text nodes in document order, with line breaks at paragraphs and rows and tabs at cells. */
static void
xml_walk (xmlNode *node,
          GString *out)
{
  for (; node != NULL; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      g_string_append (out, (const char *) node->content);
    } else if (node->type == XML_ELEMENT_NODE) {
      const char *name = (const char *) node->name;

      /* Word's instruction text holds field codes, not prose. */
      if (g_str_equal (name, "instrText") || g_str_equal (name, "delText"))
        continue;
      if (is_tab (name))
        g_string_append_c (out, '\t');
      xml_walk (node->children, out);
      if (is_break (name))
        g_string_append_c (out, '\n');
    }
  }
}

static char *
element_text (xmlNode    *node,
              const char *name)
{
  for (; node != NULL; node = node->next) {
    char *found;

    if (node->type != XML_ELEMENT_NODE)
      continue;
    if (g_str_equal ((const char *) node->name, name)) {
      xmlChar *content = rtx_libxml.xmlNodeGetContent (node);
      char *text = g_strstrip (g_strdup ((const char *) content));

      g_free (content);   /* libxml2's xmlFree is free(), as g_free() is */
      return text;
    }
    if ((found = element_text (node->children, name)) != NULL)
      return found;
  }
  return NULL;
}

static gboolean
part_text (Archive    *arc,
           const char *name,
           GString    *out,
           GError    **error)
{
  GBytes *part = g_hash_table_lookup (arc->parts, name);
  xmlDoc *doc;

  if (part == NULL)
    return TRUE;
  doc = parse_part (part, error);
  if (doc == NULL)
    return FALSE;
  xml_walk (rtx_libxml.xmlDocGetRootElement (doc), out);
  g_string_append_c (out, '\n');
  rtx_libxml.xmlFreeDoc (doc);
  return TRUE;
}

static gboolean
read_properties (Archive       *arc,
                 const char    *name,
                 RtxExtracted  *extracted,
                 GError       **error)
{
  GBytes *part = g_hash_table_lookup (arc->parts, name);
  xmlDoc *doc;
  xmlNode *root;

  if (part == NULL)
    return TRUE;
  doc = parse_part (part, error);
  if (doc == NULL)
    return FALSE;
  root = rtx_libxml.xmlDocGetRootElement (doc);
  extracted->title = element_text (root, "title");
  extracted->author = element_text (root, "creator");
  if (extracted->author == NULL)
    extracted->author = element_text (root, "initial-creator");
  rtx_libxml.xmlFreeDoc (doc);
  return TRUE;
}

/* Parts named with a number (slide3.xml, sheet12.xml) in numeric order. */
static int
compare_numbered (gconstpointer a,
                  gconstpointer b)
{
  const char *x = *(const char * const *) a;
  const char *y = *(const char * const *) b;
  const char *dx = strpbrk (x, "0123456789");
  const char *dy = strpbrk (y, "0123456789");
  long nx = dx ? strtol (dx, NULL, 10) : 0;
  long ny = dy ? strtol (dy, NULL, 10) : 0;

  return nx < ny ? -1 : nx > ny ? 1 : strcmp (x, y);
}

static GPtrArray *
numbered_parts (Archive    *arc,
                const char *prefix)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, arc->parts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_numbered);
  return names;
}

/* ---- XLSX -------------------------------------------------------------------------------- */

static GPtrArray *
shared_strings (Archive  *arc,
                GError  **error)
{
  GBytes *part = g_hash_table_lookup (arc->parts, "xl/sharedStrings.xml");
  GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);
  xmlDoc *doc;

  if (part == NULL)
    return strings;
  doc = parse_part (part, error);
  if (doc == NULL) {
    g_ptr_array_unref (strings);
    return NULL;
  }
  for (xmlNode *si = rtx_libxml.xmlDocGetRootElement (doc)->children; si != NULL; si = si->next) {
    g_autoptr(GString) s = g_string_new (NULL);

    if (si->type != XML_ELEMENT_NODE || !g_str_equal ((const char *) si->name, "si"))
      continue;
    xml_walk (si->children, s);
    g_ptr_array_add (strings, g_string_free (g_steal_pointer (&s), FALSE));
  }
  rtx_libxml.xmlFreeDoc (doc);
  return strings;
}

static void
sheet_cells (xmlNode   *node,
             GPtrArray *strings,
             GString   *out)
{
  for (; node != NULL; node = node->next) {
    if (node->type != XML_ELEMENT_NODE)
      continue;

    if (g_str_equal ((const char *) node->name, "c")) {
      g_autofree char *kind = (char *) rtx_libxml.xmlGetProp (node, (const xmlChar *) "t");
      g_autofree char *value = element_text (node->children, "v");

      if (out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_c (out, '\t');
      if (g_strcmp0 (kind, "s") == 0 && value != NULL) {
        guint64 idx = g_ascii_strtoull (value, NULL, 10);

        if (idx < strings->len)
          g_string_append (out, g_ptr_array_index (strings, idx));
      } else if (g_strcmp0 (kind, "inlineStr") == 0) {
        xml_walk (node->children, out);
      } else if (value != NULL) {
        g_string_append (out, value);
      }
      continue;
    }

    sheet_cells (node->children, strings, out);
    if (g_str_equal ((const char *) node->name, "row"))
      g_string_append_c (out, '\n');
  }
}

static gboolean
xlsx_text (Archive  *arc,
           GString  *out,
           GError  **error)
{
  g_autoptr(GPtrArray) strings = shared_strings (arc, error);
  g_autoptr(GPtrArray) sheets = NULL;

  if (strings == NULL)
    return FALSE;

  sheets = numbered_parts (arc, "xl/worksheets/sheet");
  for (guint i = 0; i < sheets->len; i++) {
    xmlDoc *doc = parse_part (g_hash_table_lookup (arc->parts, g_ptr_array_index (sheets, i)), error);

    if (doc == NULL)
      return FALSE;
    sheet_cells (rtx_libxml.xmlDocGetRootElement (doc), strings, out);
    g_string_append_c (out, '\n');
    rtx_libxml.xmlFreeDoc (doc);
  }
  return TRUE;
}

/**
 * rtx_extract_parse_office:
 *
 * DOCX, ODT, PPTX and XLSX: reads the archive from memory under the bomb caps, then the text
 * of the parts that hold it.
 */
RtxExtracted *
rtx_extract_parse_office (RtxDocType  type,
                          GBytes     *data,
                          GError    **error)
{
  Archive arc = { type, NULL, 0, 0 };
  g_autoptr(RtxExtracted) extracted = NULL;
  g_autoptr(GString) out = NULL;
  gboolean ok;

  if (!rtx_extract_libs_load (error))
    return NULL;

  arc.parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_bytes_unref);
  extracted = g_new0 (RtxExtracted, 1);
  out = g_string_new (NULL);
  ok = read_archive (&arc, data, error);

  if (ok) {
    switch (type) {
    case RTX_DOC_DOCX:
      ok = part_text (&arc, "word/document.xml", out, error) &&
           read_properties (&arc, "docProps/core.xml", extracted, error);
      break;
    case RTX_DOC_ODT:
      ok = part_text (&arc, "content.xml", out, error) &&
           read_properties (&arc, "meta.xml", extracted, error);
      break;
    case RTX_DOC_PPTX: {
      g_autoptr(GPtrArray) slides = numbered_parts (&arc, "ppt/slides/slide");

      for (guint i = 0; ok && i < slides->len; i++)
        ok = part_text (&arc, g_ptr_array_index (slides, i), out, error);
      ok = ok && read_properties (&arc, "docProps/core.xml", extracted, error);
      break;
    }
    case RTX_DOC_XLSX:
      ok = xlsx_text (&arc, out, error) &&
           read_properties (&arc, "docProps/core.xml", extracted, error);
      break;
    default:
      ok = refuse (error, _("Unsupported file type"));
    }
  }

  if (ok && out->len == 0 && g_hash_table_size (arc.parts) == 0)
    ok = refuse (error, _("The archive holds none of the parts of this kind of document"));

  g_hash_table_unref (arc.parts);
  if (!ok)
    return NULL;

  extracted->text = rtx_extract_tidy_text (out->str, out->len);
  return g_steal_pointer (&extracted);
}
