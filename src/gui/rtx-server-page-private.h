/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-server-page.h"

G_BEGIN_DECLS

/* For the GUI tests, which drive the real widgets. */
GtkSwitch *_rtx_server_page_get_autostart_switch (RtxServerPage *self);

G_END_DECLS
