/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "rtx-gui-test-utils.h"

/* The window in German, as a person with LANGUAGE=de sees it, with the catalogue built from
 * po/de.po in the build tree (RTX_LOCALEDIR). Beyond a few known labels, every text on screen
 * must not be an English message that the catalogue translates: that would be a string
 * missing its _() or translatable="yes". */

static guint checked;

static void
assert_translated (const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  checked++;
  if (g_strcmp0 (g_dgettext (GETTEXT_PACKAGE, text), text) != 0)
    g_test_message ("untranslated on screen: “%s”", text);
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, text), ==, text);
}

static void
assert_tree_translated (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    assert_translated (gtk_label_get_label (GTK_LABEL (widget)));
  if (ADW_IS_PREFERENCES_ROW (widget))
    assert_translated (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  if (ADW_IS_ACTION_ROW (widget))
    assert_translated (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
  if (ADW_IS_PREFERENCES_PAGE (widget))
    assert_translated (adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (widget)));
  if (ADW_IS_PREFERENCES_GROUP (widget)) {
    assert_translated (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)));
    assert_translated (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (widget)));
  }
  if (ADW_IS_BUTTON_CONTENT (widget))
    assert_translated (adw_button_content_get_label (ADW_BUTTON_CONTENT (widget)));
  assert_translated (gtk_widget_get_tooltip_text (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_tree_translated (child);
}

static void
test_german (GuiFixture    *fixture,
             gconstpointer  data)
{
  GtkWidget *keys_page = GTK_WIDGET (fixture->page);
  GtkWidget *server_page = rtx_settings_window_get_server_page (fixture->window);
  GtkWidget *dialog;
  g_autofree char *placeholder = NULL;

  g_assert_cmpstr (adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (keys_page)), ==,
                   "API-Schlüssel");
  g_object_get (_rtx_api_keys_page_get_search (fixture->page), "placeholder-text", &placeholder,
                NULL);
  g_assert_cmpstr (placeholder, ==, "Schlüssel nach Namen suchen");

  checked = 0;
  assert_tree_translated (keys_page);
  assert_tree_translated (server_page);
  g_assert_cmpuint (checked, >, 20);

  rtx_gui_test_click (_rtx_api_keys_page_get_generate_button (fixture->page));
  dialog = _rtx_api_keys_page_get_dialog (fixture->page);
  g_assert_true (RTX_IS_KEY_DIALOG (dialog));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (dialog)), ==, "API-Schlüssel erzeugen");
  g_assert_cmpstr (adw_preferences_row_get_title (
                     ADW_PREFERENCES_ROW (_rtx_key_dialog_get_name_row (RTX_KEY_DIALOG (dialog)))),
                   ==, "_Name");
  assert_tree_translated (dialog);
  gtk_window_close (GTK_WINDOW (dialog));
}

int
main (int    argc,
      char **argv)
{
  const char *localedir = g_getenv ("RTX_LOCALEDIR");

  setlocale (LC_ALL, "");
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!rtx_gui_test_init (&argc, &argv))
    return 77;

  g_test_add ("/rtx/gui/translation/german", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_german, rtx_gui_fixture_teardown);
  return g_test_run ();
}
