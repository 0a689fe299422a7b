/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-user-row.h"
#include "rtx-users-page.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
RtxUserRow  *_rtx_users_page_find_row        (RtxUsersPage *self,
                                              const char   *username);
GtkWidget   *_rtx_users_page_get_enable_button (RtxUsersPage *self);
GtkWidget   *_rtx_users_page_get_enable_dialog (RtxUsersPage *self);
GtkEditable *_rtx_users_page_get_username_row  (RtxUsersPage *self);
AdwComboRow *_rtx_users_page_get_role_row      (RtxUsersPage *self);
GtkSpinButton *_rtx_users_page_get_limit       (RtxUsersPage *self);
GtkWidget   *_rtx_users_page_get_add_button    (RtxUsersPage *self);

G_END_DECLS
