/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-audit.h"
#include "rtx-error.h"
#include "rtx-json.h"
#include "rtx-preferences.h"

#define MAX_FOOTER_LINKS 3

typedef gboolean (*CheckFunc) (const char *label, JsonNode *value, char **out_text,
                               GError **error);

static gboolean
fail (GError     **error,
      const char  *label,
      const char  *what)
{
  g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT, "“%s” %s", label, what);
  return FALSE;
}

static const char *
string_value (JsonNode *value)
{
  return json_node_get_value_type (value) == G_TYPE_STRING ? json_node_get_string (value) : NULL;
}

/* Shown in pages and window titles: plain text, one line, no markup (CVE-2026-88055). */
static gboolean
check_title (const char  *label,
             JsonNode    *value,
             char       **out_text,
             GError     **error)
{
  const char *text = string_value (value);

  if (text == NULL || !g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > 100)
    return fail (error, label, _("must be text of at most 100 characters"));

  for (const char *p = text; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (g_unichar_iscntrl (c) || c == '<' || c == '>')
      return fail (error, label, _("cannot contain control characters, “<” or “>”"));
  }

  *out_text = g_strdup (text);
  return TRUE;
}

static gboolean
check_email (const char  *label,
             JsonNode    *value,
             char       **out_text,
             GError     **error)
{
  const char *text = string_value (value);

  if (text == NULL || strlen (text) > 254 ||
      !g_regex_match_simple ("^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$", text, 0, 0))
    return fail (error, label, _("must be an email address"));

  *out_text = g_strdup (text);
  return TRUE;
}

static gboolean
check_count (const char  *label,
             JsonNode    *value,
             gint64       min,
             char       **out_text,
             GError     **error)
{
  if (json_node_get_value_type (value) != G_TYPE_INT64 || json_node_get_int (value) < min ||
      json_node_get_int (value) > 1000000)
    return fail (error, label, _("must be a whole number in range"));

  *out_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
  return TRUE;
}

static gboolean
check_chunk_size (const char *label, JsonNode *value, char **out_text, GError **error)
{
  return check_count (label, value, 1, out_text, error);
}

static gboolean
check_chunk_overlap (const char *label, JsonNode *value, char **out_text, GError **error)
{
  return check_count (label, value, 0, out_text, error);
}

static gboolean
is_web_url (const char *text)
{
  return text != NULL && strlen (text) <= 2048 &&
         (g_str_has_prefix (text, "https://") || g_str_has_prefix (text, "http://")) &&
         g_uri_is_valid (text, G_URI_FLAGS_NONE, NULL);
}

/* AnythingLLM keeps `footer_data` as a JSON text: up to three {url, icon} links. */
static gboolean
check_footer (const char  *label,
              JsonNode    *value,
              char       **out_text,
              GError     **error)
{
  g_autoptr(JsonNode) parsed = NULL;
  JsonNode *links = value;
  JsonArray *array;

  if (string_value (value) != NULL) {
    parsed = json_from_string (string_value (value), NULL);
    links = parsed;
  }
  if (links == NULL || !JSON_NODE_HOLDS_ARRAY (links))
    return fail (error, label, _("must be a list of links"));

  array = json_node_get_array (links);
  if (json_array_get_length (array) > MAX_FOOTER_LINKS)
    return fail (error, label, _("has at most three links"));

  for (guint i = 0; i < json_array_get_length (array); i++) {
    JsonNode *item = json_array_get_element (array, i);
    JsonObject *link;
    JsonNode *url, *icon;

    if (!JSON_NODE_HOLDS_OBJECT (item) || json_object_get_size (json_node_get_object (item)) != 2)
      return fail (error, label, _("links are {\"url\", \"icon\"}"));
    link = json_node_get_object (item);
    url = json_object_get_member (link, "url");
    icon = json_object_get_member (link, "icon");
    if (url == NULL || icon == NULL || !is_web_url (string_value (url)) ||
        string_value (icon) == NULL || strlen (string_value (icon)) > 50)
      return fail (error, label, _("links need an http(s) url and a short icon name"));
  }

  *out_text = rtx_json_to_string (links, FALSE);
  return TRUE;
}

static const struct {
  const char *label;
  CheckFunc   check;
} preferences[] = {
  { "support_email", check_email },
  { "custom_app_name", check_title },
  { "meta_page_title", check_title },
  { "footer_data", check_footer },
  { "text_splitter_chunk_size", check_chunk_size },
  { "text_splitter_chunk_overlap", check_chunk_overlap },
};

const char * const *
rtx_preferences_labels (void)
{
  static const char *labels[G_N_ELEMENTS (preferences) + 1];

  for (guint i = 0; i < G_N_ELEMENTS (preferences); i++)
    labels[i] = preferences[i].label;
  return labels;
}

static CheckFunc
find_check (const char *label)
{
  for (guint i = 0; i < G_N_ELEMENTS (preferences); i++) {
    if (g_str_equal (preferences[i].label, label))
      return preferences[i].check;
  }

  return NULL;
}

static char *
settings_key (const char *label)
{
  return g_strconcat ("preference.", label, NULL);
}

/**
 * rtx_preferences_apply:
 * @values: label → value; null (or "") clears a preference
 *
 * Checks every value first and then writes them all in one transaction: an unknown label or a
 * bad value changes nothing (AnythingLLM drops unknown labels silently; here they are refused).
 */
gboolean
rtx_preferences_apply (RtxDb           *db,
                       RtxSettings     *settings,
                       JsonObject      *values,
                       const RtxActor  *actor,
                       GError         **error)
{
  g_autoptr(GList) labels = json_object_get_members (values);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) detail = g_string_new (NULL);

  for (GList *l = labels; l != NULL; l = l->next) {
    JsonNode *value = json_object_get_member (values, l->data);
    CheckFunc check = find_check (l->data);
    char *text = NULL;

    if (check == NULL) {
      g_set_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a preference"), (const char *) l->data);
      return FALSE;
    }
    if (!JSON_NODE_HOLDS_NULL (value) && g_strcmp0 (string_value (value), "") != 0 &&
        !check (l->data, value, &text, error))
      return FALSE;
    g_ptr_array_add (texts, text);
    g_string_append_printf (detail, "%s ", (const char *) l->data);
  }

  if (!rtx_db_begin (db, error))
    return FALSE;

  {
    guint i = 0;

    for (GList *l = labels; l != NULL; l = l->next, i++) {
      g_autofree char *key = settings_key (l->data);

      if (!rtx_settings_set (settings, key, g_ptr_array_index (texts, i), error))
        goto fail;
    }
  }

  if (!rtx_audit_record (db, actor, "preferences.update", "preferences", NULL, detail->str,
                         error))
    goto fail;

  return rtx_db_commit (db, error);

fail:
  rtx_db_rollback (db);
  return FALSE;
}

/* Returns: (transfer full) (nullable): the stored text of a preference */
char *
rtx_preferences_get (RtxSettings *settings,
                     const char  *label)
{
  g_autofree char *key = settings_key (label);

  return rtx_settings_get (settings, key);
}
