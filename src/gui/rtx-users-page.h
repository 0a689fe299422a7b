/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-runtime.h"

G_BEGIN_DECLS

#define RTX_TYPE_USERS_PAGE (rtx_users_page_get_type ())
G_DECLARE_FINAL_TYPE (RtxUsersPage, rtx_users_page, RTX, USERS_PAGE, AdwPreferencesPage)

GtkWidget *rtx_users_page_new    (RtxRuntime   *runtime) G_GNUC_WARN_UNUSED_RESULT;
void       rtx_users_page_reload (RtxUsersPage *self);

G_END_DECLS
