/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-credential-dialog.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
GtkEditable *_rtx_credential_dialog_get_name_row        (RtxCredentialDialog *self);
AdwComboRow *_rtx_credential_dialog_get_type_row        (RtxCredentialDialog *self);
GtkEditable *_rtx_credential_dialog_get_field_row       (RtxCredentialDialog *self,
                                                         const char          *member);
GtkWidget   *_rtx_credential_dialog_get_save_button     (RtxCredentialDialog *self);
GtkWidget   *_rtx_credential_dialog_get_error_row       (RtxCredentialDialog *self);
guint        _rtx_credential_dialog_find_type           (const char          *type);

G_END_DECLS
