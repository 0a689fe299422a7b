/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The measurement both GUI benchmark programs share, so that they measure the same thing: the
 * time from the driver's launch timestamp (RTX_BENCH_LAUNCH_US, wall-clock microseconds, taken
 * just before exec) to the first frame of the window painted with its content, then, once the window has been
 * up for a while, the process's resident memory (VmRSS) and its high-water mark (VmHWM).
 * Also the CPU time used until that frame. Prints one line:
 * "first_frame_ms=… cpu_ms=… rss_kb=… hwm_kb=…", then quits.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gtk/gtk.h>

#define BENCH_SETTLE_MS 3000

static gint64 bench_first_frame_us;
static double bench_first_frame_cpu_ms;
/* A program whose content arrives after the first frame (the runtime fills its key list from
 * a worker thread) clears this until the content is there: the frame that counts shows it. */
static gboolean bench_content_ready = TRUE;

static long
bench_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line != NULL ? strtol (line + strlen (field) + 1, NULL, 10) : -1;
}

/* CPU time (user + system, all threads) this process has used: unlike wall-clock time, the
 * machine's load does not inflate it. */
static double
bench_cpu_ms (void)
{
  g_autofree char *stat = NULL;
  const char *end;
  unsigned long utime = 0, stime = 0;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    return -1;
  end = strrchr (stat, ')');
  if (end == NULL ||
      sscanf (end + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return -1;
  return (utime + stime) * 1000.0 / sysconf (_SC_CLK_TCK);
}

static gboolean
bench_report_cb (gpointer user_data)
{
  GApplication *app = user_data;
  const char *launch = g_getenv ("RTX_BENCH_LAUNCH_US");
  gint64 launch_us = launch != NULL ? g_ascii_strtoll (launch, NULL, 10) : 0;

  g_print ("first_frame_ms=%.1f cpu_ms=%.0f rss_kb=%ld hwm_kb=%ld\n",
           launch_us > 0 ? (bench_first_frame_us - launch_us) / 1000.0 : -1.0,
           bench_first_frame_cpu_ms, bench_status_kb ("VmRSS:"), bench_status_kb ("VmHWM:"));
  fflush (stdout);
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
bench_on_after_paint_cb (GdkFrameClock *clock,
                         GApplication  *app)
{
  if (bench_first_frame_us != 0 || !bench_content_ready)
    return;
  bench_first_frame_us = g_get_real_time ();
  bench_first_frame_cpu_ms = bench_cpu_ms ();
  g_timeout_add (BENCH_SETTLE_MS, bench_report_cb, app);
}

static void
bench_on_map_cb (GtkWidget    *window,
                 GApplication *app)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_on_after_paint_cb), app);
}

/* Call before the window's first frame is painted. */
static inline void
bench_watch_window (GtkWidget    *window,
                    GApplication *app)
{
  if (gtk_widget_get_mapped (window))
    bench_on_map_cb (window, app);
  else
    g_signal_connect (window, "map", G_CALLBACK (bench_on_map_cb), app);
}
