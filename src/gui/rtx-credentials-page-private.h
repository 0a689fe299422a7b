/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-credentials-page.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
AdwActionRow *_rtx_credentials_page_find_row        (RtxCredentialsPage *self,
                                                     const char         *name);
GtkWidget    *_rtx_credentials_page_get_dialog      (RtxCredentialsPage *self);
GtkWidget    *_rtx_credentials_page_get_warning     (RtxCredentialsPage *self);
GtkWidget    *_rtx_credentials_page_get_add_button  (RtxCredentialsPage *self);

G_END_DECLS
