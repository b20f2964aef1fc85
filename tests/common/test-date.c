/* test-date.c – dates as people write them and as records store them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-date.h"
#include "dh-error.h"

static GDate
make_date (int day,
           int month,
           int year)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return date;
}

static void
assert_parses_to (const char *text,
                  int         day,
                  int         month,
                  int         year)
{
  g_autoptr(GError) error = NULL;
  GDate date;

  g_date_clear (&date, 1);
  if (!dh_date_parse (text, &date, &error))
    g_error ("“%s” should parse: %s", text, error->message);
  g_assert_cmpint (g_date_get_day (&date), ==, day);
  g_assert_cmpint (g_date_get_month (&date), ==, month);
  g_assert_cmpint (g_date_get_year (&date), ==, year);
}

static void
assert_rejected (const char *text,
                 int         code,
                 const char *word)
{
  g_autoptr(GError) error = NULL;
  GDate date;

  g_date_clear (&date, 1);
  if (dh_date_parse (text, &date, &error))
    g_error ("“%s” should not parse", text);
  g_assert_error (error, DH_VALIDATION_ERROR, code);
  if (strstr (error->message, word) == NULL)
    g_error ("message for “%s” lacks “%s”: %s", text, word, error->message);
}

static void
test_parse_accepts_iso_and_vietnamese_forms (void)
{
  assert_parses_to ("2026-11-24", 24, 11, 2026);
  assert_parses_to ("24/11/2026", 24, 11, 2026);
  assert_parses_to ("7/3/1985", 7, 3, 1985);
  assert_parses_to ("07/03/1985", 7, 3, 1985);
  assert_parses_to ("  24/11/2026 ", 24, 11, 2026);
  assert_parses_to ("24-11-2026", 24, 11, 2026);
  assert_parses_to ("24.11.2026", 24, 11, 2026);
}

static void
test_parse_knows_the_calendar (void)
{
  assert_parses_to ("29/02/2024", 29, 2, 2024);
  assert_parses_to ("2024-02-29", 29, 2, 2024);
  assert_parses_to ("29/02/2000", 29, 2, 2000);
  assert_parses_to ("31/12/2026", 31, 12, 2026);

  assert_rejected ("29/02/2023", DH_VALIDATION_ERROR_INVALID, "calendar");
  assert_rejected ("2023-02-29", DH_VALIDATION_ERROR_INVALID, "calendar");
  assert_rejected ("29/02/1900", DH_VALIDATION_ERROR_INVALID, "calendar");
  assert_rejected ("31/04/2026", DH_VALIDATION_ERROR_INVALID, "calendar");
  assert_rejected ("00/01/2026", DH_VALIDATION_ERROR_INVALID, "calendar");
  assert_rejected ("15/13/2026", DH_VALIDATION_ERROR_INVALID, "calendar");
  assert_rejected ("2026-00-10", DH_VALIDATION_ERROR_INVALID, "calendar");
}

static void
test_parse_rejects_other_shapes_showing_both_forms (void)
{
  const char *bad[] = {
    "24/11/26", "2026/11/24", "2026-1-5", "24 11 2026", "24/11-2026", "hôm nay",
    "2026-11-24T10:00", "11/2026", "1/2/3/2026", "124/11/2026", "24/11/20266",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      assert_rejected (bad[i], DH_VALIDATION_ERROR_INVALID, "24/11/2026");
      assert_rejected (bad[i], DH_VALIDATION_ERROR_INVALID, "2026-11-24");
    }

  assert_rejected ("", DH_VALIDATION_ERROR_REQUIRED, "24/11/2026");
  assert_rejected ("   ", DH_VALIDATION_ERROR_REQUIRED, "2026-11-24");
  assert_rejected (NULL, DH_VALIDATION_ERROR_REQUIRED, "24/11/2026");
}

static void
test_format_and_iso_round_trip (void)
{
  GDate date = make_date (5, 3, 1985);
  g_autofree char *iso = dh_date_to_iso (&date);
  g_autofree char *shown = dh_date_format (&date);
  GDate back;

  g_assert_cmpstr (iso, ==, "1985-03-05");
  g_assert_cmpstr (shown, ==, "05/03/1985");

  g_date_clear (&back, 1);
  g_assert_true (dh_date_parse (shown, &back, NULL));
  g_assert_cmpint (g_date_compare (&date, &back), ==, 0);
  g_assert_true (dh_date_parse (iso, &back, NULL));
  g_assert_cmpint (g_date_compare (&date, &back), ==, 0);
}

static void
test_today_is_the_local_calendar_day (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate today;

  dh_date_today (&today);
  g_assert_true (g_date_valid (&today));
  /* Unless the test runs across midnight, these agree. */
  if (g_date_time_get_hour (now) != 23 || g_date_time_get_minute (now) != 59)
    {
      g_assert_cmpint (g_date_get_year (&today), ==, g_date_time_get_year (now));
      g_assert_cmpint (g_date_get_month (&today), ==, g_date_time_get_month (now));
      g_assert_cmpint (g_date_get_day (&today), ==, g_date_time_get_day_of_month (now));
    }
}

static void
test_not_future_accepts_today_and_rejects_tomorrow (void)
{
  g_autoptr(GError) error = NULL;
  GDate today = make_date (24, 11, 2026);
  GDate yesterday = make_date (23, 11, 2026);
  GDate tomorrow = make_date (25, 11, 2026);

  g_assert_true (dh_date_check_not_future (&today, &today, NULL));
  g_assert_true (dh_date_check_not_future (&yesterday, &today, NULL));
  g_assert_false (dh_date_check_not_future (&tomorrow, &today, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "25/11/2026 is in the future"));
  g_assert_nonnull (strstr (error->message, "today is 24/11/2026"));
}

static void
test_not_future_uses_the_real_today_when_none_given (void)
{
  GDate today, tomorrow;

  dh_date_today (&today);
  tomorrow = today;
  g_date_add_days (&tomorrow, 1);
  g_assert_true (dh_date_check_not_future (&today, NULL, NULL));
  g_assert_false (dh_date_check_not_future (&tomorrow, NULL, NULL));
}

static void
assert_birth (const char *text,
              const char *iso,
              int         year)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out_iso = NULL;
  GDate today = make_date (24, 11, 2026);
  int out_year = 0;

  if (!dh_birth_date_parse (text, &today, &out_iso, &out_year, &error))
    g_error ("birth date “%s” should parse: %s", text, error->message);
  g_assert_cmpstr (out_iso, ==, iso);
  g_assert_cmpint (out_year, ==, year);
}

static void
assert_birth_rejected (const char *text,
                       int         code,
                       const char *word)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out_iso = NULL;
  GDate today = make_date (24, 11, 2026);
  int out_year = -1;

  if (dh_birth_date_parse (text, &today, &out_iso, &out_year, &error))
    g_error ("birth date “%s” should be rejected", text);
  g_assert_error (error, DH_VALIDATION_ERROR, code);
  g_assert_null (out_iso);
  g_assert_cmpint (out_year, ==, -1);
  if (strstr (error->message, word) == NULL)
    g_error ("message for “%s” lacks “%s”: %s", text, word, error->message);
}

static void
test_birth_date_year_alone_or_whole_date (void)
{
  assert_birth ("1985", "1985", 1985);
  assert_birth (" 1985 ", "1985", 1985);
  assert_birth ("1985-03-07", "1985-03-07", 1985);
  assert_birth ("07/03/1985", "1985-03-07", 1985);
  assert_birth ("7/3/1985", "1985-03-07", 1985);
  assert_birth ("1900", "1900", 1900);
  assert_birth ("01/01/1900", "1900-01-01", 1900);
  assert_birth ("2026", "2026", 2026);
  assert_birth ("24/11/2026", "2026-11-24", 2026);
}

static void
test_birth_date_not_before_1900_nor_in_the_future (void)
{
  assert_birth_rejected ("1899", DH_VALIDATION_ERROR_OUT_OF_RANGE, "1900");
  assert_birth_rejected ("31/12/1899", DH_VALIDATION_ERROR_OUT_OF_RANGE, "1900");
  assert_birth_rejected ("2027", DH_VALIDATION_ERROR_OUT_OF_RANGE, "future");
  assert_birth_rejected ("25/11/2026", DH_VALIDATION_ERROR_OUT_OF_RANGE, "future");
  assert_birth_rejected ("29/02/2023", DH_VALIDATION_ERROR_INVALID, "1985");
  assert_birth_rejected ("85", DH_VALIDATION_ERROR_INVALID, "1985");
  assert_birth_rejected ("năm 1985", DH_VALIDATION_ERROR_INVALID, "07/03/1985");
  assert_birth_rejected ("", DH_VALIDATION_ERROR_REQUIRED, "1985");
}

/* The same text as GDateTime's, from 1970 to the end of 9999 and past it. */
static void
test_date_time_iso_utc_agrees_with_gdatetime (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2026);
  const gint64 last = G_GINT64_CONSTANT (253402300799);  /* 9999-12-31T23:59:59Z */
  g_autofree char *before = dh_date_time_iso_utc (-5);
  g_autofree char *after = dh_date_time_iso_utc (last + 86400 * 400);

  for (guint i = 0; i < 200000; i++)
    {
      gint64 seconds = i < 1000 ? (gint64) i * 86399 * 37 :
                       i < 2000 ? last - (gint64) (i - 1000) :
                       (gint64) (g_rand_double (rand) * (double) last);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);
      g_autofree char *expected = g_date_time_format_iso8601 (time);
      g_autofree char *text = dh_date_time_iso_utc (seconds);

      g_assert_cmpstr (text, ==, expected);
    }

  g_assert_cmpstr (before, ==, "1970-01-01T00:00:00Z");
  g_assert_cmpstr (after, ==, "9999-12-31T23:59:59Z");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/date/parse/accepts-iso-and-day-month-year", test_parse_accepts_iso_and_vietnamese_forms);
  g_test_add_func ("/common/date/parse/real-calendar-days-only", test_parse_knows_the_calendar);
  g_test_add_func ("/common/date/parse/rejects-other-shapes-showing-both-forms", test_parse_rejects_other_shapes_showing_both_forms);
  g_test_add_func ("/common/date/format/round-trips-through-iso-and-dd-mm-yyyy", test_format_and_iso_round_trip);
  g_test_add_func ("/common/date/today/is-the-local-calendar-day", test_today_is_the_local_calendar_day);
  g_test_add_func ("/common/date/not-future/accepts-today-rejects-tomorrow", test_not_future_accepts_today_and_rejects_tomorrow);
  g_test_add_func ("/common/date/not-future/defaults-to-the-real-today", test_not_future_uses_the_real_today_when_none_given);
  g_test_add_func ("/common/date/time/iso-utc-as-gdatetime-writes-it", test_date_time_iso_utc_agrees_with_gdatetime);
  g_test_add_func ("/common/date/birth/year-alone-or-whole-date", test_birth_date_year_alone_or_whole_date);
  g_test_add_func ("/common/date/birth/not-before-1900-nor-in-the-future", test_birth_date_not_before_1900_nor_in_the_future);

  return g_test_run ();
}
