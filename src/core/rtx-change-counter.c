/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rtx-change-counter.h"
#include "rtx-error.h"

/**
 * RtxChangeCounter:
 *
 * A 64-bit counter in a small file that every process working on the same data directory
 * maps shared. Bumping it is one atomic add in memory and reading it one atomic load: no
 * system call, no lock. Whatever a process bumps, every other process reads at once, which is
 * what lets a verdict be cached in one process and still be dropped the moment another
 * process changes what it was based on. The file holds nothing but the number.
 */
struct _RtxChangeCounter {
  guint64 *value;
  gboolean mapped;
};

RtxChangeCounter *
rtx_change_counter_open (const char  *path,
                         GError     **error)
{
  g_autofree RtxChangeCounter *self = g_new0 (RtxChangeCounter, 1);
  struct stat st;
  void *map;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    goto failed;

  /* Growing to the counter's size never clears a value another process already wrote. */
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) ||
      (st.st_size < (off_t) sizeof (guint64) && ftruncate (fd, sizeof (guint64)) < 0)) {
    int saved = S_ISREG (st.st_mode) ? errno : EINVAL;

    close (fd);
    errno = saved;
    goto failed;
  }

  map = mmap (NULL, sizeof (guint64), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close (fd);
  if (map == MAP_FAILED)
    goto failed;

  self->value = map;
  self->mapped = TRUE;
  return g_steal_pointer (&self);

failed:
  {
    int saved = errno;

    g_set_error (error, RTX_ERROR, RTX_ERROR_DATABASE, _("Could not open “%s”: %s"), path,
                 g_strerror (saved));
    return NULL;
  }
}

/* A counter seen by this process only: for databases that no other process can open. */
RtxChangeCounter *
rtx_change_counter_new_private (void)
{
  RtxChangeCounter *self = g_new0 (RtxChangeCounter, 1);

  self->value = g_new0 (guint64, 1);
  return self;
}

guint64
rtx_change_counter_get (RtxChangeCounter *self)
{
  return __atomic_load_n (self->value, __ATOMIC_ACQUIRE);
}

void
rtx_change_counter_bump (RtxChangeCounter *self)
{
  __atomic_add_fetch (self->value, 1, __ATOMIC_SEQ_CST);
}

void
rtx_change_counter_free (RtxChangeCounter *self)
{
  if (self == NULL)
    return;

  if (self->mapped)
    munmap (self->value, sizeof (guint64));
  else
    g_free (self->value);
  g_free (self);
}
