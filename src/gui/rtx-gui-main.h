/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rtx-cli.h"

G_BEGIN_DECLS

int rtx_gui_run (const RtxGuiOptions *options);

G_END_DECLS
