/* test-money.c – amounts of money in whole đồng */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-error.h"
#include "dh-money.h"

static void
assert_formats (gint64      dong,
                const char *expected)
{
  g_autofree char *text = dh_money_format (dong);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_parses (const char *text,
               gint64      expected)
{
  g_autoptr(GError) error = NULL;
  gint64 dong = -1;

  if (!dh_money_parse (text, &dong, &error))
    g_error ("“%s” should parse: %s", text, error->message);
  g_assert_cmpint (dong, ==, expected);
}

static void
assert_rejected (const char *text,
                 int         code,
                 const char *word)
{
  g_autoptr(GError) error = NULL;
  gint64 dong = -1;

  if (dh_money_parse (text, &dong, &error))
    g_error ("“%s” should be rejected", text);
  g_assert_error (error, DH_VALIDATION_ERROR, code);
  g_assert_cmpint (dong, ==, -1);
  if (strstr (error->message, word) == NULL)
    g_error ("message for “%s” lacks “%s”: %s", text, word, error->message);
}

static void
test_format_groups_thousands_with_dots (void)
{
  assert_formats (0, "0 \u20AB");
  assert_formats (5, "5 ₫");
  assert_formats (999, "999 ₫");
  assert_formats (1000, "1.000 ₫");
  assert_formats (15000, "15.000 ₫");
  assert_formats (150000, "150.000 ₫");
  assert_formats (1500000, "1.500.000 ₫");
  assert_formats (2250001, "2.250.001 ₫");
  assert_formats (G_MAXINT64, "9.223.372.036.854.775.807 ₫");
  assert_formats (-1500000, "-1.500.000 ₫");
  assert_formats (G_MININT64, "-9.223.372.036.854.775.808 ₫");
}

static void
test_parse_accepts_the_usual_ways_of_writing (void)
{
  assert_parses ("1500000", 1500000);
  assert_parses ("1.500.000", 1500000);
  assert_parses ("1 500 000", 1500000);
  assert_parses ("1\u00A0500\u00A0000", 1500000);
  assert_parses ("1.500.000 ₫", 1500000);
  assert_parses ("1.500.000₫", 1500000);
  assert_parses ("1.500.000đ", 1500000);
  assert_parses ("1.500.000 đ", 1500000);
  assert_parses ("1.500.000 VND", 1500000);
  assert_parses ("1.500.000 vnđ", 1500000);
  assert_parses ("1.500.000 đồng", 1500000);
  assert_parses ("  1.500.000 ₫  ", 1500000);
  assert_parses ("0", 0);
  assert_parses ("0 ₫", 0);
  assert_parses ("999", 999);
  assert_parses ("01500000", 1500000);
  assert_parses ("15.000", 15000);
  assert_parses ("1000000000000", DH_MONEY_MAX);
  assert_parses ("1.000.000.000.000 đồng", DH_MONEY_MAX);
}

static void
test_parse_round_trips_with_format (void)
{
  const gint64 amounts[] = { 0, 1, 12, 123, 1234, 12345, 123456, 1234567, 1500000, 2250001, DH_MONEY_MAX };

  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    {
      g_autofree char *text = dh_money_format (amounts[i]);

      assert_parses (text, amounts[i]);
    }
}

static void
test_parse_rejects_with_a_valid_example (void)
{
  assert_rejected ("-1500000", DH_VALIDATION_ERROR_OUT_OF_RANGE, "negative");
  assert_rejected ("−1.500.000 ₫", DH_VALIDATION_ERROR_OUT_OF_RANGE, "negative");
  assert_rejected ("1500000,50", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1,5", DH_VALIDATION_ERROR_INVALID, "whole");
  assert_rejected ("0.500", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("0 500", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1.5", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1.50.000", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1.5000.000", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1500.000", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1.500 000", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected (".500", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1.500.", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1..500", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1,500,000", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("một triệu", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("1.5tr", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("12abc", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  assert_rejected ("₫", DH_VALIDATION_ERROR_INVALID, "1.500.000");
  /* above the largest amount, never clamped to it; far above, never wrapped round */
  assert_rejected ("1000000000001", DH_VALIDATION_ERROR_OUT_OF_RANGE, "1.000.000.000.000");
  assert_rejected ("1.000.000.000.001 ₫", DH_VALIDATION_ERROR_OUT_OF_RANGE, "larger than");
  assert_rejected ("9223372036854775808", DH_VALIDATION_ERROR_OUT_OF_RANGE, "larger than");
  assert_rejected ("99.999.999.999.999.999.999", DH_VALIDATION_ERROR_OUT_OF_RANGE, "larger than");
  assert_rejected ("18446744073709551617", DH_VALIDATION_ERROR_OUT_OF_RANGE, "larger than");
  /* a text longer than any amount is refused before it is read */
  {
    g_autofree char *long_text = g_strnfill (65, '1');
    g_autofree char *blanks = g_strnfill (64, ' ');
    g_autofree char *spaces = g_strconcat ("1", blanks, NULL);

    assert_rejected (long_text, DH_VALIDATION_ERROR_OUT_OF_RANGE, "too long");
    assert_rejected (spaces, DH_VALIDATION_ERROR_OUT_OF_RANGE, "too long");
  }
  assert_rejected ("", DH_VALIDATION_ERROR_REQUIRED, "1.500.000");
  assert_rejected ("   ", DH_VALIDATION_ERROR_REQUIRED, "1.500.000");
  assert_rejected (NULL, DH_VALIDATION_ERROR_REQUIRED, "1.500.000");
}

/* A sum that would not fit is refused and left as it was, never wrapped
 * round or clamped. */
static void
test_grouped_like_amounts (void)
{
  static const struct { gint64 number; const char *text; } cases[] = {
    { 0, "0" }, { 999, "999" }, { 1000, "1.000" }, { 1234567, "1.234.567" }, { -1500, "-1.500" },
    { G_MININT64, "-9.223.372.036.854.775.808" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = dh_grouped_format (cases[i].number);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_add_refuses_a_sum_that_does_not_fit (void)
{
  gint64 sum = 0;

  g_assert_true (dh_money_add (&sum, 1500000));
  g_assert_true (dh_money_add (&sum, -500000));
  g_assert_cmpint (sum, ==, 1000000);

  sum = G_MAXINT64 - 10;
  g_assert_true (dh_money_add (&sum, 10));
  g_assert_cmpint (sum, ==, G_MAXINT64);
  g_assert_false (dh_money_add (&sum, 1));
  g_assert_cmpint (sum, ==, G_MAXINT64);

  sum = G_MININT64 + 10;
  g_assert_true (dh_money_add (&sum, -10));
  g_assert_false (dh_money_add (&sum, -1));
  g_assert_cmpint (sum, ==, G_MININT64);

  sum = 9000000000000000000;
  g_assert_false (dh_money_add (&sum, 9000000000000000000));
  g_assert_cmpint (sum, ==, 9000000000000000000);

  /* a running sum says it no longer fits, and stays so */
  {
    DhMoneySum total = DH_MONEY_SUM_INIT;
    g_autofree char *shown = NULL;
    g_autofree char *unknown = NULL;

    dh_money_sum_add (&total, 1500000);
    shown = dh_money_sum_format (&total);
    g_assert_cmpstr (shown, ==, "1.500.000 ₫");
    dh_money_sum_add (&total, G_MAXINT64);
    dh_money_sum_add (&total, -G_MAXINT64);
    g_assert_false (total.fits);
    unknown = dh_money_sum_format (&total);
    g_assert_cmpstr (unknown, ==, "—");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/money/format/groups-thousands-with-dots-and-dong-sign", test_format_groups_thousands_with_dots);
  g_test_add_func ("/common/money/parse/accepts-the-usual-ways-of-writing", test_parse_accepts_the_usual_ways_of_writing);
  g_test_add_func ("/common/money/parse/round-trips-with-format", test_parse_round_trips_with_format);
  g_test_add_func ("/common/money/parse/rejects-with-a-valid-example", test_parse_rejects_with_a_valid_example);
  g_test_add_func ("/common/money/add/refuses-a-sum-that-does-not-fit", test_add_refuses_a_sum_that_does_not_fit);
  g_test_add_func ("/common/money/format/counts-grouped-like-amounts", test_grouped_like_amounts);

  return g_test_run ();
}
