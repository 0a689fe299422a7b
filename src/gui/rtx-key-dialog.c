/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-api-keys-async.h"
#include "rtx-clipboard.h"
#include "rtx-gui-util.h"
#include "rtx-key-dialog-private.h"

/**
 * RtxKeyDialog:
 *
 * "Generate API key": asks for a name and the administrator switch, then shows the new key
 * once with a Copy button and a note on where to use it. A rotation opens it straight on the
 * second step. The secret leaves the dialog only through the clipboard.
 */
struct _RtxKeyDialog {
  AdwWindow     parent_instance;

  RtxApiKeys   *api_keys;
  GCancellable *cancellable;
  RtxSecret    *secret;
  gboolean      keyring_available;
  guint16       port;
  guint         clear_seconds;

  GtkSwitch    *admin_switch;
  GtkWidget    *cancel_button;
  GtkWidget    *copy_button;
  GtkWidget    *done_button;
  GtkWidget    *form_warning;
  GtkWidget    *generate_button;
  GtkLabel     *key_label;
  AdwEntryRow  *name_row;
  GtkWidget    *result_heading;
  GtkWidget    *result_warning;
  GtkStack     *stack;
  GtkLabel     *usage_label;
};

enum {
  SIGNAL_CREATED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxKeyDialog, rtx_key_dialog, ADW_TYPE_WINDOW)

static void
show_result (RtxKeyDialog    *self,
             const RtxApiKey *key,
             const char      *secret,
             gboolean         rotated)
{
  g_autofree char *docs = rtx_gui_docs_uri (self->port);
  g_autofree char *usage = NULL;
  g_autofree char *heading = NULL;

  self->secret = g_strdup (secret);
  gtk_label_set_text (self->key_label, secret);

  if (rotated)
    /* Translators: %s is the key's name. */
    heading = g_strdup_printf (_("Replacement key for “%s”. Update the client, then deactivate "
                                 "the old key."), key->name);
  else
    /* Translators: %s is the key's name. */
    heading = g_strdup_printf (_("Your new key “%s”"), key->name);
  gtk_label_set_text (GTK_LABEL (self->result_heading), heading);

  /* Translators: keep the markup; %s is the address of the API documentation. */
  usage = g_markup_printf_escaped (_("Send it in the <tt>Authorization: Bearer …</tt> header. "
                                     "Try the endpoints in the "
                                     "<a href=\"%s\">API documentation</a>."), docs);
  gtk_label_set_markup (self->usage_label, usage);
  gtk_widget_set_visible (self->result_warning, !self->keyring_available || !key->in_keyring);

  gtk_window_set_title (GTK_WINDOW (self), rotated ? _("Rotated API Key") : _("New API Key"));
  gtk_widget_set_visible (self->generate_button, FALSE);
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (self->done_button, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "result");
  gtk_widget_grab_focus (self->copy_button);
}

static void
on_created_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RtxKeyDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;

  key = rtx_api_keys_create_finish (RTX_API_KEYS (source), result, &secret, &error);
  if (key == NULL) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      rtx_gui_show_error (gtk_window_get_transient_for (GTK_WINDOW (self)) != NULL
                            ? GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self)))
                            : NULL,
                          _("Could not generate the key"), error);
      gtk_widget_set_sensitive (self->generate_button, TRUE);
    }
    return;
  }

  show_result (self, key, secret, FALSE);
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, key);
}

static void
on_generate_clicked_cb (RtxKeyDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  g_assert (RTX_IS_KEY_DIALOG (self));

  if (*name == '\0' || !gtk_widget_get_sensitive (self->generate_button))
    return;

  gtk_widget_set_sensitive (self->generate_button, FALSE);
  rtx_api_keys_create_async (self->api_keys, name, gtk_switch_get_active (self->admin_switch),
                             rtx_gui_actor (), self->cancellable, on_created_cb,
                             g_object_ref (self));
}

static void
on_name_changed_cb (RtxKeyDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  gtk_widget_set_sensitive (self->generate_button, *name != '\0');
}

static void
on_copy_clicked_cb (RtxKeyDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  g_assert (RTX_IS_KEY_DIALOG (self));

  if (self->secret == NULL)
    return;

  rtx_clipboard_copy_secret (GTK_WIDGET (self), self->secret, self->clear_seconds);
  gtk_button_set_label (GTK_BUTTON (self->copy_button), _("Copied"));
  if (ADW_IS_PREFERENCES_WINDOW (parent))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (parent), adw_toast_new (_("Copied")));
}

static gboolean
on_activate_link_cb (RtxKeyDialog *self,
                     const char   *uri)
{
  rtx_gui_open_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

static void
rtx_key_dialog_dispose (GObject *object)
{
  RtxKeyDialog *self = (RtxKeyDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->api_keys);
  g_clear_pointer (&self->secret, rtx_secret_free);

  G_OBJECT_CLASS (rtx_key_dialog_parent_class)->dispose (object);
}

static void
rtx_key_dialog_class_init (RtxKeyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_key_dialog_dispose;

  /**
   * RtxKeyDialog::created:
   * @key: the new key (never its secret)
   */
  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                          RTX_TYPE_API_KEY | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, admin_switch);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, form_warning);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, generate_button);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, key_label);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, result_heading);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, result_warning);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, RtxKeyDialog, usage_label);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_link_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_generate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rtx_key_dialog_init (RtxKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static RtxKeyDialog *
key_dialog_new (GtkWindow *parent,
                gboolean   keyring_available,
                guint16    port,
                guint      clear_seconds)
{
  RtxKeyDialog *self = g_object_new (RTX_TYPE_KEY_DIALOG,
                                     "transient-for", parent,
                                     "application", parent != NULL
                                       ? gtk_window_get_application (parent) : NULL,
                                     NULL);

  self->keyring_available = keyring_available;
  self->port = port;
  self->clear_seconds = clear_seconds;
  gtk_widget_set_visible (self->form_warning, !keyring_available);
  return self;
}

/**
 * rtx_key_dialog_new_generate:
 * @keyring_available: %FALSE to warn that the key will be shown only once
 * @port: the server's port, for the link to the API documentation
 * @clear_seconds: how long a copied key stays on the clipboard
 */
GtkWidget *
rtx_key_dialog_new_generate (GtkWindow  *parent,
                             RtxApiKeys *api_keys,
                             gboolean    keyring_available,
                             guint16     port,
                             guint       clear_seconds)
{
  RtxKeyDialog *self;

  g_return_val_if_fail (RTX_IS_API_KEYS (api_keys), NULL);

  self = key_dialog_new (parent, keyring_available, port, clear_seconds);
  self->api_keys = g_object_ref (api_keys);
  gtk_stack_set_visible_child_name (self->stack, "form");
  return GTK_WIDGET (self);
}

/**
 * rtx_key_dialog_new_rotated:
 *
 * Shows the replacement key made by a rotation, once.
 */
GtkWidget *
rtx_key_dialog_new_rotated (GtkWindow       *parent,
                            const RtxApiKey *key,
                            const char      *secret,
                            gboolean         keyring_available,
                            guint16          port,
                            guint            clear_seconds)
{
  RtxKeyDialog *self;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  self = key_dialog_new (parent, keyring_available, port, clear_seconds);
  show_result (self, key, secret, TRUE);
  return GTK_WIDGET (self);
}

AdwEntryRow *
_rtx_key_dialog_get_name_row (RtxKeyDialog *self)
{
  return self->name_row;
}

GtkSwitch *
_rtx_key_dialog_get_admin_switch (RtxKeyDialog *self)
{
  return self->admin_switch;
}

GtkWidget *
_rtx_key_dialog_get_generate_button (RtxKeyDialog *self)
{
  return self->generate_button;
}

GtkWidget *
_rtx_key_dialog_get_copy_button (RtxKeyDialog *self)
{
  return self->copy_button;
}

GtkLabel *
_rtx_key_dialog_get_key_label (RtxKeyDialog *self)
{
  return self->key_label;
}

GtkWidget *
_rtx_key_dialog_get_form_warning (RtxKeyDialog *self)
{
  return self->form_warning;
}

const char *
_rtx_key_dialog_get_page (RtxKeyDialog *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}
