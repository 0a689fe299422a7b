/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-json.h"

/* json-glib 1.6 (Debian 12) escapes the control characters below U+001F but writes U+001F
 * itself raw, which makes the text invalid JSON: JSON.parse() and every strict reader refuse
 * it, and a chat row holding one read back as nothing. A raw 0x1F byte can only stand inside
 * a string in generated JSON (it is not whitespace), so replacing each with its escape is
 * exact. */
#define UNIT_SEPARATOR '\x1f'

/**
 * rtx_json_fix_generated:
 * @text: (transfer full): JSON text made by json-glib
 * @length: (inout) (optional): its length, updated
 *
 * Returns: (transfer full): @text, or a corrected copy (and @text freed)
 */
char *
rtx_json_fix_generated (char  *text,
                        gsize *length)
{
  GString *fixed;
  gsize n;

  if (text == NULL)
    return NULL;
  n = length != NULL ? *length : strlen (text);
  if (memchr (text, UNIT_SEPARATOR, n) == NULL)
    return text;

  fixed = g_string_sized_new (n + 16);
  for (gsize i = 0; i < n; i++) {
    if (text[i] == UNIT_SEPARATOR)
      g_string_append (fixed, "\\u001f");
    else
      g_string_append_c (fixed, text[i]);
  }
  g_free (text);

  if (length != NULL)
    *length = fixed->len;
  return g_string_free (fixed, FALSE);
}

/**
 * rtx_json_to_string:
 *
 * json_to_string(), always valid JSON: use it instead, everywhere.
 *
 * Returns: (transfer full): the text
 */
char *
rtx_json_to_string (JsonNode *node,
                    gboolean  pretty)
{
  return rtx_json_fix_generated (json_to_string (node, pretty), NULL);
}
