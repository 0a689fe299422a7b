/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "rtx-gui-test-utils.h"
#include "rtx-llm.h"
#include "rtx-model-provider-page-private.h"
#include "rtx-test-utils.h"

/* Settings > Model provider, driven through its real widgets in the real application, with
 * the real keyring and an OpenAI-compatible server (a SoupServer on this main context). */

typedef struct {
  SoupServer *server;
  guint16     port;
  char       *last_authorization;
  guint       models_requests;
} Upstream;

static void
on_models_cb (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Upstream *up = user_data;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  static const char body[] =
    "{\"object\":\"list\",\"data\":[{\"id\":\"model-a\",\"object\":\"model\"},"
    "{\"id\":\"model-b\",\"object\":\"model\"}]}";

  up->models_requests++;
  g_free (up->last_authorization);
  up->last_authorization = g_strdup (auth);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body,
                                    strlen (body));
}

static void
upstream_start (Upstream *up)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  up->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (up->server, "/v1/models", on_models_cb, up, NULL);
  g_assert_true (soup_server_listen_local (up->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (up->server);
  up->port = (guint16) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
upstream_stop (Upstream *up)
{
  soup_server_disconnect (up->server);
  g_clear_object (&up->server);
  g_clear_pointer (&up->last_authorization, g_free);
}

static void
wait_idle (RtxModelProviderPage *page)
{
  for (guint i = 0; i < 500 && _rtx_model_provider_page_get_pending (page) > 0; i++)
    rtx_gui_test_iterate (20);
  g_assert_cmpuint (_rtx_model_provider_page_get_pending (page), ==, 0);
  rtx_gui_test_iterate (20);
}

static const char *
status_of (RtxModelProviderPage *page)
{
  return adw_action_row_get_subtitle (_rtx_model_provider_page_get_test_row (page));
}

static char *
setting (GuiFixture *fixture,
         const char *key)
{
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));

  return rtx_settings_get (rtx_runtime_get_settings (runtime), key);
}

static void
test_configure_and_test (GuiFixture    *fixture,
                         gconstpointer  data)
{
  RtxModelProviderPage *page =
    RTX_MODEL_PROVIDER_PAGE (rtx_settings_window_get_model_provider_page (fixture->window));
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));
  g_autofree char *url = NULL;
  g_autofree char *key = g_strdup_printf ("sk-gui-%08x%08x", g_random_int (), g_random_int ());
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", key);
  g_autofree char *value = NULL;
  g_autoptr(RtxCredential) credential = NULL;
  AdwComboRow *model_row;
  Upstream up = { 0 };

  rtx_test_record_key (key);
  upstream_start (&up);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1", up.port);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (fixture->window),
                                           ADW_PREFERENCES_PAGE (page));
  rtx_gui_test_iterate (100);

  /* A fresh runtime: the built-in provider, and the server rows are off. */
  g_assert_cmpuint (adw_combo_row_get_selected (_rtx_model_provider_page_get_provider_row (page)), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (_rtx_model_provider_page_get_base_url_row (page))));
  rtx_gui_test_click (_rtx_model_provider_page_get_test_button (page));
  g_assert_cmpstr (status_of (page), ==, "The built-in provider needs no connection.");

  /* Choose the OpenAI-compatible provider: stored, and the rows come on. */
  adw_combo_row_set_selected (_rtx_model_provider_page_get_provider_row (page), 1);
  wait_idle (page);
  value = setting (fixture, "LLMProvider");
  g_assert_cmpstr (value, ==, "generic-openai");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (_rtx_model_provider_page_get_base_url_row (page))));

  /* A bad URL is refused and nothing is stored. */
  gtk_editable_set_text (GTK_EDITABLE (_rtx_model_provider_page_get_base_url_row (page)), "ftp://nope");
  g_signal_emit_by_name (_rtx_model_provider_page_get_base_url_row (page), "apply");
  wait_idle (page);
  g_assert_nonnull (strstr (status_of (page), "http(s)"));
  g_clear_pointer (&value, g_free);
  value = setting (fixture, "GenericOpenAiBasePath");
  g_assert_null (value);

  /* The base URL: stored, then the server's models are fetched into the model list. */
  gtk_editable_set_text (GTK_EDITABLE (_rtx_model_provider_page_get_base_url_row (page)), url);
  g_signal_emit_by_name (_rtx_model_provider_page_get_base_url_row (page), "apply");
  wait_idle (page);
  value = setting (fixture, "GenericOpenAiBasePath");
  g_assert_cmpstr (value, ==, url);
  g_assert_cmpstr (status_of (page), ==, "Connected: the server lists 2 models");
  model_row = _rtx_model_provider_page_get_model_row (page);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (model_row)), ==, 2);
  g_assert_null (up.last_authorization);

  /* Pick a model. */
  adw_combo_row_set_selected (model_row, 1);
  wait_idle (page);
  g_clear_pointer (&value, g_free);
  value = setting (fixture, "GenericOpenAiModelPref");
  g_assert_cmpstr (value, ==, "model-b");

  /* The key goes to the keyring as the credential generic-openai and leaves the entry. */
  gtk_editable_set_text (GTK_EDITABLE (_rtx_model_provider_page_get_key_row (page)), key);
  g_signal_emit_by_name (_rtx_model_provider_page_get_key_row (page), "apply");
  wait_idle (page);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (_rtx_model_provider_page_get_key_row (page))), ==, "");
  credential = rtx_credentials_get (rtx_runtime_get_credentials (runtime), RTX_LLM_CREDENTIAL_NAME,
                                    NULL);
  g_assert_nonnull (credential);
  g_assert_cmpstr (credential->type, ==, "bearer");

  /* Test connection: the server is asked with the key. */
  rtx_gui_test_click (_rtx_model_provider_page_get_test_button (page));
  wait_idle (page);
  g_assert_cmpstr (status_of (page), ==, "Connected: the server lists 2 models");
  g_assert_cmpstr (up.last_authorization, ==, bearer);

  /* A server that is gone: a clear failure, not a hang. */
  upstream_stop (&up);
  rtx_gui_test_click (_rtx_model_provider_page_get_test_button (page));
  wait_idle (page);
  g_assert_true (g_str_has_prefix (status_of (page), "Failed: Could not reach the model provider"));

  /* Removing the key: an empty key applied. */
  g_signal_emit_by_name (_rtx_model_provider_page_get_key_row (page), "apply");
  wait_idle (page);
  g_clear_pointer (&credential, rtx_credential_free);
  credential = rtx_credentials_get (rtx_runtime_get_credentials (runtime), RTX_LLM_CREDENTIAL_NAME,
                                    NULL);
  g_assert_null (credential);
}

int
main (int    argc,
      char **argv)
{
  if (!rtx_gui_test_init (&argc, &argv))
    return 77;

  g_test_add ("/rtx/gui/model-provider/configure-and-test", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_configure_and_test, rtx_gui_fixture_teardown);

  return g_test_run ();
}
