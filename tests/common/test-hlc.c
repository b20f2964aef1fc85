/* test-hlc.c – the hybrid logical clock orders changes across devices */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-error.h"
#include "dh-hlc.h"

static gint64
fixed_clock (gpointer user_data)
{
  return *(gint64 *) user_data;
}

static void
test_timestamps_increase_when_wall_clock_stands_or_goes_back (void)
{
  g_autoptr(DhHlc) hlc = dh_hlc_new ("0123456789abcdef", 0);
  g_autofree char *previous = NULL;
  gint64 wall = 1764000000000;

  dh_hlc_set_wall_clock (hlc, fixed_clock, &wall);
  previous = dh_hlc_now (hlc);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *next = NULL;

      if (i == 500)
        wall -= 86400000; /* someone sets the laptop's clock a day back */
      next = dh_hlc_now (hlc);
      g_assert_cmpint (strcmp (next, previous), >, 0);
      g_free (previous);
      previous = g_steal_pointer (&next);
    }
}

static void
test_observed_future_timestamp_is_overtaken (void)
{
  g_autoptr(DhHlc) hlc = dh_hlc_new ("0123456789abcdef", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;
  const char *remote = "7000000000000005-fedcba9876543210";

  g_assert_true (dh_hlc_observe (hlc, remote, &error));
  g_assert_no_error (error);
  next = dh_hlc_now (hlc);
  g_assert_cmpint (strcmp (next, remote), >, 0);
  g_assert_true (g_str_has_suffix (next, "-0123456789abcdef"));
}

static void
test_restart_continues_after_last (void)
{
  g_autoptr(DhHlc) first = dh_hlc_new ("0123456789abcdef", 0);
  g_autoptr(DhHlc) second = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gint64 wall = 1764000000000;

  dh_hlc_set_wall_clock (first, fixed_clock, &wall);
  a = dh_hlc_now (first);
  second = dh_hlc_new ("0123456789abcdef", dh_hlc_get_last (first));
  wall -= 1000;
  dh_hlc_set_wall_clock (second, fixed_clock, &wall);
  b = dh_hlc_now (second);
  g_assert_cmpint (strcmp (b, a), >, 0);
}

static void
test_device_breaks_ties (void)
{
  g_assert_cmpint (strcmp ("0000018f00000000-aaaaaaaaaaaaaaaa", "0000018f00000000-bbbbbbbbbbbbbbbb"), <, 0);
  g_assert_cmpint (dh_hlc_get_wall_ms ("0000018f00010000-aaaaaaaaaaaaaaaa"), ==, 0x18f0001);
}

static void
test_malformed_timestamps_rejected (void)
{
  static const char * const bad[] = {
    "", "0000018f00000000", "0000018F00000000-aaaaaaaaaaaaaaaa", "0000018f00000000-aaaa",
    "0000018f0000000g-aaaaaaaaaaaaaaaa", "0000018f00000000_aaaaaaaaaaaaaaaa",
  };
  g_autoptr(DhHlc) hlc = dh_hlc_new ("0123456789abcdef", 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (dh_hlc_parse (bad[i], NULL, NULL));
      g_assert_false (dh_hlc_observe (hlc, bad[i], &error));
      g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID);
    }
}

static void
test_new_device_ids_are_valid_and_differ (void)
{
  g_autofree char *a = dh_hlc_new_device_id ();
  g_autofree char *b = dh_hlc_new_device_id ();

  g_assert_true (dh_hlc_is_valid_device_id (a));
  g_assert_true (dh_hlc_is_valid_device_id (b));
  g_assert_cmpstr (a, !=, b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/hlc/timestamps-increase-when-wall-clock-stands-or-goes-back",
                   test_timestamps_increase_when_wall_clock_stands_or_goes_back);
  g_test_add_func ("/common/hlc/observed-future-timestamp-is-overtaken", test_observed_future_timestamp_is_overtaken);
  g_test_add_func ("/common/hlc/restart-continues-after-last", test_restart_continues_after_last);
  g_test_add_func ("/common/hlc/device-breaks-ties", test_device_breaks_ties);
  g_test_add_func ("/common/hlc/malformed-timestamps-rejected", test_malformed_timestamps_rejected);
  g_test_add_func ("/common/hlc/new-device-ids-are-valid-and-differ", test_new_device_ids_are_valid_and_differ);

  return g_test_run ();
}
