/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "rtx-gui-test-utils.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* A local app's permission request, as the SDK sends it to the running application, appears as
 * a dialog naming the app; Allow stores the decision and the app's waiting call gets
 * `granted: true`; Deny gets `granted: false`. */

static const RtxActor test_actor = { "tester", "cli" };

typedef struct {
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Exchange;

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

/* Starts the SDK's request-permission call; it waits for the person's answer. */
static SoupMessage *
request_permission (SoupSession *session,
                    guint16      port,
                    const char  *app_id,
                    const char  *permission,
                    Exchange    *exchange)
{
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/api/local-apps/request-permission",
                                          port);
  g_autofree char *body = g_strdup_printf ("{\"app_id\":\"%s\",\"app_name\":\"Local App\","
                                           "\"permission\":\"%s\"}", app_id, permission);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessage *msg = soup_message_new ("POST", uri);

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb,
                                    exchange);
  return msg;
}

/* A call guarded by `x-rtx-permission: credentials.list`, as the app makes it. */
static guint
list_credentials (guint16     port,
                  const char *app_id,
                  char      **out_body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u/sdk/credentials", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  Exchange exchange = { 0 };

  soup_message_headers_append (soup_message_get_request_headers (msg), "x-app-id", app_id);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent_cb,
                                    &exchange);
  rtx_test_wait_for (&exchange.done, 20000);
  g_assert_no_error (exchange.error);
  *out_body = g_strndup (g_bytes_get_data (exchange.body, NULL), g_bytes_get_size (exchange.body));
  g_bytes_unref (exchange.body);
  return soup_message_get_status (msg);
}

static RtxPermissionRequest *
wait_for_prompt (RtxPermissionBroker *broker)
{
  for (guint i = 0; i < 400; i++) {
    g_autoptr(GPtrArray) pending = rtx_permission_broker_list_pending (broker);

    if (pending->len > 0)
      return rtx_permission_request_copy (g_ptr_array_index (pending, 0));
    rtx_gui_test_iterate (25);
  }

  g_assert_not_reached ();
}

static char *
answer_through_dialog (GuiFixture *fixture,
                       const char *app_id,
                       const char *permission,
                       const char *words,
                       const char *response)
{
  RtxServer *server = rtx_application_get_server (fixture->app);
  RtxRuntime *runtime = rtx_server_get_runtime (server);
  RtxPermissionBroker *broker = rtx_runtime_get_permission_broker (runtime);
  RtxPermissionPrompter *prompter = rtx_application_get_permission_prompter (fixture->app);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(RtxPermissionRequest) request = NULL;
  Exchange exchange = { 0 };
  GtkWidget *dialog;
  char *reply;

  msg = request_permission (session, rtx_server_get_port (server), app_id, permission,
                            &exchange);
  request = wait_for_prompt (broker);
  g_assert_cmpstr (request->app_id, ==, app_id);

  dialog = rtx_permission_prompter_get_dialog (prompter, request->id);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  rtx_gui_test_iterate (100);
  g_assert_true (gtk_widget_get_mapped (dialog));
  /* The registered name, not the one the app claims, and the permission in plain words. */
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Allow “Notes”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            words));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) ==
                 GTK_WINDOW (fixture->window));
  g_assert_false (exchange.done);

  /* What clicking the button does. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  rtx_test_wait_for (&exchange.done, 20000);
  g_assert_no_error (exchange.error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  rtx_gui_test_iterate (100);
  g_assert_null (rtx_permission_prompter_get_dialog (prompter, request->id));

  reply = g_strndup (g_bytes_get_data (exchange.body, NULL), g_bytes_get_size (exchange.body));
  g_bytes_unref (exchange.body);
  return reply;
}

static void
test_prompt_allow_and_deny (GuiFixture    *fixture,
                            gconstpointer  data)
{
  RtxRuntime *runtime = rtx_server_get_runtime (rtx_application_get_server (fixture->app));
  RtxLocalApps *apps = rtx_runtime_get_local_apps (runtime);
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
  g_autoptr(RtxLocalApp) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *allowed = NULL;
  g_autofree char *denied = NULL;
  g_autofree char *listed = NULL;
  guint16 port = rtx_server_get_port (rtx_application_get_server (fixture->app));
  RtxPermissionState state;
  guint status;

  spec->name = g_strdup ("Notes");
  app = rtx_local_apps_create (apps, spec, &test_actor, &error);
  g_assert_no_error (error);

  /* The app's call needs a permission it does not hold yet… */
  status = list_credentials (port, app->id, &listed);
  g_assert_cmpuint (status, ==, 403);
  g_assert_nonnull (strstr (listed, "\"code\":\"PERMISSION_REQUIRED\""));
  g_clear_pointer (&listed, g_free);

  /* …so it asks, the person allows in the dialog, and the same call then succeeds. */
  allowed = answer_through_dialog (fixture, app->id, "credentials.list",
                                   "see the names of your credentials", "allow");
  g_assert_cmpstr (allowed, ==, "{\"success\":true,\"granted\":true}");
  g_assert_true (rtx_local_apps_get_decision (apps, app->id, "credentials.list", &state, NULL));
  g_assert_cmpint (state, ==, RTX_PERMISSION_GRANTED);
  status = list_credentials (port, app->id, &listed);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (listed, "\"success\":true"));

  /* Asked again, the app is answered from the stored decision, with no dialog. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autoptr(SoupMessage) msg = NULL;
    Exchange exchange = { 0 };

    msg = request_permission (session,
                              rtx_server_get_port (rtx_application_get_server (fixture->app)),
                              app->id, "credentials.list", &exchange);
    rtx_test_wait_for (&exchange.done, 20000);
    g_assert_cmpmem (g_bytes_get_data (exchange.body, NULL), g_bytes_get_size (exchange.body),
                     "{\"success\":true,\"granted\":true}", 31);
    g_bytes_unref (exchange.body);
  }

  denied = answer_through_dialog (fixture, app->id, "activities.write",
                                  "add, change and remove activities", "deny");
  g_assert_cmpstr (denied, ==, "{\"success\":true,\"granted\":false}");
  g_assert_true (rtx_local_apps_get_decision (apps, app->id, "activities.write", &state, NULL));
  g_assert_cmpint (state, ==, RTX_PERMISSION_DENIED);
}

int
main (int    argc,
      char **argv)
{
  if (!rtx_gui_test_init (&argc, &argv)) {
    g_test_skip ("No display");
    return 77;
  }

  g_test_add ("/rtx/gui/permission-prompt/allow-and-deny", GuiFixture, NULL,
              rtx_gui_fixture_setup, test_prompt_allow_and_deny, rtx_gui_fixture_teardown);

  return g_test_run ();
}
