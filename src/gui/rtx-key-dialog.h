/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-api-keys.h"

G_BEGIN_DECLS

#define RTX_TYPE_KEY_DIALOG (rtx_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RtxKeyDialog, rtx_key_dialog, RTX, KEY_DIALOG, AdwWindow)

GtkWidget *rtx_key_dialog_new_generate  (GtkWindow       *parent,
                                         RtxApiKeys      *api_keys,
                                         gboolean         keyring_available,
                                         guint16          port,
                                         guint            clear_seconds) G_GNUC_WARN_UNUSED_RESULT;
GtkWidget *rtx_key_dialog_new_rotated   (GtkWindow       *parent,
                                         const RtxApiKey *key,
                                         const char      *secret,
                                         gboolean         keyring_available,
                                         guint16          port,
                                         guint            clear_seconds) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
