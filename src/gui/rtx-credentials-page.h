/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

#define RTX_TYPE_CREDENTIALS_PAGE (rtx_credentials_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxCredentialsPage, rtx_credentials_page, RTX, CREDENTIALS_PAGE,
                      AdwPreferencesPage)

GtkWidget *rtx_credentials_page_new    (RtxRuntime         *runtime) G_GNUC_WARN_UNUSED_RESULT;
void       rtx_credentials_page_reload (RtxCredentialsPage *self);

G_END_DECLS
