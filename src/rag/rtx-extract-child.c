/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <poppler.h>

#include "rtx-error.h"
#include "rtx-extract.h"
#include "rtx-extract-libs.h"

/* What the child reads from stdin at most; the upload cap is enforced before this. */
#define MAX_INPUT_BYTES ((gsize) 1 << 30)
#define MAX_PDF_PAGES   20000

/**
 * rtx_extract_tidy_text:
 *
 * Makes text valid UTF-8, drops control characters other than tab and newline, trims trailing
 * spaces from lines and folds runs of blank lines into one.
 */
char *
rtx_extract_tidy_text (const char *text,
                       gssize      length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);
  GString *out = g_string_sized_new (strlen (valid));
  guint newlines = 0;

  for (const char *p = valid; *p != '\0'; p++) {
    char c = *p;

    if (c == '\r')
      continue;
    if ((guchar) c < 0x20 && c != '\n' && c != '\t')
      c = ' ';

    if (c == '\n') {
      while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\t'))
        g_string_truncate (out, out->len - 1);
      newlines++;
      if (newlines <= 2 && out->len > 0)
        g_string_append_c (out, '\n');
      continue;
    }

    newlines = 0;
    g_string_append_c (out, c);
  }

  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/* ---- HTML -------------------------------------------------------------------------------- */

static gboolean
html_is_skipped (const char *name)
{
  static const char * const skipped[] = {
    "script", "style", "noscript", "template", "head", "svg", "iframe", "object", NULL
  };

  return g_strv_contains (skipped, name);
}

static gboolean
html_is_block (const char *name)
{
  static const char * const blocks[] = {
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
    "pre", "blockquote", "table", "ul", "ol", "header", "footer", "main", "nav", "dt", "dd",
    "hr", "aside", "figure", "figcaption", "title", NULL
  };

  return g_strv_contains (blocks, name);
}

static void
html_walk (xmlNode *node,
           GString *out)
{
  for (; node != NULL; node = node->next) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      const char *s = (const char *) node->content;

      /* Runs of whitespace in HTML are one space. */
      for (; s != NULL && *s != '\0'; s++) {
        if (g_ascii_isspace (*s)) {
          if (out->len > 0 && !g_ascii_isspace (out->str[out->len - 1]))
            g_string_append_c (out, ' ');
        } else {
          g_string_append_c (out, *s);
        }
      }
    } else if (node->type == XML_ELEMENT_NODE) {
      const char *name = (const char *) node->name;
      gboolean block;

      if (html_is_skipped (name))
        continue;
      block = html_is_block (name);
      if (block)
        g_string_append_c (out, '\n');
      if (g_strcmp0 (name, "td") == 0 || g_strcmp0 (name, "th") == 0)
        g_string_append_c (out, '\t');
      html_walk (node->children, out);
      if (block)
        g_string_append_c (out, '\n');
    }
  }
}

static xmlNode *
html_find (xmlNode    *node,
           const char *name)
{
  for (; node != NULL; node = node->next) {
    xmlNode *found;

    if (node->type == XML_ELEMENT_NODE && g_strcmp0 ((const char *) node->name, name) == 0)
      return node;
    if (node->type == XML_ELEMENT_NODE && (found = html_find (node->children, name)) != NULL)
      return found;
  }
  return NULL;
}

static RtxExtracted *
parse_html (GBytes  *data,
            GError **error)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  g_autoptr(GString) out = g_string_new (NULL);
  RtxExtracted *extracted;
  htmlDocPtr doc;
  xmlNode *title;

  if (len > G_MAXINT) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("The HTML file is too large"));
    return NULL;
  }

  /* NONET: no fetch of anything the page names; the HTML parser never expands entities it
   * does not know, and it reads no DTD. */
  doc = rtx_libxml.htmlReadMemory (bytes, (int) len, NULL, NULL,
                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
  if (doc == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("The HTML could not be parsed"));
    return NULL;
  }

  html_walk (rtx_libxml.xmlDocGetRootElement (doc) != NULL ? doc->children : NULL, out);
  extracted = g_new0 (RtxExtracted, 1);
  title = html_find (doc->children, "title");
  if (title != NULL) {
    g_autofree char *t = (char *) rtx_libxml.xmlNodeGetContent (title);

    extracted->title = t != NULL ? g_strstrip (g_utf8_make_valid (t, -1)) : NULL;
  }
  rtx_libxml.xmlFreeDoc (doc);

  extracted->text = rtx_extract_tidy_text (out->str, out->len);
  return extracted;
}

/* ---- PDF --------------------------------------------------------------------------------- */

/* libpoppler-glib is opened when a PDF is read rather than linked: it brings some 30
 * libraries (cairo, freetype, lcms, NSS, libstdc++...) that every start-up of the runtime
 * would load and keep resident (bench/RESULTS.md, issue 3), though only the extraction
 * helper reads PDFs. */
#define POPPLER_LIBRARY "libpoppler-glib.so.8"

static struct {
  __typeof__ (poppler_document_new_from_bytes) *document_new_from_bytes;
  __typeof__ (poppler_document_get_n_pages)    *document_get_n_pages;
  __typeof__ (poppler_document_get_page)       *document_get_page;
  __typeof__ (poppler_document_get_title)      *document_get_title;
  __typeof__ (poppler_document_get_author)     *document_get_author;
  __typeof__ (poppler_page_get_text)           *page_get_text;
} poppler;

static gboolean
load_poppler_once (gpointer unused)
{
  void *handle = dlopen (POPPLER_LIBRARY, RTLD_NOW | RTLD_LOCAL);

  if (handle == NULL) {
    g_warning ("Could not open %s: %s", POPPLER_LIBRARY, dlerror ());
    return FALSE;
  }

  poppler.document_new_from_bytes = dlsym (handle, "poppler_document_new_from_bytes");
  poppler.document_get_n_pages = dlsym (handle, "poppler_document_get_n_pages");
  poppler.document_get_page = dlsym (handle, "poppler_document_get_page");
  poppler.document_get_title = dlsym (handle, "poppler_document_get_title");
  poppler.document_get_author = dlsym (handle, "poppler_document_get_author");
  poppler.page_get_text = dlsym (handle, "poppler_page_get_text");

  return poppler.document_new_from_bytes != NULL && poppler.document_get_n_pages != NULL &&
         poppler.document_get_page != NULL && poppler.document_get_title != NULL &&
         poppler.document_get_author != NULL && poppler.page_get_text != NULL;
}

static gboolean
load_poppler (void)
{
  static gsize loaded = 0;

  /* 1: loaded, 2: could not be */
  if (g_once_init_enter (&loaded))
    g_once_init_leave (&loaded, load_poppler_once (NULL) ? 1 : 2);
  return loaded == 1;
}

static RtxExtracted *
parse_pdf (GBytes  *data,
           GError **error)
{
  g_autoptr(GObject) doc_object = NULL;
  PopplerDocument *doc;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  RtxExtracted *extracted;
  int pages;

  if (!load_poppler ()) {
    g_set_error_literal (error, RTX_ERROR, RTX_ERROR_FAILED,
                         _("PDF support (libpoppler-glib) is not available"));
    return NULL;
  }

  doc = poppler.document_new_from_bytes (data, NULL, &local_error);
  doc_object = (GObject *) doc;
  if (doc == NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("The PDF could not be read: %s"), local_error->message);
    return NULL;
  }

  pages = poppler.document_get_n_pages (doc);
  if (pages > MAX_PDF_PAGES) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("The PDF has %d pages; at most %d are read"), pages, MAX_PDF_PAGES);
    return NULL;
  }

  for (int i = 0; i < pages; i++) {
    g_autoptr(GObject) page_object = (GObject *) poppler.document_get_page (doc, i);
    PopplerPage *page = (PopplerPage *) page_object;
    g_autofree char *text = page != NULL ? poppler.page_get_text (page) : NULL;

    if (text != NULL) {
      g_string_append (out, text);
      g_string_append (out, "\n\n");
    }
  }

  extracted = g_new0 (RtxExtracted, 1);
  extracted->title = poppler.document_get_title (doc);
  extracted->author = poppler.document_get_author (doc);
  extracted->text = rtx_extract_tidy_text (out->str, out->len);
  return extracted;
}

/* ---- Plain text kinds -------------------------------------------------------------------- */

static RtxExtracted *
parse_text (GBytes  *data,
            GError **error)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  RtxExtracted *extracted;

  /* A NUL byte early on says binary, whatever the extension claims. */
  if (memchr (bytes, '\0', MIN (len, 8192)) != NULL) {
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                 _("The file is binary, not text"));
    return NULL;
  }

  extracted = g_new0 (RtxExtracted, 1);
  extracted->text = rtx_extract_tidy_text (bytes, len);
  return extracted;
}

/**
 * rtx_extract_parse:
 *
 * Parses @data as @type in this process. Only the extraction child calls this: it trusts
 * the limits its parent set on it.
 */
RtxExtracted *
rtx_extract_parse (RtxDocType  type,
                   GBytes     *data,
                   GError    **error)
{
  switch (type) {
  case RTX_DOC_TEXT:
  case RTX_DOC_MARKDOWN:
  case RTX_DOC_CSV:
  case RTX_DOC_JSON:
  case RTX_DOC_CODE:
    return parse_text (data, error);
  case RTX_DOC_HTML:
    return rtx_extract_libs_load (error) ? parse_html (data, error) : NULL;
  case RTX_DOC_PDF:
    return parse_pdf (data, error);
  case RTX_DOC_DOCX:
  case RTX_DOC_ODT:
  case RTX_DOC_PPTX:
  case RTX_DOC_XLSX:
    return rtx_extract_parse_office (type, data, error);
  case RTX_DOC_UNKNOWN:
  default:
    g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("Unsupported file type"));
    return NULL;
  }
}

static GBytes *
read_stdin (GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 chunk[65536];

  for (;;) {
    ssize_t n = read (STDIN_FILENO, chunk, sizeof chunk);

    if (n < 0) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_FAILED, "read: %s", g_strerror (errno));
      return NULL;
    }
    if (n == 0)
      break;
    if (buf->len + (gsize) n > MAX_INPUT_BYTES) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, _("The file is too large"));
      return NULL;
    }
    g_byte_array_append (buf, chunk, n);
  }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

static gboolean
write_all (const char *data,
           gsize       len)
{
  while (len > 0) {
    ssize_t n = write (STDOUT_FILENO, data, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}

/**
 * rtx_extract_child_main:
 *
 * `realtimex-runtime --extract TYPE`: reads the file on stdin, writes `title NUL author NUL
 * text` on stdout, or a reason on stderr and exits 2.
 */
int
rtx_extract_child_main (int    argc,
                        char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(RtxExtracted) extracted = NULL;
  RtxDocType type = argc > 2 ? rtx_doc_type_from_string (argv[2]) : RTX_DOC_UNKNOWN;

  data = read_stdin (&error);
  if (data != NULL)
    extracted = rtx_extract_parse (type, data, &error);

  if (extracted == NULL) {
    fprintf (stderr, "%s\n", error->message);
    return 2;
  }

  if (!write_all (extracted->title ? extracted->title : "", strlen (extracted->title ? extracted->title : "") + 1) ||
      !write_all (extracted->author ? extracted->author : "", strlen (extracted->author ? extracted->author : "") + 1) ||
      !write_all (extracted->text, strlen (extracted->text)))
    return 3;

  return 0;
}
