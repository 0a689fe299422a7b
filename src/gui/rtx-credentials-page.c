/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-api-keys-async.h"
#include "rtx-credential-dialog.h"
#include "rtx-credentials-async.h"
#include "rtx-credentials-page-private.h"
#include "rtx-error.h"
#include "rtx-gui-util.h"

/**
 * RtxCredentialsPage:
 *
 * Settings > Credentials: the vault's credentials by name and type, with add, edit and
 * delete. Values are never read back for display. Without a keyring nothing can be stored,
 * changed or removed, and the page says so instead of offering a fallback. Every vault call
 * runs in a worker thread; the list is read again after each change.
 */
struct _RtxCredentialsPage {
  AdwPreferencesPage  parent_instance;

  RtxCredentials     *vault;
  RtxSecrets         *secrets;
  GCancellable       *cancellable;
  GPtrArray          *credentials;      /* as last listed */
  GtkWidget          *dialog;           /* the open editor or confirmation, if any */
  gboolean            keyring_available;

  GtkWidget          *warning_group;
  AdwActionRow       *warning_row;
  GtkWidget          *add_button;
  GtkListBox         *list_box;
};

enum {
  SIGNAL_LOADED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxCredentialsPage, rtx_credentials_page, ADW_TYPE_PREFERENCES_PAGE)

static GtkWindow *
page_window (RtxCredentialsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (RtxCredentialsPage *self,
       const char         *text)
{
  GtkWindow *window = page_window (self);

  if (ADW_IS_PREFERENCES_WINDOW (window))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (text));
}

static void
set_dialog (RtxCredentialsPage *self,
            GtkWidget          *dialog)
{
  g_clear_weak_pointer (&self->dialog);
  g_set_weak_pointer (&self->dialog, dialog);
}

static void
update_keyring_state (RtxCredentialsPage *self)
{
  RtxSecretsState state = rtx_secrets_get_state (self->secrets);
  const char *reason = rtx_secrets_get_state_reason (self->secrets);
  g_autofree char *subtitle = NULL;

  self->keyring_available = state != RTX_SECRETS_LOCKED && state != RTX_SECRETS_UNAVAILABLE;
  gtk_widget_set_visible (self->warning_group, !self->keyring_available);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credentials.add", self->keyring_available);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credentials.edit", self->keyring_available);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credentials.delete",
                                 self->keyring_available);
  if (self->keyring_available)
    return;

  subtitle = g_strdup_printf ("%s\n%s",
                              _("Credentials are kept only in your keyring (Secret Service), "
                                "never in plain files, so none can be added, changed or removed "
                                "now. Unlock or install a keyring, then reopen this page."),
                              reason != NULL ? reason : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->warning_row),
                                 state == RTX_SECRETS_LOCKED ? _("The keyring is locked")
                                                             : _("No keyring available"));
  adw_action_row_set_subtitle (self->warning_row, g_strstrip (subtitle));
}

static const RtxCredential *
find_credential (RtxCredentialsPage *self,
                 const char         *name)
{
  for (guint i = 0; self->credentials != NULL && i < self->credentials->len; i++) {
    const RtxCredential *credential = g_ptr_array_index (self->credentials, i);

    if (g_str_equal (credential->name, name))
      return credential;
  }
  return NULL;
}

static GtkWidget *
row_button (const char *icon,
            const char *tooltip,
            const char *action,
            const char *name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (name));
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static char *
row_subtitle (const RtxCredential *credential)
{
  g_autoptr(JsonNode) metadata = NULL;
  const char *description = NULL;
  const char *type = rtx_credential_type_label (credential->type);

  if (credential->metadata != NULL)
    metadata = json_from_string (credential->metadata, NULL);
  if (metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata))
    description = json_object_get_string_member_with_default (json_node_get_object (metadata),
                                                              "description", NULL);

  return description != NULL && *description != '\0'
         ? g_strdup_printf ("%s · %s", type, description) : g_strdup (type);
}

static GtkWidget *
credential_row_new (const RtxCredential *credential)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = row_subtitle (credential);
  g_autofree char *edit_tip = g_strdup_printf (_("Edit “%s”"), credential->name);
  g_autofree char *delete_tip = g_strdup_printf (_("Delete “%s”"), credential->name);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), credential->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("document-edit-symbolic", edit_tip, "credentials.edit",
                                         credential->name));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("user-trash-symbolic", delete_tip, "credentials.delete",
                                         credential->name));
  g_object_set_data_full (G_OBJECT (row), "credential-name", g_strdup (credential->name), g_free);
  return row;
}

static void
show_credentials (RtxCredentialsPage *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));

  for (guint i = 0; i < self->credentials->len; i++)
    gtk_list_box_append (self->list_box, credential_row_new (g_ptr_array_index (self->credentials,
                                                                                i)));
}

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxCredentialsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = rtx_credentials_list_finish (RTX_CREDENTIALS (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (list == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not list the credentials"), error);
    return;
  }

  g_clear_pointer (&self->credentials, g_ptr_array_unref);
  self->credentials = list;
  update_keyring_state (self);
  show_credentials (self);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

/**
 * rtx_credentials_page_reload:
 *
 * Reads the credentials again (in a worker thread) and rebuilds the list;
 * #RtxCredentialsPage::loaded is emitted when it is shown.
 */
void
rtx_credentials_page_reload (RtxCredentialsPage *self)
{
  g_return_if_fail (RTX_IS_CREDENTIALS_PAGE (self));

  rtx_credentials_list_async (self->vault, self->cancellable, on_listed_cb, g_object_ref (self));
}

static void
on_probed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxCredentialsPage) self = user_data;

  rtx_secrets_probe_finish (RTX_SECRETS (source), result, NULL);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  rtx_credentials_page_reload (self);
}

static void
on_saved_cb (RtxCredentialsPage *self,
             const char         *name)
{
  toast (self, _("Credential saved"));
  rtx_credentials_page_reload (self);
}

static void
present_dialog (RtxCredentialsPage *self,
                GtkWidget          *dialog)
{
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_saved_cb), self, G_CONNECT_SWAPPED);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  RtxCredentialsPage *self = RTX_CREDENTIALS_PAGE (widget);

  present_dialog (self, rtx_credential_dialog_new_add (page_window (self), self->vault));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RtxCredentialsPage *self = RTX_CREDENTIALS_PAGE (widget);
  const RtxCredential *credential = find_credential (self, g_variant_get_string (parameter,
                                                                                 NULL));

  g_return_if_fail (credential != NULL);

  present_dialog (self, rtx_credential_dialog_new_edit (page_window (self), self->vault,
                                                        credential));
}

static void
on_deleted_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RtxCredentialsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!rtx_credentials_delete_finish (RTX_CREDENTIALS (source), result, &error)) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return;
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not delete the credential"), error);
    update_keyring_state (self);
    return;
  }

  toast (self, _("Credential deleted"));
  rtx_credentials_page_reload (self);
}

static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  RtxCredentialsPage *self = RTX_CREDENTIALS_PAGE (user_data);
  const char *name = g_object_get_data (G_OBJECT (dialog), "credential-name");

  if (!g_str_equal (response, "delete"))
    return;

  rtx_credentials_delete_async (self->vault, name, rtx_gui_actor (), self->cancellable,
                                on_deleted_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RtxCredentialsPage *self = RTX_CREDENTIALS_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkWidget *dialog = adw_message_dialog_new (page_window (self), NULL, NULL);

  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Delete “%s”?"), name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
    _("Its secret is removed from your keyring. The runtime and the local apps that use it can "
      "no longer sign in with it."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "credential-name", g_strdup (name), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rtx_credentials_page_dispose (GObject *object)
{
  RtxCredentialsPage *self = RTX_CREDENTIALS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_CREDENTIALS_PAGE);

  G_OBJECT_CLASS (rtx_credentials_page_parent_class)->dispose (object);
}

static void
rtx_credentials_page_finalize (GObject *object)
{
  RtxCredentialsPage *self = RTX_CREDENTIALS_PAGE (object);

  g_clear_object (&self->vault);
  g_clear_object (&self->secrets);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->credentials, g_ptr_array_unref);

  G_OBJECT_CLASS (rtx_credentials_page_parent_class)->finalize (object);
}

static void
rtx_credentials_page_class_init (RtxCredentialsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_credentials_page_dispose;
  object_class->finalize = rtx_credentials_page_finalize;

  /**
   * RtxCredentialsPage::loaded:
   *
   * The list shows what the vault holds now.
   */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* The template is read here, so the resources must be registered first. */
  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/rtx-credentials-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialsPage, warning_group);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialsPage, warning_row);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialsPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialsPage, list_box);

  gtk_widget_class_install_action (widget_class, "credentials.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "credentials.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "credentials.delete", "s", delete_action);
}

static void
rtx_credentials_page_init (RtxCredentialsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * rtx_credentials_page_new:
 *
 * Returns: (transfer floating): the page; it asks the keyring, then lists the credentials
 */
GtkWidget *
rtx_credentials_page_new (RtxRuntime *runtime)
{
  RtxCredentialsPage *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);

  self = g_object_new (RTX_TYPE_CREDENTIALS_PAGE, NULL);
  self->vault = g_object_ref (rtx_runtime_get_credentials (runtime));
  self->secrets = g_object_ref (rtx_runtime_get_secrets (runtime));
  rtx_secrets_probe_async (self->secrets, self->cancellable, on_probed_cb, g_object_ref (self));
  return GTK_WIDGET (self);
}

AdwActionRow *
_rtx_credentials_page_find_row (RtxCredentialsPage *self,
                                const char         *name)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++) {
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "credential-name"), name) == 0)
      return ADW_ACTION_ROW (row);
  }
  return NULL;
}

GtkWidget *
_rtx_credentials_page_get_dialog (RtxCredentialsPage *self)
{
  return self->dialog;
}

GtkWidget *
_rtx_credentials_page_get_warning (RtxCredentialsPage *self)
{
  return self->warning_group;
}

GtkWidget *
_rtx_credentials_page_get_add_button (RtxCredentialsPage *self)
{
  return self->add_button;
}
