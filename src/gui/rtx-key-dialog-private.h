/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-key-dialog.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
AdwEntryRow *_rtx_key_dialog_get_name_row        (RtxKeyDialog *self);
GtkSwitch   *_rtx_key_dialog_get_admin_switch    (RtxKeyDialog *self);
GtkWidget   *_rtx_key_dialog_get_generate_button (RtxKeyDialog *self);
GtkWidget   *_rtx_key_dialog_get_copy_button     (RtxKeyDialog *self);
GtkLabel    *_rtx_key_dialog_get_key_label       (RtxKeyDialog *self);
GtkWidget   *_rtx_key_dialog_get_form_warning    (RtxKeyDialog *self);
const char  *_rtx_key_dialog_get_page            (RtxKeyDialog *self);

G_END_DECLS
