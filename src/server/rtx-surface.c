/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-surface.h"

G_DEFINE_ENUM_TYPE (RtxSurface, rtx_surface,
  G_DEFINE_ENUM_VALUE (RTX_SURFACE_STANDARD, "standard"),
  G_DEFINE_ENUM_VALUE (RTX_SURFACE_OPENAI, "openai"),
  G_DEFINE_ENUM_VALUE (RTX_SURFACE_SDK, "sdk"),
  G_DEFINE_ENUM_VALUE (RTX_SURFACE_PUBLIC, "public"))

/* The names are those of `x-rtx-surface` in openapi.json and of RtxActor.surface in the audit
 * log, so one word names a surface everywhere. */
static const char * const surface_names[] = {
  [RTX_SURFACE_STANDARD] = "standard",
  [RTX_SURFACE_OPENAI] = "openai",
  [RTX_SURFACE_SDK] = "sdk",
  [RTX_SURFACE_PUBLIC] = "public",
};

gboolean
rtx_surface_from_string (const char *name,
                         RtxSurface *out_surface)
{
  g_return_val_if_fail (out_surface != NULL, FALSE);

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (surface_names); i++) {
    if (g_str_equal (name, surface_names[i])) {
      *out_surface = (RtxSurface) i;
      return TRUE;
    }
  }

  return FALSE;
}

const char *
rtx_surface_to_string (RtxSurface surface)
{
  g_return_val_if_fail (surface < G_N_ELEMENTS (surface_names), NULL);

  return surface_names[surface];
}

static gboolean
path_is_under (const char *path,
               const char *prefix)
{
  gsize len = strlen (prefix);

  return strncmp (path, prefix, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/**
 * rtx_surface_for_path:
 * @path: a request path
 *
 * The surface that a path belongs to by its prefix (DESIGN.md §1). The router uses it to shape
 * the 404 and 405 answers of paths that match no operation, so that a client of one surface
 * always reads errors in the shape it expects; a unit test checks that every operation of
 * openapi.json declares the surface its path implies.
 *
 * Returns: the surface; %RTX_SURFACE_STANDARD for paths outside every surface
 */
RtxSurface
rtx_surface_for_path (const char *path)
{
  static const char * const sdk_prefixes[] = {
    "/sdk", "/agents", "/workspaces", "/task", "/activities", "/webhooks/realtimex",
    "/api/local-apps",
  };
  static const char * const public_prefixes[] = {
    "/api/ping", "/api/docs", "/api/embed", "/embed",
  };

  g_return_val_if_fail (path != NULL, RTX_SURFACE_STANDARD);

  if (path_is_under (path, "/api/v1/openai"))
    return RTX_SURFACE_OPENAI;
  if (path_is_under (path, "/api/v1"))
    return RTX_SURFACE_STANDARD;

  for (guint i = 0; i < G_N_ELEMENTS (sdk_prefixes); i++) {
    if (path_is_under (path, sdk_prefixes[i]))
      return RTX_SURFACE_SDK;
  }

  for (guint i = 0; i < G_N_ELEMENTS (public_prefixes); i++) {
    if (path_is_under (path, public_prefixes[i]))
      return RTX_SURFACE_PUBLIC;
  }

  return RTX_SURFACE_STANDARD;
}
