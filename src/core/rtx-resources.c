/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "rtx-resources.h"
#include "rtx-resources-gen.h"

void
rtx_resources_ensure (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered)) {
    rtx_register_resource ();
    g_once_init_leave (&registered, 1);
  }
}
