/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "rtx-conn-output.h"

G_BEGIN_DECLS

#define RTX_TYPE_CONN_INPUT (rtx_conn_input_get_type ())
G_DECLARE_FINAL_TYPE (RtxConnInput, rtx_conn_input, RTX, CONN_INPUT, GInputStream)

/* Called when a read finds the peer gone: the end of the stream, or a reset. */
typedef void (*RtxConnInputGoneFunc) (gpointer user_data);

RtxConnInput *rtx_conn_input_new (GSocket              *socket,
                                  RtxConnOutput        *output,
                                  RtxConnInputGoneFunc  on_gone,
                                  gpointer              user_data) G_GNUC_WARN_UNUSED_RESULT;
void          rtx_conn_input_stop_watching (RtxConnInput *self);

G_END_DECLS
