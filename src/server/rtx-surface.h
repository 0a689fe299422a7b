/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * RtxSurface:
 * @RTX_SURFACE_STANDARD: `/api/v1/...`, AnythingLLM-compatible
 * @RTX_SURFACE_OPENAI: `/api/v1/openai/...`
 * @RTX_SURFACE_SDK: the routes of `@realtimex/sdk`
 * @RTX_SURFACE_PUBLIC: no credential
 *
 * The four surfaces of DESIGN.md §1. Every operation belongs to exactly one; the surface decides
 * how a refusal looks (status and error body).
 */
typedef enum {
  RTX_SURFACE_STANDARD,
  RTX_SURFACE_OPENAI,
  RTX_SURFACE_SDK,
  RTX_SURFACE_PUBLIC,
} RtxSurface;

#define RTX_TYPE_SURFACE (rtx_surface_get_type ())

GType       rtx_surface_get_type    (void) G_GNUC_CONST;
gboolean    rtx_surface_from_string (const char *name,
                                     RtxSurface *out_surface);
const char *rtx_surface_to_string   (RtxSurface  surface);
RtxSurface  rtx_surface_for_path    (const char *path);

G_END_DECLS
