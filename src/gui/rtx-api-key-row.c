/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-api-key-row.h"
#include "rtx-gui-util.h"

/**
 * RtxApiKeyRow:
 *
 * One key in Settings > API Keys: its name, display form, role, history and the Copy, Rotate
 * and Deactivate buttons. The buttons activate the page's "keys.*" actions with the key id as
 * target, so the row holds no logic. A deactivated key stays in the list, greyed, with when and
 * by whom.
 */
struct _RtxApiKeyRow {
  AdwActionRow  parent_instance;

  RtxApiKey    *key;

  GtkWidget    *admin_label;
  GtkWidget    *buttons;
  GtkWidget    *copy_button;
  GtkWidget    *deactivate_button;
  GtkWidget    *deactivated_label;
  GtkWidget    *rotate_button;
};

G_DEFINE_FINAL_TYPE (RtxApiKeyRow, rtx_api_key_row, ADW_TYPE_ACTION_ROW)

static char *
describe_last_use (const RtxApiKey *key)
{
  g_autofree char *when = NULL;

  if (key->last_used_at <= 0)
    return g_strdup (_("Never used"));

  when = rtx_gui_format_time (key->last_used_at);
  if (key->last_used_surface == NULL)
    /* Translators: %s is a date and time. */
    return g_strdup_printf (_("Last used %s"), when);

  /* Translators: the first %s is a date and time, the second an API surface such as "standard". */
  return g_strdup_printf (_("Last used %s through %s"), when, key->last_used_surface);
}

static char *
describe (const RtxApiKey *key,
          const char      *predecessor)
{
  g_autofree char *created = rtx_gui_format_time (key->created_at);
  g_autofree char *last_use = describe_last_use (key);
  g_autofree char *deactivated = NULL;
  GString *text = g_string_new (key->display);

  /* Translators: "created by alice, 26 Nov 2026 14:02". */
  g_string_append_printf (text, _(" · created by %s, %s"), key->created_by, created);
  /* In multi-user mode a key acts as its owner; say whose it is. */
  if (key->owner_username != NULL)
    /* Translators: %s is a username, e.g. "owned by alice". */
    g_string_append_printf (text, _(" · owned by %s"), key->owner_username);
  if (predecessor != NULL)
    /* Translators: %s is the display form of the key this one replaced, e.g. "rtx_…a1b2". */
    g_string_append_printf (text, _(" · replaces %s"), predecessor);
  g_string_append_c (text, '\n');
  g_string_append (text, last_use);

  if (!rtx_api_key_is_active (key)) {
    deactivated = rtx_gui_format_time (key->deactivated_at);
    g_string_append_c (text, '\n');
    /* Translators: "Deactivated 26 Nov 2026 14:10 by alice". */
    g_string_append_printf (text, _("Deactivated %s by %s"), deactivated,
                            key->deactivated_by != NULL ? key->deactivated_by : _("unknown"));
  }

  return g_string_free (text, FALSE);
}

static void
rtx_api_key_row_finalize (GObject *object)
{
  RtxApiKeyRow *self = (RtxApiKeyRow *)object;

  g_clear_pointer (&self->key, rtx_api_key_free);

  G_OBJECT_CLASS (rtx_api_key_row_parent_class)->finalize (object);
}

static void
rtx_api_key_row_class_init (RtxApiKeyRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rtx_api_key_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-api-key-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeyRow, admin_label);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeyRow, buttons);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeyRow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeyRow, deactivate_button);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeyRow, deactivated_label);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeyRow, rotate_button);
}

static void
rtx_api_key_row_init (RtxApiKeyRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rtx_api_key_row_new:
 * @key: the key
 * @predecessor: (nullable): the display form of the key @key replaced, if any
 */
GtkWidget *
rtx_api_key_row_new (const RtxApiKey *key,
                     const char      *predecessor)
{
  RtxApiKeyRow *self;
  g_autofree char *subtitle = NULL;
  GVariant *target;
  gboolean active;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (RTX_TYPE_API_KEY_ROW, NULL);
  self->key = rtx_api_key_copy (key);
  active = rtx_api_key_is_active (key);
  subtitle = describe (key, predecessor);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), key->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);
  gtk_widget_set_visible (self->admin_label, key->admin);
  gtk_widget_set_visible (self->deactivated_label, !active);
  gtk_widget_set_visible (self->buttons, active);
  if (!active)
    gtk_widget_add_css_class (GTK_WIDGET (self), "dim-label");

  target = g_variant_ref_sink (g_variant_new_int64 (key->id));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->copy_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->rotate_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->deactivate_button), target);
  g_variant_unref (target);

  if (!key->in_keyring)
    rtx_api_key_row_set_copy_unavailable (self,
      _("This key was made without a keyring, so it cannot be shown again"));

  return GTK_WIDGET (self);
}

const RtxApiKey *
rtx_api_key_row_get_key (RtxApiKeyRow *self)
{
  g_return_val_if_fail (RTX_IS_API_KEY_ROW (self), NULL);

  return self->key;
}

/**
 * rtx_api_key_row_set_copy_unavailable:
 * @reason: why Copy cannot work, shown as its tooltip
 *
 * Disables Copy. The action stays enabled for other rows: only this button goes insensitive,
 * by dropping its action.
 */
void
rtx_api_key_row_set_copy_unavailable (RtxApiKeyRow *self,
                                      const char   *reason)
{
  g_return_if_fail (RTX_IS_API_KEY_ROW (self));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->copy_button), NULL);
  gtk_widget_set_sensitive (self->copy_button, FALSE);
  gtk_widget_set_tooltip_text (self->copy_button, reason);
}

GtkWidget *
rtx_api_key_row_get_copy_button (RtxApiKeyRow *self)
{
  g_return_val_if_fail (RTX_IS_API_KEY_ROW (self), NULL);
  return self->copy_button;
}

GtkWidget *
rtx_api_key_row_get_rotate_button (RtxApiKeyRow *self)
{
  g_return_val_if_fail (RTX_IS_API_KEY_ROW (self), NULL);
  return self->rotate_button;
}

GtkWidget *
rtx_api_key_row_get_deactivate_button (RtxApiKeyRow *self)
{
  g_return_val_if_fail (RTX_IS_API_KEY_ROW (self), NULL);
  return self->deactivate_button;
}
