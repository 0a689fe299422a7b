/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * RtxError:
 *
 * The one error domain of the runtime. Each code maps to exactly one HTTP status in
 * `rtx_reply_status_for_error()` (server/rtx-reply.c).
 */
typedef enum {
  RTX_ERROR_FAILED,
  RTX_ERROR_INVALID_ARGUMENT,
  RTX_ERROR_NOT_FOUND,
  RTX_ERROR_CONFLICT,
  RTX_ERROR_UNAUTHENTICATED,
  RTX_ERROR_PERMISSION_DENIED,
  RTX_ERROR_DATABASE,
  RTX_ERROR_KEYRING_UNAVAILABLE,
  RTX_ERROR_KEYRING_LOCKED,
  RTX_ERROR_UNSUPPORTED_VERSION,
  RTX_ERROR_ALREADY_DEACTIVATED,
  RTX_ERROR_UPSTREAM,
  RTX_ERROR_UPSTREAM_TIMEOUT,
  RTX_ERROR_RATE_LIMITED,
} RtxError;

#define RTX_ERROR (rtx_error_quark ())

GQuark rtx_error_quark (void);

G_END_DECLS
