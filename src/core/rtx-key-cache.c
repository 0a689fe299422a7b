/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-key-cache.h"

/**
 * RtxKeyCache:
 *
 * Keys that were found active, by the SHA-256 digest of their secret, each with the
 * credential generation (rtx_db_get_credential_generation()) read before its row was. An
 * entry answers only while the generation has not moved: any commit, by any process, that
 * deactivates a key, changes a user or switches the mode moves it, so the next request is
 * checked against the database again. Refusals are never kept, and neither is a secret.
 *
 * Entries also expire after MAX_AGE_USEC. The generation moves right after a commit; a
 * process killed between the two would leave the change unannounced, and the age bounds how
 * long a verdict could outlive it.
 */

#define MAX_AGE_USEC (10 * G_USEC_PER_SEC)
/* Only keys that verified get in, so this bounds memory against a person's own key count. */
#define MAX_ENTRIES 256

typedef struct {
  guint8     digest[RTX_KEY_DIGEST_LEN];
  RtxApiKey *key;
  guint64    generation;
  gint64     verified_at;   /* monotonic µs */
} Entry;

struct _RtxKeyCache {
  GMutex      lock;
  GHashTable *entries;   /* digest → Entry (the key is the entry's own digest) */
};

static void
entry_free (Entry *entry)
{
  rtx_api_key_free (entry->key);
  g_free (entry);
}

/* A digest is uniformly distributed: its first bytes are a hash already. */
static guint
digest_hash (gconstpointer digest)
{
  guint value;

  memcpy (&value, digest, sizeof value);
  return value;
}

static gboolean
digest_equal (gconstpointer a,
              gconstpointer b)
{
  return memcmp (a, b, RTX_KEY_DIGEST_LEN) == 0;
}

RtxKeyCache *
rtx_key_cache_new (void)
{
  RtxKeyCache *self = g_new0 (RtxKeyCache, 1);

  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new_full (digest_hash, digest_equal, NULL,
                                         (GDestroyNotify) entry_free);
  return self;
}

void
rtx_key_cache_free (RtxKeyCache *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * rtx_key_cache_lookup:
 * @digest: SHA-256 of the presented secret
 * @generation: the credential generation now
 *
 * Returns: (transfer full) (nullable): the key verified under @generation (a reference), or
 *   %NULL: then the database decides
 */
RtxApiKey *
rtx_key_cache_lookup (RtxKeyCache  *self,
                      const guint8 *digest,
                      guint64       generation)
{
  RtxApiKey *key = NULL;
  Entry *entry;

  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, digest);
  if (entry != NULL && entry->generation == generation &&
      g_get_monotonic_time () - entry->verified_at < MAX_AGE_USEC)
    key = rtx_api_key_copy (entry->key);
  else if (entry != NULL)
    g_hash_table_remove (self->entries, digest);
  g_mutex_unlock (&self->lock);

  return key;
}

void
rtx_key_cache_store (RtxKeyCache     *self,
                     const guint8    *digest,
                     const RtxApiKey *key,
                     guint64          generation)
{
  Entry *entry = g_new0 (Entry, 1);

  memcpy (entry->digest, digest, RTX_KEY_DIGEST_LEN);
  entry->key = rtx_api_key_copy (key);
  entry->generation = generation;
  entry->verified_at = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  if (g_hash_table_size (self->entries) >= MAX_ENTRIES)
    g_hash_table_remove_all (self->entries);
  g_hash_table_replace (self->entries, entry->digest, entry);
  g_mutex_unlock (&self->lock);
}
