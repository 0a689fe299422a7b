/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-error.h"
#include "rtx-gui-util.h"
#include "rtx-permission-prompter.h"

/**
 * RtxPermissionPrompter:
 *
 * Shows the person every question a local app asks (RtxPermissionBroker): one dialog per
 * prompt, naming the app by its registered name and saying in plain words what it would be
 * allowed to do, with Allow and Deny. When the window is hidden, a desktop notification says
 * that an app is waiting. A prompt answered elsewhere (the admin API) or timed out closes its
 * dialog and withdraws its notification.
 */
struct _RtxPermissionPrompter {
  GObject              parent_instance;

  GtkApplication      *application;    /* unowned: the application owns the prompter */
  RtxPermissionBroker *broker;
  GHashTable          *dialogs;        /* request id → AdwMessageDialog */
};

G_DEFINE_FINAL_TYPE (RtxPermissionPrompter, rtx_permission_prompter, G_TYPE_OBJECT)

static const struct {
  const char *permission;
  const char *words;
} descriptions[] = {
  { "api.agents", N_("see your agents") },
  { "api.workspaces", N_("see your workspaces") },
  { "api.threads", N_("see the threads of your workspaces") },
  { "api.task", N_("read the tasks it started") },
  { "webhook.trigger", N_("start your agents and report on their tasks") },
  { "activities.read", N_("read your activities") },
  { "activities.write", N_("add, change and remove activities") },
  { "llm.chat", N_("chat with your language models") },
  { "llm.embed", N_("turn text into embeddings with your models") },
  { "llm.providers", N_("see which model providers and models you have") },
  { "vectors.read", N_("search its stored vectors") },
  { "vectors.write", N_("store and delete vectors") },
  { "tts.generate", N_("turn text into speech") },
  { "tts.speak", N_("turn text into speech") },
  { "credentials.read", N_("read the credentials you assigned to it") },
  { "credentials.list", N_("see the names of your credentials") },
};

/**
 * rtx_permission_describe:
 * @permission: a permission, e.g. `llm.chat`
 *
 * Returns: (transfer full): what the permission lets an app do, in words for people
 */
char *
rtx_permission_describe (const char *permission)
{
  for (guint i = 0; i < G_N_ELEMENTS (descriptions); i++) {
    if (g_str_equal (permission, descriptions[i].permission))
      return g_strdup (_(descriptions[i].words));
  }

  /* Permissions of newer SDKs: say what is asked, literally. */
  return g_strdup_printf (_("use “%s”"), permission);
}

static char *
describe_request (const RtxPermissionRequest *request)
{
  GString *body = g_string_new (NULL);
  guint n = g_strv_length (request->permissions);

  if (n == 1) {
    g_autofree char *words = rtx_permission_describe (request->permissions[0]);

    g_string_append_printf (body, _("“%s” asks to %s (%s)."), request->app_name, words,
                            request->permissions[0]);
  } else {
    g_string_append_printf (body, _("“%s” asks to:"), request->app_name);
    for (guint i = 0; i < n; i++) {
      g_autofree char *words = rtx_permission_describe (request->permissions[i]);

      g_string_append_printf (body, "\n• %s (%s)", words, request->permissions[i]);
    }
  }

  g_string_append (body, "\n\n");
  g_string_append (body, _("You can change this later in Settings > Local Apps."));
  return g_string_free (body, FALSE);
}

/* ---- Dialogs ----------------------------------------------------------------------------- */

static void
on_response_cb (AdwMessageDialog      *dialog,
                const char            *response,
                RtxPermissionPrompter *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (dialog), "request-id"));
  g_autoptr(GError) error = NULL;
  gpointer stolen_key = NULL;
  gpointer stolen = NULL;

  /* The dialog closes itself after a response (GTK keeps it alive until then): it only leaves
   * the table here, so that the answer's request-removed does not destroy it under its feet. */
  g_signal_handlers_disconnect_by_data (dialog, self);
  if (g_hash_table_steal_extended (self->dialogs, id, &stolen_key, &stolen)) {
    g_free (stolen_key);
    g_object_unref (stolen);
  }

  /* Closing the dialog is a refusal, as Escape means "no". */
  if (!rtx_permission_broker_answer (self->broker, id, g_str_equal (response, "allow"),
                                     rtx_gui_actor (), &error) &&
      !g_error_matches (error, RTX_ERROR, RTX_ERROR_NOT_FOUND))
    g_warning ("Could not store a permission decision: %s", error->message);
}

/* The application's most recently used window that the person can see, other than a prompt. */
static GtkWindow *
visible_window (RtxPermissionPrompter *self)
{
  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next) {
    if (gtk_widget_get_visible (l->data) && !ADW_IS_MESSAGE_DIALOG (l->data))
      return l->data;
  }

  return NULL;
}

static void
notify_hidden (RtxPermissionPrompter      *self,
               const RtxPermissionRequest *request)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = g_strdup_printf (_("“%s” asks for permission"), request->app_name);
  g_autofree char *id = g_strdup_printf ("permission-%s", request->id);

  notification = g_notification_new (title);
  g_notification_set_body (notification, _("Open RealTimeX Runtime to allow or deny it."));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action (notification, "app.settings");
  g_application_send_notification (G_APPLICATION (self->application), id, notification);
}

static void
on_request_added_cb (RtxPermissionBroker        *broker,
                     const RtxPermissionRequest *request,
                     RtxPermissionPrompter      *self)
{
  g_autofree char *heading = g_strdup_printf (_("Allow “%s”?"), request->app_name);
  g_autofree char *body = describe_request (request);
  GtkWindow *parent = visible_window (self);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "deny", _("_Deny"),
                                    "allow", _("_Allow"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "allow",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "deny");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "deny");
  g_object_set_data_full (G_OBJECT (dialog), "request-id", g_strdup (request->id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_response_cb), self, 0);
  gtk_window_set_application (GTK_WINDOW (dialog), self->application);

  g_hash_table_insert (self->dialogs, g_strdup (request->id), g_object_ref_sink (dialog));
  gtk_window_present (GTK_WINDOW (dialog));

  if (parent == NULL)
    notify_hidden (self, request);
}

static void
on_request_removed_cb (RtxPermissionBroker   *broker,
                       const char            *request_id,
                       RtxPermissionPrompter *self)
{
  g_autofree char *notification_id = g_strdup_printf ("permission-%s", request_id);
  GtkWidget *dialog = g_hash_table_lookup (self->dialogs, request_id);

  g_application_withdraw_notification (G_APPLICATION (self->application), notification_id);
  if (dialog != NULL) {
    g_signal_handlers_disconnect_by_data (dialog, self);
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_hash_table_remove (self->dialogs, request_id);
  }
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
destroy_dialog (gpointer data)
{
  GtkWidget *dialog = data;

  g_signal_handlers_disconnect_matched (dialog, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                        on_response_cb, NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
rtx_permission_prompter_dispose (GObject *object)
{
  RtxPermissionPrompter *self = RTX_PERMISSION_PROMPTER (object);

  if (self->broker != NULL)
    g_signal_handlers_disconnect_by_data (self->broker, self);
  g_clear_object (&self->broker);
  g_clear_pointer (&self->dialogs, g_hash_table_unref);

  G_OBJECT_CLASS (rtx_permission_prompter_parent_class)->dispose (object);
}

static void
rtx_permission_prompter_class_init (RtxPermissionPrompterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rtx_permission_prompter_dispose;
}

static void
rtx_permission_prompter_init (RtxPermissionPrompter *self)
{
  self->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, destroy_dialog);
}

/**
 * rtx_permission_prompter_new:
 * @application: the application, whose windows the dialogs join
 * @broker: the broker whose prompts to show
 *
 * Returns: (transfer full): a prompter, showing prompts until it is disposed
 */
RtxPermissionPrompter *
rtx_permission_prompter_new (GtkApplication      *application,
                             RtxPermissionBroker *broker)
{
  RtxPermissionPrompter *self;
  g_autoptr(GPtrArray) pending = NULL;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (RTX_IS_PERMISSION_BROKER (broker), NULL);

  self = g_object_new (RTX_TYPE_PERMISSION_PROMPTER, NULL);
  self->application = application;
  self->broker = g_object_ref (broker);
  g_signal_connect (broker, "request-added", G_CALLBACK (on_request_added_cb), self);
  g_signal_connect (broker, "request-removed", G_CALLBACK (on_request_removed_cb), self);

  /* Prompts that came before the window did. */
  pending = rtx_permission_broker_list_pending (broker);
  for (guint i = 0; i < pending->len; i++)
    on_request_added_cb (broker, g_ptr_array_index (pending, i), self);

  return self;
}

/**
 * rtx_permission_prompter_get_dialog:
 * @self: a prompter
 * @request_id: a prompt's id
 *
 * Returns: (transfer none) (nullable): the dialog that shows the prompt, for tests
 */
GtkWidget *
rtx_permission_prompter_get_dialog (RtxPermissionPrompter *self,
                                    const char            *request_id)
{
  g_return_val_if_fail (RTX_IS_PERMISSION_PROMPTER (self), NULL);

  return g_hash_table_lookup (self->dialogs, request_id);
}
