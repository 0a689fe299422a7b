/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-api-key.h"

G_BEGIN_DECLS

#define RTX_TYPE_API_KEY_ROW (rtx_api_key_row_get_type ())
G_DECLARE_FINAL_TYPE (RtxApiKeyRow, rtx_api_key_row, RTX, API_KEY_ROW, AdwActionRow)

GtkWidget       *rtx_api_key_row_new                 (const RtxApiKey *key,
                                                      const char      *predecessor) G_GNUC_WARN_UNUSED_RESULT;
const RtxApiKey *rtx_api_key_row_get_key             (RtxApiKeyRow    *self);
void             rtx_api_key_row_set_copy_unavailable (RtxApiKeyRow   *self,
                                                      const char      *reason);
GtkWidget       *rtx_api_key_row_get_copy_button     (RtxApiKeyRow    *self);
GtkWidget       *rtx_api_key_row_get_rotate_button   (RtxApiKeyRow    *self);
GtkWidget       *rtx_api_key_row_get_deactivate_button (RtxApiKeyRow  *self);

G_END_DECLS
