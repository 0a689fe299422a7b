/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "rtx-credentials-async.h"
#include "rtx-llm.h"
#include "rtx-model-provider-page-private.h"
#include "rtx-thread-task.h"

/**
 * RtxModelProviderPage:
 *
 * Settings > Model provider: the chat provider (built-in or an OpenAI-compatible server), its
 * base URL, the model (from the list the server gives at `/models`), the API key (the
 * credential `generic-openai`, in the keyring) and a connection test. The same settings as
 * `POST /api/v1/system/update-env`; every write and every call to the server runs off the main
 * loop.
 */
struct _RtxModelProviderPage {
  AdwPreferencesPage  parent_instance;

  RtxRuntime         *runtime;
  GCancellable       *cancellable;
  guint               pending;
  gboolean            filling;    /* the widgets are being set from the settings */

  AdwComboRow        *provider_row;
  AdwEntryRow        *base_url_row;
  AdwComboRow        *model_row;
  GtkStringList      *models;
  AdwEntryRow        *key_row;
  AdwActionRow       *test_row;
  GtkWidget          *test_button;
  GtkWidget          *refresh_button;
};

G_DEFINE_FINAL_TYPE (RtxModelProviderPage, rtx_model_provider_page, ADW_TYPE_PREFERENCES_PAGE)

enum { PROVIDER_BUILTIN, PROVIDER_OPENAI };

static const RtxActor gui_actor_template = { NULL, "gui" };

static RtxActor
gui_actor (void)
{
  RtxActor actor = gui_actor_template;

  actor.name = rtx_runtime_operator_name ();
  return actor;
}

static char *
config (RtxModelProviderPage *self,
        const char           *env,
        const char           *setting)
{
  return rtx_llm_config_get (rtx_llm_get (self->runtime), env, setting);
}

static gboolean
is_openai (RtxModelProviderPage *self)
{
  return adw_combo_row_get_selected (self->provider_row) == PROVIDER_OPENAI;
}

static void
update_sensitivity (RtxModelProviderPage *self)
{
  gboolean openai = is_openai (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->base_url_row), openai);
  gtk_widget_set_sensitive (GTK_WIDGET (self->model_row), openai);
  gtk_widget_set_sensitive (GTK_WIDGET (self->key_row), openai);
}

static void
update_key_title (RtxModelProviderPage *self)
{
  g_autoptr(RtxCredential) credential =
    rtx_credentials_get (rtx_runtime_get_credentials (self->runtime), RTX_LLM_CREDENTIAL_NAME, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row),
                                 credential != NULL
                                 ? _("API _key: set, kept in the keyring (type a new one to replace it, or apply an empty one to remove it)")
                                 : _("API _key (optional, kept in the keyring)"));
}

static void
set_status (RtxModelProviderPage *self,
            const char           *text)
{
  adw_action_row_set_subtitle (self->test_row, text);
}

static void
end_pending (RtxModelProviderPage *self)
{
  g_assert (self->pending > 0);
  self->pending--;
}

/* ---- Saving settings (a commit waits for the disk: a worker thread) ---------------------- */

typedef struct {
  RtxSettings *settings;
  char        *key;
  char        *value;
} SettingWrite;

static void
setting_write_free (SettingWrite *w)
{
  g_object_unref (w->settings);
  g_free (w->key);
  g_free (w->value);
  g_free (w);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SettingWrite *w = task_data;
  GError *error = NULL;

  if (rtx_settings_set (w->settings, w->key, w->value, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_setting (RtxModelProviderPage *self,
              const char           *key,
              const char           *value,
              GAsyncReadyCallback   callback)
{
  /* The page is the callback's data, not the task's source: the worker may let go of the task
   * last, and a widget must not be finalized there. */
  g_autoptr(GTask) task = rtx_thread_task_new (NULL, NULL, callback, g_object_ref (self));
  SettingWrite *w = g_new0 (SettingWrite, 1);

  w->settings = g_object_ref (rtx_runtime_get_settings (self->runtime));
  w->key = g_strdup (key);
  w->value = g_strdup (value);
  self->pending++;
  g_task_set_task_data (task, w, (GDestroyNotify) setting_write_free);
  g_task_run_in_thread (task, save_thread);
}

static void
on_saved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(RtxModelProviderPage) self = user_data;
  g_autoptr(GError) error = NULL;

  end_pending (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error)) {
    g_autofree char *text = g_strdup_printf (_("Could not save: %s"), error->message);

    set_status (self, text);
  }
}

/* ---- Models ------------------------------------------------------------------------------ */

static void
fill_models (RtxModelProviderPage *self,
             GStrv                 ids)
{
  g_autofree char *current = config (self, "RTX_LLM_MODEL", "GenericOpenAiModelPref");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->models));
  guint selected = GTK_INVALID_LIST_POSITION;

  self->filling = TRUE;
  gtk_string_list_splice (self->models, 0, n, (const char * const *) ids);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++) {
    if (g_strcmp0 (ids[i], current) == 0)
      selected = i;
  }
  adw_combo_row_set_selected (self->model_row, selected);
  self->filling = FALSE;
}

static void
on_models_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RtxModelProviderPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = rtx_llm_provider_list_models_finish (RTX_LLM_PROVIDER (source), result, &error);
  g_autofree char *text = NULL;

  end_pending (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_object_unref (self);
    return;
  }

  if (ids == NULL) {
    text = g_strdup_printf (_("Failed: %s"), error->message);
  } else {
    fill_models (self, ids);
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected: the server lists %u model",
                                         "Connected: the server lists %u models",
                                         g_strv_length (ids)),
                            g_strv_length (ids));
  }
  set_status (self, text);
  g_object_unref (self);
}

/* Asks the configured server for its models: the connection test and the model list. */
static void
fetch_models (RtxModelProviderPage *self)
{
  g_autoptr(RtxLlmProvider) provider = NULL;

  if (!is_openai (self)) {
    set_status (self, _("The built-in provider needs no connection."));
    return;
  }

  provider = rtx_llm_get_chat_provider (rtx_llm_get (self->runtime), NULL);
  set_status (self, _("Connecting…"));
  self->pending++;
  rtx_llm_provider_list_models_async (provider, self->cancellable, on_models_cb,
                                      g_object_ref (self));
}

static void
on_saved_then_fetch_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(RtxModelProviderPage) self = g_object_ref (user_data);

  on_saved_cb (source, result, user_data);
  fetch_models (self);
}

/* ---- Signals ----------------------------------------------------------------------------- */

static void
on_provider_selected_cb (RtxModelProviderPage *self)
{
  update_sensitivity (self);
  if (self->filling)
    return;
  save_setting (self, "LLMProvider", is_openai (self) ? "generic-openai" : "builtin",
                on_saved_cb);
}

static void
on_model_selected_cb (RtxModelProviderPage *self)
{
  guint selected = adw_combo_row_get_selected (self->model_row);

  if (self->filling || selected == GTK_INVALID_LIST_POSITION)
    return;
  save_setting (self, "GenericOpenAiModelPref",
                gtk_string_list_get_string (self->models, selected), on_saved_cb);
}

static gboolean
valid_url (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  return uri != NULL && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         (g_strcmp0 (scheme, "http") == 0 || g_strcmp0 (scheme, "https") == 0);
}

static void
on_base_url_apply_cb (RtxModelProviderPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->base_url_row));

  if (*text != '\0' && !valid_url (text)) {
    gtk_widget_add_css_class (GTK_WIDGET (self->base_url_row), "error");
    set_status (self, _("The base URL must be an http(s) address such as http://127.0.0.1:11434/v1"));
    return;
  }
  gtk_widget_remove_css_class (GTK_WIDGET (self->base_url_row), "error");
  save_setting (self, "GenericOpenAiBasePath", text, on_saved_then_fetch_cb);
}

static void
on_key_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RtxModelProviderPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxCredential) credential = NULL;
  gboolean ok;

  if (g_async_result_is_tagged (result, rtx_credentials_delete_async))
    ok = rtx_credentials_delete_finish (RTX_CREDENTIALS (source), result, &error);
  else if (g_async_result_is_tagged (result, rtx_credentials_update_async))
    ok = (credential = rtx_credentials_update_finish (RTX_CREDENTIALS (source), result, &error)) != NULL;
  else
    ok = (credential = rtx_credentials_create_finish (RTX_CREDENTIALS (source), result, &error)) != NULL;

  end_pending (self);
  if (ok) {
    rtx_llm_forget_key (rtx_llm_get (self->runtime));
    set_status (self, credential != NULL ? _("The API key is saved in the keyring.")
                                         : _("The API key is removed."));
  } else {
    g_autofree char *text = g_strdup_printf (_("Could not save the API key: %s"), error->message);

    set_status (self, text);
  }
  update_key_title (self);
  g_object_unref (self);
}

static void
on_key_apply_cb (RtxModelProviderPage *self)
{
  RtxCredentials *credentials = rtx_runtime_get_credentials (self->runtime);
  g_autoptr(RtxCredential) existing = rtx_credentials_get (credentials, RTX_LLM_CREDENTIAL_NAME,
                                                           NULL);
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autofree char *key = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_row)));
  RtxActor actor = gui_actor ();

  /* The key leaves the widget at once: it lives in the keyring, not in the window. */
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), "");
  g_strstrip (key);
  self->pending++;
  g_object_ref (self);

  if (*key == '\0') {
    if (existing == NULL) {
      end_pending (self);
      g_object_unref (self);
      return;
    }
    rtx_credentials_delete_async (credentials, RTX_LLM_CREDENTIAL_NAME, &actor, NULL,
                                  on_key_written_cb, self);
    return;
  }

  json_object_set_string_member (payload, "token", key);
  if (existing != NULL)
    rtx_credentials_update_async (credentials, RTX_LLM_CREDENTIAL_NAME, "bearer", payload, NULL,
                                  &actor, NULL, on_key_written_cb, self);
  else
    rtx_credentials_create_async (credentials, RTX_LLM_CREDENTIAL_NAME, "bearer", payload, NULL,
                                  &actor, NULL, on_key_written_cb, self);
}

static void
on_refresh_cb (RtxModelProviderPage *self)
{
  fetch_models (self);
}

static void
on_test_cb (RtxModelProviderPage *self)
{
  fetch_models (self);
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
rtx_model_provider_page_dispose (GObject *object)
{
  RtxModelProviderPage *self = RTX_MODEL_PROVIDER_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->runtime);

  G_OBJECT_CLASS (rtx_model_provider_page_parent_class)->dispose (object);
}

static void
rtx_model_provider_page_class_init (RtxModelProviderPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rtx_model_provider_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/rtx-model-provider-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, provider_row);
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, model_row);
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, models);
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, test_row);
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, test_button);
  gtk_widget_class_bind_template_child (widget_class, RtxModelProviderPage, refresh_button);
  gtk_widget_class_bind_template_callback (widget_class, on_base_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_key_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_test_cb);
}

static void
rtx_model_provider_page_init (RtxModelProviderPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->provider_row, "notify::selected",
                            G_CALLBACK (on_provider_selected_cb), self);
  g_signal_connect_swapped (self->model_row, "notify::selected",
                            G_CALLBACK (on_model_selected_cb), self);
}

/* Shows the settings in effect (the environment's, when it overrides them). */
static void
load (RtxModelProviderPage *self)
{
  g_autofree char *provider = config (self, "RTX_LLM_PROVIDER", "LLMProvider");
  g_autofree char *base_url = config (self, "RTX_LLM_BASE_URL", "GenericOpenAiBasePath");
  g_autofree char *model = config (self, "RTX_LLM_MODEL", "GenericOpenAiModelPref");

  self->filling = TRUE;
  adw_combo_row_set_selected (self->provider_row, g_strcmp0 (provider, "generic-openai") == 0
                                                  ? PROVIDER_OPENAI : PROVIDER_BUILTIN);
  gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), base_url != NULL ? base_url : "");
  if (model != NULL) {
    const char * const one[] = { model, NULL };

    gtk_string_list_splice (self->models, 0, 0, one);
    adw_combo_row_set_selected (self->model_row, 0);
  }
  self->filling = FALSE;

  update_sensitivity (self);
  update_key_title (self);
  set_status (self, _("Not tested"));
}

GtkWidget *
rtx_model_provider_page_new (RtxRuntime *runtime)
{
  RtxModelProviderPage *self;

  g_return_val_if_fail (RTX_IS_RUNTIME (runtime), NULL);

  self = g_object_new (RTX_TYPE_MODEL_PROVIDER_PAGE, NULL);
  self->runtime = g_object_ref (runtime);
  load (self);
  return GTK_WIDGET (self);
}

AdwComboRow *
_rtx_model_provider_page_get_provider_row (RtxModelProviderPage *self)
{
  return self->provider_row;
}

AdwEntryRow *
_rtx_model_provider_page_get_base_url_row (RtxModelProviderPage *self)
{
  return self->base_url_row;
}

AdwComboRow *
_rtx_model_provider_page_get_model_row (RtxModelProviderPage *self)
{
  return self->model_row;
}

AdwEntryRow *
_rtx_model_provider_page_get_key_row (RtxModelProviderPage *self)
{
  return self->key_row;
}

AdwActionRow *
_rtx_model_provider_page_get_test_row (RtxModelProviderPage *self)
{
  return self->test_row;
}

GtkWidget *
_rtx_model_provider_page_get_test_button (RtxModelProviderPage *self)
{
  return self->test_button;
}

GtkWidget *
_rtx_model_provider_page_get_refresh_button (RtxModelProviderPage *self)
{
  return self->refresh_button;
}

guint
_rtx_model_provider_page_get_pending (RtxModelProviderPage *self)
{
  return self->pending;
}
