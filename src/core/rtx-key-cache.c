/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "rtx-key-cache.h"
#include "rtx-key-format.h"
#include "rtx-siphash.h"

/**
 * RtxKeyCache:
 *
 * Keys that were found active, each with the credential generation
 * (rtx_db_get_credential_generation()) read before its row was. An entry answers only while
 * the generation has not moved: any commit, by any process, that deactivates a key, changes a
 * user or switches the mode moves it, so the next request is checked against the database
 * again. Refusals are never kept, and neither is a secret.
 *
 * Entries are found by a 128-bit tag of the presented secret: two SipHash-2-4 values under a
 * random 256-bit key drawn when the cache is made and never stored. Without that key, no one
 * can make another string with a remembered key's tag, and two keys of the person share one
 * with a chance of 2^-128. SHA-256, which the database is searched by, costs ten times more
 * and is needed only on a miss.
 *
 * Entries also expire after MAX_AGE_USEC. The generation moves right after a commit; a
 * process killed between the two would leave the change unannounced, and the age bounds how
 * long a verdict could outlive it.
 */

#define MAX_AGE_USEC (10 * G_USEC_PER_SEC)
/* Only keys that verified get in, so this bounds memory against a person's own key count. */
#define MAX_ENTRIES 256

typedef struct {
  guint64 half[2];
} Tag;

typedef struct {
  Tag        tag;
  RtxApiKey *key;
  guint64    generation;
  gint64     verified_at;   /* monotonic µs */
} Entry;

struct _RtxKeyCache {
  GMutex      lock;
  RtxSipKey   tag_keys[2];
  gboolean    enabled;   /* FALSE if no random key could be drawn: then nothing is kept */
  GHashTable *entries;   /* Tag → Entry (the key is the entry's own tag) */
};

static void
entry_free (Entry *entry)
{
  rtx_api_key_free (entry->key);
  g_free (entry);
}

/* A tag is a PRF's output: its low bits are a hash already. */
static guint
tag_hash (gconstpointer tag)
{
  return (guint) ((const Tag *) tag)->half[0];
}

static gboolean
tag_equal (gconstpointer a,
           gconstpointer b)
{
  return memcmp (a, b, sizeof (Tag)) == 0;
}

static void
tag_of (RtxKeyCache *self,
        const char  *secret,
        Tag         *tag)
{
  gsize len = strlen (secret);

  tag->half[0] = rtx_siphash24 (&self->tag_keys[0], secret, len);
  tag->half[1] = rtx_siphash24 (&self->tag_keys[1], secret, len);
}

RtxKeyCache *
rtx_key_cache_new (void)
{
  RtxKeyCache *self = g_new0 (RtxKeyCache, 1);

  g_mutex_init (&self->lock);
  self->enabled = rtx_random_bytes ((guint8 *) self->tag_keys, sizeof self->tag_keys, NULL);
  self->entries = g_hash_table_new_full (tag_hash, tag_equal, NULL,
                                         (GDestroyNotify) entry_free);
  return self;
}

void
rtx_key_cache_free (RtxKeyCache *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->entries);
  memset (self->tag_keys, 0, sizeof self->tag_keys);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * rtx_key_cache_lookup:
 * @secret: the presented secret, well-formed
 * @generation: the credential generation now
 *
 * Returns: (transfer full) (nullable): the key verified under @generation (a reference), or
 *   %NULL: then the database decides
 */
RtxApiKey *
rtx_key_cache_lookup (RtxKeyCache *self,
                      const char  *secret,
                      guint64      generation)
{
  RtxApiKey *key = NULL;
  Entry *entry;
  Tag tag;

  if (!self->enabled)
    return NULL;

  tag_of (self, secret, &tag);
  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, &tag);
  if (entry != NULL && entry->generation == generation &&
      g_get_monotonic_time () - entry->verified_at < MAX_AGE_USEC)
    key = rtx_api_key_copy (entry->key);
  else if (entry != NULL)
    g_hash_table_remove (self->entries, &tag);
  g_mutex_unlock (&self->lock);

  return key;
}

void
rtx_key_cache_store (RtxKeyCache     *self,
                     const char      *secret,
                     const RtxApiKey *key,
                     guint64          generation)
{
  Entry *entry;

  if (!self->enabled)
    return;

  entry = g_new0 (Entry, 1);
  tag_of (self, secret, &entry->tag);
  entry->key = rtx_api_key_copy (key);
  entry->generation = generation;
  entry->verified_at = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  if (g_hash_table_size (self->entries) >= MAX_ENTRIES)
    g_hash_table_remove_all (self->entries);
  g_hash_table_replace (self->entries, &entry->tag, entry);
  g_mutex_unlock (&self->lock);
}
