/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "rtx-permission-broker.h"

G_BEGIN_DECLS

#define RTX_TYPE_PERMISSION_PROMPTER (rtx_permission_prompter_get_type ())
G_DECLARE_FINAL_TYPE (RtxPermissionPrompter, rtx_permission_prompter, RTX, PERMISSION_PROMPTER, GObject)

RtxPermissionPrompter *rtx_permission_prompter_new         (GtkApplication        *application,
                                                            RtxPermissionBroker   *broker) G_GNUC_WARN_UNUSED_RESULT;
GtkWidget             *rtx_permission_prompter_get_dialog  (RtxPermissionPrompter *self,
                                                            const char            *request_id);
char                  *rtx_permission_describe             (const char            *permission) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
