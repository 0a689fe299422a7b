/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "rtx-api-keys-async.h"
#include "rtx-api-keys-page-private.h"
#include "rtx-clipboard.h"
#include "rtx-gui-util.h"
#include "rtx-key-dialog.h"

/**
 * RtxApiKeysPage:
 *
 * Settings > API Keys. Every key operation runs in a worker thread (the keyring is a blocking
 * D-Bus service), and the list is reloaded from the database after each one, so what is shown
 * is what the server checks.
 */
struct _RtxApiKeysPage {
  AdwPreferencesPage  parent_instance;

  RtxServer          *server;
  RtxApiKeys         *api_keys;
  RtxSecrets         *secrets;
  GSettings          *settings;
  GCancellable       *cancellable;
  GtkWidget          *dialog;            /* the open key dialog or confirmation, if any */
  gboolean            keyring_available;

  GtkWidget          *generate_button;
  GtkWidget          *keys_group;
  GtkListBox         *list_box;
  GtkLabel           *placeholder;
  GtkSearchEntry     *search_entry;
  GtkWidget          *warning_group;
  AdwActionRow       *warning_row;
};

enum {
  SIGNAL_LOADED,
  SIGNAL_COPIED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxApiKeysPage, rtx_api_keys_page, ADW_TYPE_PREFERENCES_PAGE)

static GtkWindow *
page_window (RtxApiKeysPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (RtxApiKeysPage *self,
       const char     *text)
{
  GtkWindow *window = page_window (self);

  if (ADW_IS_PREFERENCES_WINDOW (window))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (text));
}

static void
set_dialog (RtxApiKeysPage *self,
            GtkWidget      *dialog)
{
  g_clear_weak_pointer (&self->dialog);
  g_set_weak_pointer (&self->dialog, dialog);
}

static void
update_keyring_state (RtxApiKeysPage *self)
{
  RtxSecretsState state = rtx_secrets_get_state (self->secrets);
  const char *reason = rtx_secrets_get_state_reason (self->secrets);
  g_autofree char *subtitle = NULL;

  self->keyring_available = state != RTX_SECRETS_LOCKED && state != RTX_SECRETS_UNAVAILABLE;
  gtk_widget_set_visible (self->warning_group, !self->keyring_available);
  if (self->keyring_available)
    return;

  subtitle = g_strdup_printf ("%s\n%s",
                              _("New keys are shown only once and cannot be copied later. "
                                "Unlock or install a keyring (Secret Service) to copy keys again."),
                              reason != NULL ? reason : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->warning_row),
                                 state == RTX_SECRETS_LOCKED ? _("The keyring is locked")
                                                             : _("No keyring available"));
  adw_action_row_set_subtitle (self->warning_row, g_strstrip (subtitle));
}

static const char *
find_display (GPtrArray *keys,
              gint64     id)
{
  for (guint i = 0; i < keys->len; i++) {
    const RtxApiKey *key = g_ptr_array_index (keys, i);

    if (key->id == id)
      return key->display;
  }
  return NULL;
}

static void
clear_rows (RtxApiKeysPage *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));
}

/* Newest first, and active keys before deactivated ones. */
static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  const RtxApiKey *ka = *(const RtxApiKey * const *) a;
  const RtxApiKey *kb = *(const RtxApiKey * const *) b;
  gboolean aa = rtx_api_key_is_active (ka), ab = rtx_api_key_is_active (kb);

  if (aa != ab)
    return aa ? -1 : 1;
  return ka->id < kb->id ? 1 : ka->id > kb->id ? -1 : 0;
}

static void
show_keys (RtxApiKeysPage *self,
           GPtrArray      *keys)
{
  clear_rows (self);
  g_ptr_array_sort (keys, compare_keys);

  for (guint i = 0; i < keys->len; i++) {
    const RtxApiKey *key = g_ptr_array_index (keys, i);
    const char *predecessor = key->replaces_key_id > 0
                                ? find_display (keys, key->replaces_key_id) : NULL;
    GtkWidget *row = rtx_api_key_row_new (key, predecessor);

    if (!self->keyring_available)
      rtx_api_key_row_set_copy_unavailable (RTX_API_KEY_ROW (row),
        _("No keyring is available, so keys cannot be copied"));
    gtk_list_box_append (self->list_box, row);
  }
}

static void
on_listed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxApiKeysPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = rtx_api_keys_list_finish (RTX_API_KEYS (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (keys == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not list the keys"), error);
    return;
  }

  update_keyring_state (self);
  show_keys (self, keys);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

/**
 * rtx_api_keys_page_reload:
 *
 * Reads the keys again from the database (in a worker thread) and rebuilds the list;
 * #RtxApiKeysPage::loaded is emitted when it is shown.
 */
void
rtx_api_keys_page_reload (RtxApiKeysPage *self)
{
  g_return_if_fail (RTX_IS_API_KEYS_PAGE (self));

  rtx_api_keys_list_async (self->api_keys, self->cancellable, on_listed_cb, g_object_ref (self));
}

static void
on_probed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxApiKeysPage) self = user_data;
  GtkListBoxRow *row;

  rtx_secrets_probe_finish (RTX_SECRETS (source), result, NULL);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  update_keyring_state (self);
  if (self->keyring_available)
    return;
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    rtx_api_key_row_set_copy_unavailable (RTX_API_KEY_ROW (row),
      _("No keyring is available, so keys cannot be copied"));
}

static void
on_key_created_cb (RtxApiKeysPage  *self,
                   const RtxApiKey *key)
{
  rtx_api_keys_page_reload (self);
}

static guint
clear_seconds (RtxApiKeysPage *self)
{
  return g_settings_get_uint (self->settings, "clipboard-clear-seconds");
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RtxApiKeysPage *self = RTX_API_KEYS_PAGE (widget);
  GtkWidget *dialog = rtx_key_dialog_new_generate (page_window (self), self->api_keys,
                                                   self->keyring_available,
                                                   rtx_server_get_port (self->server),
                                                   clear_seconds (self));

  g_signal_connect_object (dialog, "created", G_CALLBACK (on_key_created_cb), self,
                           G_CONNECT_SWAPPED);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_docs_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  RtxApiKeysPage *self = RTX_API_KEYS_PAGE (widget);
  g_autofree char *uri = rtx_gui_docs_uri (rtx_server_get_port (self->server));

  rtx_gui_open_uri (widget, uri);
}

static void
on_copied_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RtxApiKeysPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = rtx_api_keys_copy_secret_finish (RTX_API_KEYS (source), result,
                                                                 &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (secret == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not copy the key"), error);
    update_keyring_state (self);
    return;
  }

  rtx_clipboard_copy_secret (GTK_WIDGET (self), secret, clear_seconds (self));
  toast (self, _("Copied"));
  g_signal_emit (self, signals[SIGNAL_COPIED], 0);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  RtxApiKeysPage *self = RTX_API_KEYS_PAGE (widget);

  rtx_api_keys_copy_secret_async (self->api_keys, g_variant_get_int64 (parameter),
                                  rtx_gui_actor (), self->cancellable, on_copied_cb,
                                  g_object_ref (self));
}

static void
on_rotated_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RtxApiKeysPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  GtkWidget *dialog;

  key = rtx_api_keys_rotate_finish (RTX_API_KEYS (source), result, &secret, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (key == NULL) {
    rtx_gui_show_error (GTK_WIDGET (self), _("Could not rotate the key"), error);
    return;
  }

  update_keyring_state (self);
  dialog = rtx_key_dialog_new_rotated (page_window (self), key, secret, self->keyring_available,
                                       rtx_server_get_port (self->server), clear_seconds (self));
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  rtx_api_keys_page_reload (self);
}

static void
rotate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  RtxApiKeysPage *self = RTX_API_KEYS_PAGE (widget);

  rtx_api_keys_rotate_async (self->api_keys, g_variant_get_int64 (parameter), rtx_gui_actor (),
                             self->cancellable, on_rotated_cb, g_object_ref (self));
}

static void
on_deactivated_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RtxApiKeysPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!rtx_api_keys_deactivate_finish (RTX_API_KEYS (source), result, &error)) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      rtx_gui_show_error (GTK_WIDGET (self), _("Could not deactivate the key"), error);
    return;
  }

  toast (self, _("Key deactivated"));
  rtx_api_keys_page_reload (self);
}

static void
on_confirm_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  RtxApiKeysPage *self = RTX_API_KEYS_PAGE (user_data);
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "key-id"));

  if (!g_str_equal (response, "deactivate"))
    return;

  rtx_api_keys_deactivate_async (self->api_keys, id, rtx_gui_actor (), self->cancellable,
                                 on_deactivated_cb, g_object_ref (self));
}

static void
deactivate_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RtxApiKeysPage *self = RTX_API_KEYS_PAGE (widget);
  gint64 id = g_variant_get_int64 (parameter);
  RtxApiKeyRow *row = _rtx_api_keys_page_find_row (self, id);
  GtkWidget *dialog;

  g_return_if_fail (row != NULL);

  dialog = adw_message_dialog_new (page_window (self), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Deactivate “%s”?"),
                                     rtx_api_key_row_get_key (row)->name);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
    _("Deactivation is permanent. Programs that use %s will stop working at their next request."),
    rtx_api_key_row_get_key (row)->display);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "deactivate", _("_Deactivate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "deactivate",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "key-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  set_dialog (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  RtxApiKeysPage *self = user_data;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *needle = NULL;
  g_autofree char *name = NULL;

  if (query == NULL || *query == '\0' || !RTX_IS_API_KEY_ROW (row))
    return TRUE;

  needle = g_utf8_casefold (query, -1);
  name = g_utf8_casefold (rtx_api_key_row_get_key (RTX_API_KEY_ROW (row))->name, -1);
  return strstr (name, needle) != NULL;
}

static void
on_search_changed_cb (RtxApiKeysPage *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_label_set_text (self->placeholder, *query != '\0' ? _("No keys match your search")
                                                         : _("No API keys yet"));
  gtk_list_box_invalidate_filter (self->list_box);
}

static void
rtx_api_keys_page_dispose (GObject *object)
{
  RtxApiKeysPage *self = (RtxApiKeysPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->dialog);
  g_clear_object (&self->server);
  g_clear_object (&self->api_keys);
  g_clear_object (&self->secrets);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rtx_api_keys_page_parent_class)->dispose (object);
}

static void
rtx_api_keys_page_class_init (RtxApiKeysPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_api_keys_page_dispose;

  /** RtxApiKeysPage::loaded: the list now shows what the database holds. */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /** RtxApiKeysPage::copied: a key from the list is on the clipboard. */
  signals[SIGNAL_COPIED] = g_signal_new ("copied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-api-keys-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeysPage, generate_button);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeysPage, keys_group);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeysPage, list_box);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeysPage, placeholder);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeysPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeysPage, warning_group);
  gtk_widget_class_bind_template_child (widget_class, RtxApiKeysPage, warning_row);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);

  gtk_widget_class_install_action (widget_class, "keys.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "keys.open-docs", NULL, open_docs_action);
  gtk_widget_class_install_action (widget_class, "keys.copy", "x", copy_action);
  gtk_widget_class_install_action (widget_class, "keys.rotate", "x", rotate_action);
  gtk_widget_class_install_action (widget_class, "keys.deactivate", "x", deactivate_action);
}

static void
rtx_api_keys_page_init (RtxApiKeysPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->keyring_available = TRUE;
  gtk_list_box_set_filter_func (self->list_box, filter_row, self, NULL);
}

GtkWidget *
rtx_api_keys_page_new (RtxServer *server,
                       GSettings *settings)
{
  RtxApiKeysPage *self;
  RtxRuntime *runtime;

  g_return_val_if_fail (RTX_IS_SERVER (server), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (RTX_TYPE_API_KEYS_PAGE, NULL);
  runtime = rtx_server_get_runtime (server);
  self->server = g_object_ref (server);
  self->api_keys = g_object_ref (rtx_runtime_get_api_keys (runtime));
  self->secrets = g_object_ref (rtx_runtime_get_secrets (runtime));
  self->settings = g_object_ref (settings);

  /* The list comes from the database; whether Copy can work comes from the keyring. Both are
   * asked at once, so that a slow keyring does not hold the list back. */
  rtx_api_keys_page_reload (self);
  rtx_secrets_probe_async (self->secrets, self->cancellable, on_probed_cb, g_object_ref (self));
  return GTK_WIDGET (self);
}

RtxApiKeyRow *
_rtx_api_keys_page_find_row (RtxApiKeysPage *self,
                             gint64          key_id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child)) {
    if (RTX_IS_API_KEY_ROW (child) &&
        rtx_api_key_row_get_key (RTX_API_KEY_ROW (child))->id == key_id)
      return RTX_API_KEY_ROW (child);
  }
  return NULL;
}

RtxApiKeyRow *
_rtx_api_keys_page_find_row_named (RtxApiKeysPage *self,
                                   const char     *name,
                                   gboolean        active)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL; child = gtk_widget_get_next_sibling (child)) {
    const RtxApiKey *key;

    if (!RTX_IS_API_KEY_ROW (child))
      continue;
    key = rtx_api_key_row_get_key (RTX_API_KEY_ROW (child));
    if (g_str_equal (key->name, name) && rtx_api_key_is_active (key) == active)
      return RTX_API_KEY_ROW (child);
  }
  return NULL;
}

GtkWidget *
_rtx_api_keys_page_get_dialog (RtxApiKeysPage *self)
{
  return self->dialog;
}

GtkWidget *
_rtx_api_keys_page_get_warning (RtxApiKeysPage *self)
{
  return self->warning_group;
}

GtkWidget *
_rtx_api_keys_page_get_search (RtxApiKeysPage *self)
{
  return GTK_WIDGET (self->search_entry);
}

GtkListBox *
_rtx_api_keys_page_get_list (RtxApiKeysPage *self)
{
  return self->list_box;
}

GtkWidget *
_rtx_api_keys_page_get_generate_button (RtxApiKeysPage *self)
{
  return self->generate_button;
}
