/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-api-keys-async.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* The GTask wrappers the GUI uses: the same operations as the blocking calls, run in a worker
 * thread and finished on this thread's main context, against the real keyring. */

static const RtxActor gui_actor = { "tester", "gui" };

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
on_done_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static GAsyncResult *
wait_result (Wait *wait)
{
  rtx_test_wait_for (&wait->done, 30000);
  return wait->result;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = rtx_test_data_dir_new ("api-keys-async");
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) runtime = rtx_runtime_new (dir, &error);
  RtxApiKeys *keys = rtx_runtime_get_api_keys (runtime);
  g_autoptr(RtxApiKey) key = NULL;
  g_autoptr(RtxApiKey) successor = NULL;
  g_autoptr(RtxApiKey) authenticated = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxSecret) successor_secret = NULL;
  g_autoptr(RtxSecret) copied = NULL;
  g_autoptr(GPtrArray) list = NULL;
  Wait w1 = { 0 }, w2 = { 0 }, w3 = { 0 }, w4 = { 0 }, w5 = { 0 };

  g_assert_no_error (error);

  rtx_api_keys_create_async (keys, "async", TRUE, &gui_actor, NULL, on_done_cb, &w1);
  key = rtx_api_keys_create_finish (keys, wait_result (&w1), &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);
  g_assert_true (key->admin);
  g_assert_cmpstr (key->created_via, ==, "gui");
  authenticated = rtx_api_keys_authenticate (keys, secret, "standard", NULL);
  g_assert_nonnull (authenticated);

  rtx_api_keys_copy_secret_async (keys, key->id, &gui_actor, NULL, on_done_cb, &w2);
  copied = rtx_api_keys_copy_secret_finish (keys, wait_result (&w2), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copied, ==, secret);

  rtx_api_keys_rotate_async (keys, key->id, &gui_actor, NULL, on_done_cb, &w3);
  successor = rtx_api_keys_rotate_finish (keys, wait_result (&w3), &successor_secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (successor_secret);
  g_assert_cmpint (successor->replaces_key_id, ==, key->id);

  rtx_api_keys_deactivate_async (keys, key->id, &gui_actor, NULL, on_done_cb, &w4);
  g_assert_true (rtx_api_keys_deactivate_finish (keys, wait_result (&w4), &error));
  g_assert_no_error (error);
  g_clear_pointer (&authenticated, rtx_api_key_free);
  authenticated = rtx_api_keys_authenticate (keys, secret, "standard", NULL);
  g_assert_null (authenticated);

  rtx_api_keys_list_async (keys, NULL, on_done_cb, &w5);
  list = rtx_api_keys_list_finish (keys, wait_result (&w5), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);

  g_clear_object (&w1.result);
  g_clear_object (&w2.result);
  g_clear_object (&w3.result);
  g_clear_object (&w4.result);
  g_clear_object (&w5.result);
}

static void
test_cancelled (void)
{
  g_autofree char *dir = rtx_test_data_dir_new ("api-keys-async");
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) runtime = rtx_runtime_new (dir, &error);
  RtxApiKeys *keys = rtx_runtime_get_api_keys (runtime);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = NULL;
  g_autoptr(GPtrArray) list = NULL;
  Wait wait = { 0 };

  /* Cancelled before the worker runs: nothing is created, and the caller hears so. */
  g_cancellable_cancel (cancellable);
  rtx_api_keys_create_async (keys, "never", FALSE, &gui_actor, cancellable, on_done_cb, &wait);
  key = rtx_api_keys_create_finish (keys, wait_result (&wait), &secret, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (key);
  g_assert_null (secret);
  g_clear_object (&wait.result);

  list = rtx_api_keys_list (keys, NULL);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_probe (void)
{
  g_autofree char *dir = rtx_test_data_dir_new ("api-keys-async");
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxRuntime) runtime = rtx_runtime_new (dir, &error);
  RtxSecrets *secrets = rtx_runtime_get_secrets (runtime);
  Wait wait = { 0 };

  /* The test session's keyring is there and unlocked. */
  rtx_secrets_probe_async (secrets, NULL, on_done_cb, &wait);
  g_assert_cmpint (rtx_secrets_probe_finish (secrets, wait_result (&wait), NULL), ==,
                   RTX_SECRETS_AVAILABLE);
  g_clear_object (&wait.result);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rtx/api-keys-async/round-trip", test_round_trip);
  g_test_add_func ("/rtx/api-keys-async/cancelled", test_cancelled);
  g_test_add_func ("/rtx/api-keys-async/probe", test_probe);

  return g_test_run ();
}
