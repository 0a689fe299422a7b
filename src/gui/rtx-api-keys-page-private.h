/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-api-key-row.h"
#include "rtx-api-keys-page.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
RtxApiKeyRow *_rtx_api_keys_page_find_row        (RtxApiKeysPage *self,
                                                  gint64          key_id);
RtxApiKeyRow *_rtx_api_keys_page_find_row_named  (RtxApiKeysPage *self,
                                                  const char     *name,
                                                  gboolean        active);
GtkWidget    *_rtx_api_keys_page_get_dialog      (RtxApiKeysPage *self);
GtkWidget    *_rtx_api_keys_page_get_warning     (RtxApiKeysPage *self);
GtkWidget    *_rtx_api_keys_page_get_search      (RtxApiKeysPage *self);
GtkListBox   *_rtx_api_keys_page_get_list        (RtxApiKeysPage *self);
GtkWidget    *_rtx_api_keys_page_get_generate_button (RtxApiKeysPage *self);

G_END_DECLS
