/* test-backoff.c – when a failed sync is tried again, as a pure function of the attempt and a random draw */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-sync-backoff.h"

static double
fixed_draw (gpointer user_data)
{
  return *(double *) user_data;
}

static void
test_schedule_doubles_up_to_fifteen_minutes (void)
{
  static const gint64 expected_s[] = { 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900 };

  for (guint i = 0; i < G_N_ELEMENTS (expected_s); i++)
    g_assert_cmpint (dh_sync_backoff_base_ms (i + 1), ==, expected_s[i] * 1000);

  /* far later attempts stay at the cap, without overflow */
  g_assert_cmpint (dh_sync_backoff_base_ms (1000), ==, 15 * 60 * 1000);
  g_assert_cmpint (dh_sync_backoff_base_ms (G_MAXUINT), ==, 15 * 60 * 1000);
}

static void
test_jitter_stays_within_a_quarter (void)
{
  double lowest = 0.0;
  double middle = 0.5;
  double highest = 0.999999;

  /* the draw moves the delay across [-25 %, +25 %] */
  g_assert_cmpint (dh_sync_backoff_delay_ms (1, fixed_draw, &lowest), ==, 1500);
  g_assert_cmpint (dh_sync_backoff_delay_ms (1, fixed_draw, &middle), ==, 2000);
  g_assert_cmpint (dh_sync_backoff_delay_ms (1, fixed_draw, &highest), ==, 2499);
  g_assert_cmpint (dh_sync_backoff_delay_ms (3, fixed_draw, &lowest), ==, 6000);
  g_assert_cmpint (dh_sync_backoff_delay_ms (20, fixed_draw, &highest), <=, 15 * 60 * 1250);
  g_assert_cmpint (dh_sync_backoff_delay_ms (20, fixed_draw, &lowest), ==, 15 * 60 * 750);

  /* GLib's own draws, many times: never outside the bounds, and not all alike */
  {
    gint64 first = dh_sync_backoff_delay_ms (5, NULL, NULL);
    gboolean varied = FALSE;

    for (guint i = 0; i < 1000; i++)
      {
        gint64 delay = dh_sync_backoff_delay_ms (5, NULL, NULL);

        g_assert_cmpint (delay, >=, 24000);
        g_assert_cmpint (delay, <, 40000);
        varied = varied || delay != first;
      }
    g_assert_true (varied);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/backoff/doubles-up-to-fifteen-minutes", test_schedule_doubles_up_to_fifteen_minutes);
  g_test_add_func ("/sync/backoff/jitter-within-a-quarter", test_jitter_stays_within_a_quarter);

  return g_test_run ();
}
