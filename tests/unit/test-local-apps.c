/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-error.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* The registry and the permission broker on a real database, without HTTP. */

static const RtxActor person = { "tester", "gui" };

typedef struct {
  char                *data_dir;
  RtxRuntime          *runtime;
  RtxLocalApps        *apps;
  RtxPermissionBroker *broker;
  RtxLocalApp         *app;
  GPtrArray           *added;
} Fixture;

static void
on_request_added_cb (RtxPermissionBroker  *broker,
                     RtxPermissionRequest *request,
                     Fixture              *fixture)
{
  g_ptr_array_add (fixture->added, rtx_permission_request_copy (request));
}

static RtxLocalApp *
create_app (Fixture    *fixture,
            const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
  g_autoptr(GError) error = NULL;
  RtxLocalApp *app;

  g_assert_true (rtx_local_app_apply_json (spec, json_node_get_object (node), &error));
  g_assert_no_error (error);
  app = rtx_local_apps_create (fixture->apps, spec, &person, &error);
  g_assert_no_error (error);
  return app;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("local-apps");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->apps = rtx_runtime_get_local_apps (fixture->runtime);
  fixture->broker = rtx_runtime_get_permission_broker (fixture->runtime);
  fixture->added = g_ptr_array_new_with_free_func ((GDestroyNotify) rtx_permission_request_free);
  g_signal_connect (fixture->broker, "request-added", G_CALLBACK (on_request_added_cb), fixture);
  fixture->app = create_app (fixture, "{\"name\":\"Notes\",\"type\":\"node\",\"port\":8080}");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->broker, fixture);
  g_clear_pointer (&fixture->app, rtx_local_app_free);
  g_clear_pointer (&fixture->added, g_ptr_array_unref);
  g_assert_finalize_object (fixture->runtime);
  g_clear_pointer (&fixture->data_dir, g_free);
}

/* ---- Registry ---------------------------------------------------------------------------- */

static void
test_registry (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(RtxLocalApp) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) patch = json_from_string ("{\"args\":[\"a b\",\"c\"],"
                                                "\"env\":{\"LEVEL\":\"info\"},\"port\":null}", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_uuid_string_is_valid (fixture->app->id));
  g_assert_cmpstr (fixture->app->name, ==, "Notes");
  g_assert_cmpstr (fixture->app->type, ==, "node");
  g_assert_cmpuint (fixture->app->port, ==, 8080);
  g_assert_cmpstr (fixture->app->created_by, ==, "tester");

  g_assert_true (rtx_local_app_apply_json (fixture->app, json_node_get_object (patch), &error));
  g_assert_true (rtx_local_apps_update (fixture->apps, fixture->app, &person, &error));
  g_assert_no_error (error);

  got = rtx_local_apps_get (fixture->apps, fixture->app->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (got->args, ((const char *[]) { "a b", "c", NULL }));
  g_assert_cmpstrv (got->env, ((const char *[]) { "LEVEL=info", NULL }));
  g_assert_cmpuint (got->port, ==, 0);

  list = rtx_local_apps_list (fixture->apps, &error);
  g_assert_cmpuint (list->len, ==, 1);

  g_assert_true (rtx_local_apps_delete (fixture->apps, fixture->app->id, &person, &error));
  g_assert_null (rtx_local_apps_get (fixture->apps, fixture->app->id, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND);
}

/* Bad input is refused with a clear message, and nothing is stored. */
static void
test_registry_refuses (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char * const bad[] = {
    "{}", "{\"name\":\"\"}", "{\"name\":5}", "{\"name\":\"x\",\"type\":\"ruby\"}",
    "{\"name\":\"x\",\"port\":0}", "{\"name\":\"x\",\"port\":70000}", "{\"name\":\"x\",\"port\":\"80\"}",
    "{\"name\":\"x\",\"args\":\"a\"}", "{\"name\":\"x\",\"args\":[1]}",
    "{\"name\":\"x\",\"env\":{\"A B\":\"1\"}}", "{\"name\":\"x\",\"env\":{\"A\":1}}",
    "{\"name\":\"x\",\"working_dir\":\"relative\"}", "{\"name\":\"x\",\"colour\":\"red\"}",
  };
  g_autoptr(GPtrArray) list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
    g_autoptr(RtxLocalApp) spec = g_new0 (RtxLocalApp, 1);
    g_autoptr(GError) error = NULL;

    g_test_message ("%s", bad[i]);
    g_assert_false (rtx_local_app_apply_json (spec, json_node_get_object (node), &error));
    g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  }

  list = rtx_local_apps_list (fixture->apps, NULL);
  g_assert_cmpuint (list->len, ==, 1);
}

/* ---- Broker ------------------------------------------------------------------------------ */

typedef struct {
  Fixture             *fixture;
  RtxPermissionAnswer *answer;
  GError              *error;
  gboolean             done;
  RtxPermissionState   stored_when_answered;
  const char          *checked;
} Ask;

static void
on_asked_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Ask *ask = user_data;

  ask->answer = rtx_permission_broker_ask_finish (RTX_PERMISSION_BROKER (source), result,
                                                  &ask->error);
  /* What an app told `granted:true` would find if it called again at once. */
  if (ask->checked != NULL)
    g_assert_true (rtx_local_apps_get_decision (ask->fixture->apps, ask->fixture->app->id,
                                                ask->checked, &ask->stored_when_answered, NULL));
  ask->done = TRUE;
}

static void
ask_start (Fixture            *fixture,
           Ask                *ask,
           const char * const *permissions,
           gboolean            one_prompt)
{
  memset (ask, 0, sizeof *ask);
  ask->fixture = fixture;
  ask->checked = permissions[0];
  rtx_permission_broker_ask_async (fixture->broker, fixture->app->id, permissions, one_prompt,
                                   NULL, on_asked_cb, ask);
}

static void
ask_clear (Ask *ask)
{
  g_clear_pointer (&ask->answer, rtx_permission_answer_free);
  g_clear_error (&ask->error);
}

static void
test_broker_allow_is_stored_first (Fixture       *fixture,
                                   gconstpointer  data)
{
  const char *perms[] = { "llm.chat", NULL };
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  Ask ask;

  ask_start (fixture, &ask, perms, FALSE);
  g_assert_false (ask.done);
  pending = rtx_permission_broker_list_pending (fixture->broker);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpuint (fixture->added->len, ==, 1);

  g_assert_true (rtx_permission_broker_answer (fixture->broker,
                                               ((RtxPermissionRequest *) pending->pdata[0])->id,
                                               TRUE, &person, &error));
  g_assert_no_error (error);
  rtx_test_wait_for (&ask.done, 5000);
  g_assert_true (rtx_permission_answer_has (ask.answer->granted, "llm.chat"));
  g_assert_cmpint (ask.stored_when_answered, ==, RTX_PERMISSION_GRANTED);
  ask_clear (&ask);

  /* A repeat is answered from the stored decision, with no prompt. */
  ask_start (fixture, &ask, perms, FALSE);
  rtx_test_wait_for (&ask.done, 5000);
  g_assert_true (rtx_permission_answer_has (ask.answer->granted, "llm.chat"));
  g_assert_false (ask.answer->prompted);
  g_assert_cmpuint (fixture->added->len, ==, 1);
  ask_clear (&ask);

  /* The prompt is gone; answering it again says so. */
  g_assert_false (rtx_permission_broker_answer (fixture->broker,
                                                ((RtxPermissionRequest *) pending->pdata[0])->id,
                                                FALSE, &person, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND);
}

/* No answer in time: not granted, and nothing stored, so the app is asked again later. */
static void
test_broker_timeout_stores_nothing (Fixture       *fixture,
                                    gconstpointer  data)
{
  const char *perms[] = { "tts.generate", NULL };
  g_autoptr(GPtrArray) pending = NULL;
  RtxPermissionState state;
  Ask ask;

  rtx_permission_broker_set_timeout (fixture->broker, 50);
  ask_start (fixture, &ask, perms, FALSE);
  rtx_test_wait_for (&ask.done, 5000);
  g_assert_no_error (ask.error);
  g_assert_cmpuint (ask.answer->granted->len, ==, 0);
  g_assert_cmpuint (ask.answer->denied->len, ==, 0);
  g_assert_true (rtx_permission_answer_has (ask.answer->unanswered, "tts.generate"));
  ask_clear (&ask);

  g_assert_true (rtx_local_apps_get_decision (fixture->apps, fixture->app->id, "tts.generate",
                                              &state, NULL));
  g_assert_cmpint (state, ==, RTX_PERMISSION_UNDECIDED);
  pending = rtx_permission_broker_list_pending (fixture->broker);
  g_assert_cmpuint (pending->len, ==, 0);
}

/* Questions about a permission already asked wait on that prompt; a bulk prompt covers its
 * permissions for single questions too. */
static void
test_broker_coalesces (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *bulk[] = { "llm.chat", "vectors.read", "llm.chat", NULL };
  const char *one[] = { "vectors.read", NULL };
  g_autoptr(GPtrArray) pending = NULL;
  Ask a, b, c;

  ask_start (fixture, &a, bulk, TRUE);
  ask_start (fixture, &b, one, FALSE);
  ask_start (fixture, &c, one, FALSE);

  pending = rtx_permission_broker_list_pending (fixture->broker);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstrv (((RtxPermissionRequest *) pending->pdata[0])->permissions,
                    ((const char *[]) { "llm.chat", "vectors.read", NULL }));

  g_assert_true (rtx_permission_broker_answer (fixture->broker,
                                               ((RtxPermissionRequest *) pending->pdata[0])->id,
                                               FALSE, &person, NULL));
  rtx_test_wait_for (&a.done, 5000);
  rtx_test_wait_for (&b.done, 5000);
  rtx_test_wait_for (&c.done, 5000);
  g_assert_cmpuint (a.answer->denied->len, ==, 2);
  g_assert_true (rtx_permission_answer_has (b.answer->denied, "vectors.read"));
  g_assert_true (rtx_permission_answer_has (c.answer->denied, "vectors.read"));
  g_assert_cmpuint (fixture->added->len, ==, 1);
  ask_clear (&a);
  ask_clear (&b);
  ask_clear (&c);
}

/* A bounded number of prompts per app; more are refused at once, not queued. */
static void
test_broker_bounds_prompts (Fixture       *fixture,
                            gconstpointer  data)
{
  Ask asks[RTX_PERMISSION_BROKER_MAX_PENDING_PER_APP + 1];
  g_autoptr(GPtrArray) pending = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (asks); i++) {
    g_autofree char *name = g_strdup_printf ("perm.%u", i);
    const char *perms[] = { name, NULL };

    ask_start (fixture, &asks[i], perms, FALSE);
    asks[i].checked = NULL;
  }

  rtx_test_wait_for (&asks[RTX_PERMISSION_BROKER_MAX_PENDING_PER_APP].done, 5000);
  g_assert_error (asks[RTX_PERMISSION_BROKER_MAX_PENDING_PER_APP].error, G_IO_ERROR,
                  G_IO_ERROR_BUSY);

  pending = rtx_permission_broker_list_pending (fixture->broker);
  g_assert_cmpuint (pending->len, ==, RTX_PERMISSION_BROKER_MAX_PENDING_PER_APP);
  for (guint i = 0; i < pending->len; i++)
    rtx_permission_broker_answer (fixture->broker, ((RtxPermissionRequest *) pending->pdata[i])->id,
                                  FALSE, &person, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (asks); i++) {
    rtx_test_wait_for (&asks[i].done, 5000);
    ask_clear (&asks[i]);
  }
}

static void
test_broker_refuses (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *perms[] = { "llm.chat", NULL };
  const char *bad[] = { "llm chat", NULL };
  Ask ask = { 0 };

  ask.fixture = fixture;
  rtx_permission_broker_ask_async (fixture->broker, "00000000-0000-4000-8000-000000000000",
                                   perms, FALSE, NULL, on_asked_cb, &ask);
  rtx_test_wait_for (&ask.done, 5000);
  g_assert_error (ask.error, RTX_ERROR, RTX_ERROR_NOT_FOUND);
  ask_clear (&ask);

  ask_start (fixture, &ask, bad, FALSE);
  ask.checked = NULL;
  rtx_test_wait_for (&ask.done, 5000);
  g_assert_error (ask.error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
  ask_clear (&ask);
  g_assert_cmpuint (fixture->added->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/rtx/local-apps/registry", test_registry);
  ADD ("/rtx/local-apps/registry-refuses", test_registry_refuses);
  ADD ("/rtx/local-apps/broker/allow-is-stored-first", test_broker_allow_is_stored_first);
  ADD ("/rtx/local-apps/broker/timeout-stores-nothing", test_broker_timeout_stores_nothing);
  ADD ("/rtx/local-apps/broker/coalesces", test_broker_coalesces);
  ADD ("/rtx/local-apps/broker/bounds-prompts", test_broker_bounds_prompts);
  ADD ("/rtx/local-apps/broker/refuses", test_broker_refuses);
#undef ADD

  return g_test_run ();
}
