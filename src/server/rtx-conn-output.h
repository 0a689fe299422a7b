/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define RTX_TYPE_CONN_OUTPUT (rtx_conn_output_get_type ())
G_DECLARE_FINAL_TYPE (RtxConnOutput, rtx_conn_output, RTX, CONN_OUTPUT, GOutputStream)

RtxConnOutput *rtx_conn_output_new       (GSocket       *socket) G_GNUC_WARN_UNUSED_RESULT;
void           rtx_conn_output_send_held (RtxConnOutput *self);

G_END_DECLS
