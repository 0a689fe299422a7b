/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Registers the compiled-in GResource once. It is registered by hand because the resource lives
 * in a static library, where a constructor in an unreferenced object would be dropped. */
void rtx_resources_ensure (void);

G_END_DECLS
