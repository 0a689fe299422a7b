/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-error.h"

G_DEFINE_QUARK (rtx-error-quark, rtx_error)
