/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rtx-error.h"
#include "rtx-runtime.h"
#include "rtx-test-utils.h"

/* These tests use the real keyring: gnome-keyring in the private D-Bus session that
 * tools/with-test-session starts around `meson test`. */

static const RtxActor operator_actor = { "tester", "cli" };

typedef struct {
  char       *data_dir;
  RtxRuntime *runtime;
  RtxApiKeys *keys;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = rtx_test_data_dir_new ("api-keys");
  fixture->runtime = rtx_runtime_new (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->keys = rtx_runtime_get_api_keys (fixture->runtime);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->runtime);
  g_clear_pointer (&fixture->data_dir, g_free);
}

static RtxApiKey *
create (Fixture    *fixture,
        const char *name,
        gboolean    admin,
        RtxSecret **secret)
{
  g_autoptr(GError) error = NULL;
  RtxApiKey *key = rtx_api_keys_create (fixture->keys, name, admin, &operator_actor, secret, &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  rtx_test_record_key (*secret);
  return key;
}

static gboolean
works (RtxApiKeys *keys,
       const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxApiKey) key = rtx_api_keys_authenticate (keys, secret, "standard", &error);

  if (key == NULL)
    g_assert_error (error, RTX_ERROR, RTX_ERROR_UNAUTHENTICATED);
  return key != NULL;
}

static int
count_rows (RtxRuntime *runtime,
            const char *sql)
{
  RtxDb *db = rtx_runtime_get_db (runtime);
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxStmt) stmt = rtx_db_prepare (db, sql, &error);
  gboolean have_row = FALSE;

  g_assert_no_error (error);
  g_assert_true (rtx_db_step_row (db, stmt, &have_row, &error));
  return sqlite3_column_int (stmt, 0);
}

static void
test_create_fields (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create (fixture, "  My script  ", FALSE, &secret);
  g_autoptr(RtxApiKey) admin = NULL;
  g_autoptr(RtxSecret) admin_secret = NULL;

  g_assert_true (rtx_key_format_is_valid (secret));
  g_assert_cmpstr (key->name, ==, "My script");
  g_assert_true (g_str_has_suffix (key->display, secret + strlen (secret) - 4));
  g_assert_false (key->admin);
  g_assert_cmpstr (key->created_by, ==, "tester");
  g_assert_cmpstr (key->created_via, ==, "cli");
  g_assert_cmpint (llabs (key->created_at - g_get_real_time () / G_USEC_PER_SEC), <=, 5);
  g_assert_true (key->in_keyring);
  g_assert_cmpint (key->last_used_at, ==, 0);
  g_assert_true (rtx_api_key_is_active (key));
  g_assert_cmpint (rtx_secrets_get_state (rtx_runtime_get_secrets (fixture->runtime)), ==,
                   RTX_SECRETS_AVAILABLE);

  admin = create (fixture, "ops", TRUE, &admin_secret);
  g_assert_true (admin->admin);
  g_assert_cmpint (count_rows (fixture->runtime,
                               "SELECT count(*) FROM audit_log WHERE action = 'api_key.create'"),
                   ==, 2);
}

static void
test_bad_names (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *too_long = g_strnfill (201, 'x');
  const char *bad[] = { "", "   ", "line\nbreak", "esc\033[31m", too_long };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(RtxSecret) secret = NULL;
    g_autoptr(RtxApiKey) key = rtx_api_keys_create (fixture->keys, bad[i], FALSE,
                                                    &operator_actor, &secret, &error);

    g_assert_error (error, RTX_ERROR, RTX_ERROR_INVALID_ARGUMENT);
    g_assert_null (key);
    g_assert_null (secret);
  }

  g_assert_cmpint (count_rows (fixture->runtime, "SELECT count(*) FROM api_keys"), ==, 0);
}

static void
test_authenticate (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create (fixture, "auth", FALSE, &secret);
  g_autoptr(RtxSecret) stranger = rtx_key_format_generate (NULL);
  g_autofree char *typo = g_strdup (secret);
  guint64 before;

  before = rtx_api_keys_get_lookup_count (fixture->keys);
  g_assert_true (works (fixture->keys, secret));
  g_assert_cmpuint (rtx_api_keys_get_lookup_count (fixture->keys), ==, before + 1);

  /* A one-character typo never reaches the database. */
  typo[10] = typo[10] == 'a' ? 'b' : 'a';
  g_assert_false (works (fixture->keys, typo));
  g_assert_false (works (fixture->keys, ""));
  g_assert_false (works (fixture->keys, NULL));
  g_assert_cmpuint (rtx_api_keys_get_lookup_count (fixture->keys), ==, before + 1);

  /* A well-formed key that was never issued is looked up, and refused. */
  rtx_test_record_key (stranger);
  g_assert_false (works (fixture->keys, stranger));
  g_assert_cmpuint (rtx_api_keys_get_lookup_count (fixture->keys), ==, before + 2);
}

static void
test_copy_rotate_deactivate (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) first = NULL;
  g_autoptr(RtxSecret) copied = NULL;
  g_autoptr(RtxSecret) second = NULL;
  g_autoptr(RtxApiKey) key = create (fixture, "integration", TRUE, &first);
  g_autoptr(RtxApiKey) successor = NULL;
  g_autoptr(RtxApiKey) after = NULL;
  g_autoptr(RtxSecret) gone = NULL;

  copied = rtx_api_keys_copy_secret (fixture->keys, key->id, &operator_actor, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copied, ==, first);

  successor = rtx_api_keys_rotate (fixture->keys, key->id, &operator_actor, &second, &error);
  g_assert_no_error (error);
  rtx_test_record_key (second);
  g_assert_cmpstr (second, !=, first);
  g_assert_cmpint (successor->replaces_key_id, ==, key->id);
  g_assert_cmpstr (successor->name, ==, "integration");
  g_assert_true (successor->admin);
  g_assert_true (works (fixture->keys, first));
  g_assert_true (works (fixture->keys, second));

  rtx_api_keys_deactivate (fixture->keys, key->id, &operator_actor, &error);
  g_assert_no_error (error);
  g_assert_false (works (fixture->keys, first));
  g_assert_true (works (fixture->keys, second));

  after = rtx_api_keys_get (fixture->keys, key->id, &error);
  g_assert_no_error (error);
  g_assert_false (rtx_api_key_is_active (after));
  g_assert_cmpstr (after->deactivated_by, ==, "tester");
  g_assert_false (after->in_keyring);

  /* The keyring item is gone, and the tombstone is final. */
  gone = rtx_secrets_lookup_api_key (rtx_runtime_get_secrets (fixture->runtime), key->id, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
  g_assert_null (rtx_api_keys_copy_secret (fixture->keys, key->id, &operator_actor, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_ALREADY_DEACTIVATED);
  g_clear_error (&error);
  g_assert_false (rtx_api_keys_deactivate (fixture->keys, key->id, &operator_actor, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_ALREADY_DEACTIVATED);
  g_clear_error (&error);
  g_assert_null (rtx_api_keys_rotate (fixture->keys, key->id, &operator_actor, NULL, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_ALREADY_DEACTIVATED);
  g_clear_error (&error);
  g_assert_false (rtx_api_keys_deactivate (fixture->keys, 9999, &operator_actor, &error));
  g_assert_error (error, RTX_ERROR, RTX_ERROR_NOT_FOUND);

  g_assert_cmpint (count_rows (fixture->runtime,
                               "SELECT count(*) FROM audit_log WHERE subject_type = 'api_key' "
                               "AND actor = 'tester' AND action IN ('api_key.create', "
                               "'api_key.copy', 'api_key.rotate', 'api_key.deactivate')"),
                   ==, 4);
}

/* Deactivation through another runtime on the same data directory (as `keys deactivate` from
 * the command line is to a serving runtime) refuses the very next request here. */
static void
test_deactivate_from_other_instance (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create (fixture, "shared", FALSE, &secret);
  g_autoptr(RtxRuntime) other = rtx_runtime_new (fixture->data_dir, &error);

  g_assert_no_error (error);
  g_assert_true (works (fixture->keys, secret));
  g_assert_true (works (rtx_runtime_get_api_keys (other), secret));

  rtx_api_keys_deactivate (rtx_runtime_get_api_keys (other), key->id, &operator_actor, &error);
  g_assert_no_error (error);
  g_assert_false (works (fixture->keys, secret));
}

/* A key in steady use is read from the database once; any change to keys or users, here or
 * in another process, makes the next request read it again. */
static void
test_verdicts_remembered (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxSecret) other_secret = NULL;
  g_autoptr(RtxApiKey) key = create (fixture, "steady", FALSE, &secret);
  g_autoptr(RtxApiKey) other_key = NULL;
  g_autoptr(RtxRuntime) other = rtx_runtime_new (fixture->data_dir, &error);
  guint64 before = rtx_api_keys_get_lookup_count (fixture->keys);

  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    g_assert_true (works (fixture->keys, secret));
  g_assert_cmpuint (rtx_api_keys_get_lookup_count (fixture->keys), ==, before + 1);

  /* A key created by the other instance is a change to the keys: read again. */
  other_key = rtx_api_keys_create (rtx_runtime_get_api_keys (other), "another", FALSE,
                                   &operator_actor, &other_secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (other_secret);
  g_assert_true (works (fixture->keys, secret));
  g_assert_cmpuint (rtx_api_keys_get_lookup_count (fixture->keys), ==, before + 2);
  g_assert_true (works (fixture->keys, secret));
  g_assert_cmpuint (rtx_api_keys_get_lookup_count (fixture->keys), ==, before + 2);
}

static void
set_suspended (RtxRuntime *runtime,
               gint64      user_id,
               gboolean    suspended)
{
  g_autoptr(GError) error = NULL;
  RtxUserChanges changes = { .set_suspended = TRUE, .suspended = suspended };
  g_autoptr(RtxUser) user = rtx_users_update (rtx_runtime_get_users (runtime), user_id,
                                              &changes, &operator_actor, &error);

  g_assert_no_error (error);
  g_assert_nonnull (user);
}

/* In multi-user mode a key is worth its owner: suspending the owner in another process
 * refuses the key's very next request here, although it was just verified; lifting the
 * suspension lets it in again. */
static void
test_owner_suspended_from_other_instance (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxRuntime) other = rtx_runtime_new (fixture->data_dir, &error);
  RtxUsers *users = rtx_runtime_get_users (fixture->runtime);
  g_autoptr(RtxUser) admin = NULL;
  g_autoptr(RtxUser) bob = NULL;
  g_autoptr(RtxApiKey) key = NULL;

  g_assert_no_error (error);
  admin = rtx_users_enable_multi_user (users, "alice", &operator_actor, &error);
  g_assert_no_error (error);
  bob = rtx_users_create (users, "bob", "default", 0, NULL, &operator_actor, &error);
  g_assert_no_error (error);
  key = rtx_api_keys_create_for_owner (fixture->keys, "bob's", FALSE, bob->id,
                                       &operator_actor, &secret, &error);
  g_assert_no_error (error);
  rtx_test_record_key (secret);

  g_assert_true (works (fixture->keys, secret));
  g_assert_true (works (fixture->keys, secret));

  set_suspended (other, bob->id, TRUE);
  g_assert_false (works (fixture->keys, secret));

  set_suspended (other, bob->id, FALSE);
  g_assert_true (works (fixture->keys, secret));
}

/* Key ids are per database; keyring items of two data directories never mix. */
static void
test_instances_do_not_mix (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = rtx_test_data_dir_new ("api-keys-other");
  g_autoptr(RtxRuntime) other = rtx_runtime_new (dir, &error);
  g_autoptr(RtxSecret) mine = NULL;
  g_autoptr(RtxSecret) theirs = NULL;
  g_autoptr(RtxSecret) copy_mine = NULL;
  g_autoptr(RtxSecret) copy_theirs = NULL;
  g_autoptr(RtxApiKey) a = create (fixture, "a", FALSE, &mine);
  g_autoptr(RtxApiKey) b = rtx_api_keys_create (rtx_runtime_get_api_keys (other), "b", FALSE,
                                                &operator_actor, &theirs, &error);

  g_assert_no_error (error);
  rtx_test_record_key (theirs);
  g_assert_cmpint (a->id, ==, b->id);

  copy_mine = rtx_api_keys_copy_secret (fixture->keys, a->id, &operator_actor, &error);
  g_assert_no_error (error);
  copy_theirs = rtx_api_keys_copy_secret (rtx_runtime_get_api_keys (other), b->id,
                                          &operator_actor, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (copy_mine, ==, mine);
  g_assert_cmpstr (copy_theirs, ==, theirs);
  g_assert_false (works (rtx_runtime_get_api_keys (other), mine));
}

static gint64
last_used_at (RtxApiKeys *keys,
              gint64      id)
{
  g_autoptr(RtxApiKey) key = rtx_api_keys_get (keys, id, NULL);

  return key->last_used_at;
}

/* Many requests, one write: last-used is throttled to once a minute per key. */
static void
test_last_used_throttled (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create (fixture, "busy", FALSE, &secret);
  g_autoptr(RtxApiKey) seen = NULL;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  for (guint i = 0; i < 200; i++)
    g_assert_true (works (fixture->keys, secret));

  while (last_used_at (fixture->keys, key->id) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10000);

  seen = rtx_api_keys_get (fixture->keys, key->id, NULL);
  g_assert_cmpint (seen->last_used_at, >, 0);
  g_assert_cmpstr (seen->last_used_surface, ==, "standard");
  g_assert_cmpuint (rtx_api_keys_get_last_used_write_count (fixture->keys), ==, 1);
}

static void
test_no_plaintext_in_db (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(RtxSecret) secret = NULL;
  g_autoptr(RtxApiKey) key = create (fixture, "hidden", FALSE, &secret);
  g_autofree char *db = g_build_filename (fixture->data_dir, "runtime.db", NULL);
  g_autofree char *wal = g_build_filename (fixture->data_dir, "runtime.db-wal", NULL);

  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (rtx_test_file_contains (db, secret));
  g_assert_false (rtx_test_file_contains (wal, secret));
  g_assert_false (rtx_test_file_contains (wal, secret + 4));
}

/* Without a Secret Service the runtime still starts, keys are still made and verified, and
 * copying explains why it cannot work. Runs in a subprocess whose session bus is unreachable. */
static void
test_without_keyring (void)
{
  if (g_test_subprocess ()) {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = NULL;
    g_autoptr(RtxRuntime) runtime = NULL;
    g_autoptr(RtxSecret) secret = NULL;
    g_autoptr(RtxApiKey) key = NULL;
    RtxApiKeys *keys;

    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/rtx-no-bus", TRUE);
    dir = rtx_test_data_dir_new ("no-keyring");
    runtime = rtx_runtime_new (dir, &error);
    g_assert_no_error (error);
    keys = rtx_runtime_get_api_keys (runtime);

    key = rtx_api_keys_create (keys, "offline", FALSE, &operator_actor, &secret, &error);
    g_assert_no_error (error);
    rtx_test_record_key (secret);
    g_assert_false (key->in_keyring);
    g_assert_cmpint (rtx_secrets_get_state (rtx_runtime_get_secrets (runtime)), ==,
                     RTX_SECRETS_UNAVAILABLE);
    g_assert_true (works (keys, secret));

    g_assert_null (rtx_api_keys_copy_secret (keys, key->id, &operator_actor, &error));
    g_assert_error (error, RTX_ERROR, RTX_ERROR_KEYRING_UNAVAILABLE);
    g_clear_error (&error);

    rtx_api_keys_deactivate (keys, key->id, &operator_actor, &error);
    g_assert_no_error (error);
    g_assert_false (works (keys, secret));
    return;
  }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/rtx/api-keys/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("create-fields", test_create_fields);
  ADD ("bad-names", test_bad_names);
  ADD ("authenticate", test_authenticate);
  ADD ("copy-rotate-deactivate", test_copy_rotate_deactivate);
  ADD ("deactivate-from-other-instance", test_deactivate_from_other_instance);
  ADD ("verdicts-remembered", test_verdicts_remembered);
  ADD ("owner-suspended-from-other-instance", test_owner_suspended_from_other_instance);
  ADD ("instances-do-not-mix", test_instances_do_not_mix);
  ADD ("last-used-throttled", test_last_used_throttled);
  ADD ("no-plaintext-in-db", test_no_plaintext_in_db);
  g_test_add_func ("/rtx/api-keys/without-keyring", test_without_keyring);

#undef ADD

  return g_test_run ();
}
