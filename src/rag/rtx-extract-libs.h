/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>

G_BEGIN_DECLS

/* The parsers' libraries, opened with dlopen() when a document is first parsed rather than
 * linked: libxml2 and libarchive bring libstdc++, ICU and five compression libraries that
 * every start-up of the runtime would load and keep resident (bench/RESULTS.md, issue 3),
 * though only the extraction helper parses. Calls go through these tables, filled by
 * rtx_extract_libs_load(). */

typedef struct {
  __typeof__ (xmlInitParser)        *xmlInitParser;
  __typeof__ (xmlReadMemory)        *xmlReadMemory;
  __typeof__ (htmlReadMemory)       *htmlReadMemory;
  __typeof__ (xmlFreeDoc)           *xmlFreeDoc;
  __typeof__ (xmlDocGetRootElement) *xmlDocGetRootElement;
  __typeof__ (xmlNodeGetContent)    *xmlNodeGetContent;
  __typeof__ (xmlGetProp)           *xmlGetProp;
} RtxLibxml;

typedef struct {
  __typeof__ (archive_read_new)                 *archive_read_new;
  __typeof__ (archive_read_support_format_zip)  *archive_read_support_format_zip;
  __typeof__ (archive_read_open_memory)         *archive_read_open_memory;
  __typeof__ (archive_read_next_header)         *archive_read_next_header;
  __typeof__ (archive_read_data)                *archive_read_data;
  __typeof__ (archive_read_data_skip)           *archive_read_data_skip;
  __typeof__ (archive_read_free)                *archive_read_free;
  __typeof__ (archive_entry_pathname)           *archive_entry_pathname;
  __typeof__ (archive_entry_filetype)           *archive_entry_filetype;
  __typeof__ (archive_entry_size_is_set)        *archive_entry_size_is_set;
  __typeof__ (archive_entry_size)               *archive_entry_size;
} RtxLibarchive;

extern RtxLibxml     rtx_libxml;
extern RtxLibarchive rtx_libarchive;

gboolean rtx_extract_libs_load (GError **error);

G_END_DECLS
