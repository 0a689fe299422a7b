/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-credentials-async.h"
#include "rtx-credential-dialog-private.h"
#include "rtx-gui-util.h"

/**
 * RtxCredentialDialog:
 *
 * Adds or edits a credential, with the fields its type has. A stored value is never read back
 * into the dialog: editing starts with empty fields, and only what is typed is sent, so a
 * value stays as it was unless it is retyped (the vault merges payload fields).
 */
struct _RtxCredentialDialog {
  AdwWindow        parent_instance;

  RtxCredentials  *vault;
  GCancellable    *cancellable;
  char            *editing;           /* the name of the credential edited, or NULL to add */
  guint            stored_type;       /* its type, as an index of type_ui[] */
  JsonObject      *metadata;          /* its metadata, kept whole when the description changes */
  char            *stored_description;

  GtkWidget       *cancel_button;
  GtkWidget       *save_button;
  GtkWidget       *error_group;
  AdwActionRow    *error_row;
  AdwEntryRow     *name_row;
  AdwComboRow     *type_row;
  GtkStringList   *type_list;
  AdwEntryRow     *description_row;
  AdwPreferencesGroup *fields_group;
  AdwEntryRow     *field_name_row;
  AdwEntryRow     *secret_row;
  AdwEntryRow     *extra_row;
};

enum {
  SIGNAL_SAVED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (RtxCredentialDialog, rtx_credential_dialog, ADW_TYPE_WINDOW)

/* Which payload member each row edits, per type. The name row is a plain entry (header,
 * parameter, variable or user name); the other two are password rows. */
static const struct {
  const char *type;
  const char *label;
  const char *name_member, *name_title;
  const char *secret_member, *secret_title;
  const char *extra_member, *extra_title;
} type_ui[] = {
  { "http_header", N_("HTTP header"), "name", N_("Header name"), "value", N_("Value"),
    NULL, NULL },
  { "query_auth", N_("Query parameter"), "name", N_("Parameter name"), "value", N_("Value"),
    NULL, NULL },
  { "basic_auth", N_("Basic authentication"), "username", N_("Username"), "password",
    N_("Password"), NULL, NULL },
  { "bearer", N_("Bearer token"), NULL, NULL, "token", N_("Token"), NULL, NULL },
  { "env_var", N_("Environment variable"), "name", N_("Variable name"), "value", N_("Value"),
    NULL, NULL },
  { "oauth_token", N_("OAuth token"), NULL, NULL, "access_token", N_("Access token"),
    "refresh_token", N_("Refresh token (optional)") },
};

guint
_rtx_credential_dialog_find_type (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_ui); i++) {
    if (g_strcmp0 (type_ui[i].type, type) == 0)
      return i;
  }
  return GTK_INVALID_LIST_POSITION;
}

/**
 * rtx_credential_type_label:
 *
 * Returns: the type's name for people, translated
 */
const char *
rtx_credential_type_label (const char *type)
{
  guint i = _rtx_credential_dialog_find_type (type);

  return i != GTK_INVALID_LIST_POSITION ? _(type_ui[i].label) : type;
}

static guint
selected_type (RtxCredentialDialog *self)
{
  guint i = adw_combo_row_get_selected (self->type_row);

  return i < G_N_ELEMENTS (type_ui) ? i : 0;
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
is_filled (AdwEntryRow *row)
{
  return gtk_widget_get_visible (GTK_WIDGET (row)) && *text_of (row) != '\0';
}

/* A new credential needs every required field; so does an old one given a new type. Editing
 * within the same type needs nothing: empty fields keep their values. */
static gboolean
form_is_valid (RtxCredentialDialog *self)
{
  guint type = selected_type (self);

  if (self->editing == NULL && *text_of (self->name_row) == '\0')
    return FALSE;
  if (self->editing != NULL && type == self->stored_type)
    return TRUE;
  if (type_ui[type].name_member != NULL && !is_filled (self->field_name_row))
    return FALSE;
  return is_filled (self->secret_row);
}

static void
on_changed_cb (RtxCredentialDialog *self)
{
  gtk_widget_set_sensitive (self->save_button, form_is_valid (self));
}

static void
show_fields (RtxCredentialDialog *self)
{
  guint type = selected_type (self);
  gboolean kept = self->editing != NULL && type == self->stored_type;

  gtk_widget_set_visible (GTK_WIDGET (self->field_name_row), type_ui[type].name_member != NULL);
  if (type_ui[type].name_member != NULL)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->field_name_row),
                                   _(type_ui[type].name_title));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->secret_row),
                                 _(type_ui[type].secret_title));
  gtk_widget_set_visible (GTK_WIDGET (self->extra_row), type_ui[type].extra_member != NULL);
  if (type_ui[type].extra_member != NULL)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->extra_row),
                                   _(type_ui[type].extra_title));

  adw_preferences_group_set_description (self->fields_group,
    kept ? _("Stored values are never shown. Fill in only what you want to change; empty fields "
             "keep their stored values.")
         : self->editing != NULL ? _("A new type needs all of its fields.")
                                 : _("Kept in your keyring, never in plain files."));
  on_changed_cb (self);
}

static void
on_type_changed_cb (RtxCredentialDialog *self)
{
  show_fields (self);
}

static void
add_member (JsonObject  *payload,
            AdwEntryRow *row,
            const char  *member)
{
  if (member != NULL && is_filled (row))
    json_object_set_string_member (payload, member, text_of (row));
}

/* The metadata to send: NULL when the description did not change. The other members that an
 * API client may have set are kept. */
static JsonObject *
changed_metadata (RtxCredentialDialog *self)
{
  const char *description = text_of (self->description_row);
  JsonObject *metadata;

  if (g_strcmp0 (description, self->stored_description != NULL ? self->stored_description : "")
      == 0)
    return NULL;

  metadata = json_object_new ();
  if (self->metadata != NULL) {
    JsonObjectIter iter;
    const char *member;
    JsonNode *node;

    json_object_iter_init (&iter, self->metadata);
    while (json_object_iter_next (&iter, &member, &node))
      json_object_set_member (metadata, member, json_node_copy (node));
  }
  if (*description != '\0')
    json_object_set_string_member (metadata, "description", description);
  else if (json_object_has_member (metadata, "description"))
    json_object_remove_member (metadata, "description");
  return metadata;
}

static void
clear_secrets (RtxCredentialDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->extra_row), "");
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RtxCredentialDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredential) credential = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == rtx_credentials_create_async)
    credential = rtx_credentials_create_finish (RTX_CREDENTIALS (source), result, &error);
  else
    credential = rtx_credentials_update_finish (RTX_CREDENTIALS (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (credential == NULL) {
    adw_action_row_set_subtitle (self->error_row, error->message);
    gtk_widget_set_visible (self->error_group, TRUE);
    on_changed_cb (self);
    return;
  }

  clear_secrets (self);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, credential->name);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_save_clicked_cb (RtxCredentialDialog *self)
{
  guint type = selected_type (self);
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(JsonObject) metadata = changed_metadata (self);
  gboolean new_type = self->editing != NULL && type != self->stored_type;

  if (!form_is_valid (self))
    return;

  add_member (payload, self->field_name_row, type_ui[type].name_member);
  add_member (payload, self->secret_row, type_ui[type].secret_member);
  add_member (payload, self->extra_row, type_ui[type].extra_member);

  if (self->editing != NULL && !new_type && json_object_get_size (payload) == 0 &&
      metadata == NULL) {
    /* Nothing was changed: the stored values stay as they are. */
    gtk_window_close (GTK_WINDOW (self));
    return;
  }

  gtk_widget_set_sensitive (self->save_button, FALSE);
  gtk_widget_set_visible (self->error_group, FALSE);

  if (self->editing == NULL)
    rtx_credentials_create_async (self->vault, text_of (self->name_row), type_ui[type].type,
                                  payload, metadata, rtx_gui_actor (), self->cancellable,
                                  on_saved_cb, g_object_ref (self));
  else
    rtx_credentials_update_async (self->vault, self->editing,
                                  new_type ? type_ui[type].type : NULL,
                                  json_object_get_size (payload) > 0 ? payload : NULL, metadata,
                                  rtx_gui_actor (), self->cancellable, on_saved_cb,
                                  g_object_ref (self));
}

static void
rtx_credential_dialog_dispose (GObject *object)
{
  RtxCredentialDialog *self = RTX_CREDENTIAL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->secret_row != NULL)
    clear_secrets (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), RTX_TYPE_CREDENTIAL_DIALOG);

  G_OBJECT_CLASS (rtx_credential_dialog_parent_class)->dispose (object);
}

static void
rtx_credential_dialog_finalize (GObject *object)
{
  RtxCredentialDialog *self = RTX_CREDENTIAL_DIALOG (object);

  g_clear_object (&self->vault);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->editing, g_free);
  g_clear_pointer (&self->metadata, json_object_unref);
  g_clear_pointer (&self->stored_description, g_free);

  G_OBJECT_CLASS (rtx_credential_dialog_parent_class)->finalize (object);
}

static void
rtx_credential_dialog_class_init (RtxCredentialDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_credential_dialog_dispose;
  object_class->finalize = rtx_credential_dialog_finalize;

  /**
   * RtxCredentialDialog::saved:
   * @name: the credential's name
   *
   * The credential was stored; the dialog closes.
   */
  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /* The template is read here, so the resources must be registered first. */
  rtx_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/rtx-credential-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, error_group);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, error_row);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, type_list);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, field_name_row);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, secret_row);
  gtk_widget_class_bind_template_child (widget_class, RtxCredentialDialog, extra_row);
  gtk_widget_class_bind_template_callback (widget_class, on_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_type_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);
}

static void
rtx_credential_dialog_init (RtxCredentialDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (type_ui); i++)
    gtk_string_list_append (self->type_list, _(type_ui[i].label));
  adw_combo_row_set_selected (self->type_row, 0);
  show_fields (self);
}

/**
 * rtx_credential_dialog_new_add:
 *
 * Returns: (transfer floating): a dialog that adds a credential
 */
GtkWidget *
rtx_credential_dialog_new_add (GtkWindow      *parent,
                               RtxCredentials *vault)
{
  RtxCredentialDialog *self;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (vault), NULL);

  self = g_object_new (RTX_TYPE_CREDENTIAL_DIALOG, "transient-for", parent, NULL);
  self->vault = g_object_ref (vault);
  return GTK_WIDGET (self);
}

/**
 * rtx_credential_dialog_new_edit:
 *
 * Returns: (transfer floating): a dialog that edits @credential without showing its values
 */
GtkWidget *
rtx_credential_dialog_new_edit (GtkWindow           *parent,
                                RtxCredentials      *vault,
                                const RtxCredential *credential)
{
  RtxCredentialDialog *self;
  g_autoptr(JsonNode) metadata = NULL;
  guint type;

  g_return_val_if_fail (RTX_IS_CREDENTIALS (vault), NULL);
  g_return_val_if_fail (credential != NULL, NULL);

  self = g_object_new (RTX_TYPE_CREDENTIAL_DIALOG, "transient-for", parent,
                       "title", _("Edit Credential"), NULL);
  self->vault = g_object_ref (vault);
  self->editing = g_strdup (credential->name);

  if (credential->metadata != NULL)
    metadata = json_from_string (credential->metadata, NULL);
  if (metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata)) {
    self->metadata = json_object_ref (json_node_get_object (metadata));
    self->stored_description = g_strdup (json_object_get_string_member_with_default (
      self->metadata, "description", ""));
  }

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), credential->name);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         self->stored_description != NULL ? self->stored_description : "");

  type = _rtx_credential_dialog_find_type (credential->type);
  self->stored_type = type != GTK_INVALID_LIST_POSITION ? type : 0;
  adw_combo_row_set_selected (self->type_row, self->stored_type);
  show_fields (self);
  return GTK_WIDGET (self);
}

GtkEditable *
_rtx_credential_dialog_get_name_row (RtxCredentialDialog *self)
{
  return GTK_EDITABLE (self->name_row);
}

AdwComboRow *
_rtx_credential_dialog_get_type_row (RtxCredentialDialog *self)
{
  return self->type_row;
}

/* The row that edits @member of the selected type's payload, or NULL. */
GtkEditable *
_rtx_credential_dialog_get_field_row (RtxCredentialDialog *self,
                                      const char          *member)
{
  guint type = selected_type (self);

  if (g_strcmp0 (type_ui[type].name_member, member) == 0)
    return GTK_EDITABLE (self->field_name_row);
  if (g_strcmp0 (type_ui[type].secret_member, member) == 0)
    return GTK_EDITABLE (self->secret_row);
  if (g_strcmp0 (type_ui[type].extra_member, member) == 0)
    return GTK_EDITABLE (self->extra_row);
  return NULL;
}

GtkWidget *
_rtx_credential_dialog_get_save_button (RtxCredentialDialog *self)
{
  return self->save_button;
}

GtkWidget *
_rtx_credential_dialog_get_error_row (RtxCredentialDialog *self)
{
  return self->error_group;
}
