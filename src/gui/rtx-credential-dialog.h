/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-credentials.h"

G_BEGIN_DECLS

#define RTX_TYPE_CREDENTIAL_DIALOG (rtx_credential_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RtxCredentialDialog, rtx_credential_dialog, RTX, CREDENTIAL_DIALOG,
                      AdwWindow)

GtkWidget *rtx_credential_dialog_new_add  (GtkWindow           *parent,
                                           RtxCredentials      *vault) G_GNUC_WARN_UNUSED_RESULT;
GtkWidget *rtx_credential_dialog_new_edit (GtkWindow           *parent,
                                           RtxCredentials      *vault,
                                           const RtxCredential *credential) G_GNUC_WARN_UNUSED_RESULT;
const char *rtx_credential_type_label     (const char          *type);

G_END_DECLS
