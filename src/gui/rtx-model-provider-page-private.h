/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-model-provider-page.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
AdwComboRow *_rtx_model_provider_page_get_provider_row (RtxModelProviderPage *self);
AdwEntryRow *_rtx_model_provider_page_get_base_url_row (RtxModelProviderPage *self);
AdwComboRow *_rtx_model_provider_page_get_model_row    (RtxModelProviderPage *self);
AdwEntryRow *_rtx_model_provider_page_get_key_row      (RtxModelProviderPage *self);
AdwActionRow *_rtx_model_provider_page_get_test_row    (RtxModelProviderPage *self);
GtkWidget   *_rtx_model_provider_page_get_test_button  (RtxModelProviderPage *self);
GtkWidget   *_rtx_model_provider_page_get_refresh_button (RtxModelProviderPage *self);
guint        _rtx_model_provider_page_get_pending      (RtxModelProviderPage *self);

G_END_DECLS
