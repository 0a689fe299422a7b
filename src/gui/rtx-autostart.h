/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *rtx_autostart_path        (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean  rtx_autostart_is_enabled  (void);
gboolean  rtx_autostart_set_enabled (gboolean   enabled,
                                     GError   **error);

G_END_DECLS
