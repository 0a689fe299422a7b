/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-db.h"

G_BEGIN_DECLS

#define RTX_TYPE_SETTINGS (rtx_settings_get_type ())
G_DECLARE_FINAL_TYPE (RtxSettings, rtx_settings, RTX, SETTINGS, GObject)

RtxSettings *rtx_settings_new (RtxDb        *db) G_GNUC_WARN_UNUSED_RESULT;
char        *rtx_settings_get (RtxSettings  *self,
                               const char   *key) G_GNUC_WARN_UNUSED_RESULT;
gboolean     rtx_settings_set (RtxSettings  *self,
                               const char   *key,
                               const char   *value,
                               GError      **error);

G_END_DECLS
