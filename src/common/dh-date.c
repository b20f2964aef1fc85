/* dh-date.c – calendar dates as people write them and as records store them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-date"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-date.h"
#include "dh-error.h"
#include "dh-text.h"

#define MIN_BIRTH_YEAR 1900

/* Reads exactly min..max ASCII digits from *p, moving past them. */
static gboolean
read_number (const char **p,
             guint        min_digits,
             guint        max_digits,
             guint       *out_value)
{
  guint value = 0;
  guint n = 0;

  while (n < max_digits && g_ascii_isdigit ((*p)[n]))
    {
      value = value * 10 + (guint) ((*p)[n] - '0');
      n++;
    }

  if (n < min_digits)
    return FALSE;

  *p += n;
  *out_value = value;
  return TRUE;
}

/* Splits "2026-11-24" or "24/11/2026" (also 24-11-2026, 24.11.2026 and
 * single-digit day and month) into numbers, without judging them. */
static gboolean
split_date (const char *text,
            guint      *out_day,
            guint      *out_month,
            guint      *out_year)
{
  const char *p = text;
  guint a, b, c;
  char separator;

  if (!read_number (&p, 1, 4, &a))
    return FALSE;

  if (p - text == 4)
    {
      /* ISO 8601: yyyy-mm-dd, exactly. */
      if (*p++ != '-' || !read_number (&p, 2, 2, &b) || *p++ != '-' ||
          !read_number (&p, 2, 2, &c) || *p != '\0')
        return FALSE;
      *out_year = a;
      *out_month = b;
      *out_day = c;
      return TRUE;
    }

  if (p - text > 2)
    return FALSE;

  separator = *p++;
  if (separator != '/' && separator != '-' && separator != '.')
    return FALSE;
  if (!read_number (&p, 1, 2, &b) || *p++ != separator ||
      !read_number (&p, 4, 4, &c) || *p != '\0')
    return FALSE;

  *out_day = a;
  *out_month = b;
  *out_year = c;
  return TRUE;
}

/**
 * dh_date_parse:
 * @text: (nullable): "2026-11-24", "24/11/2026" or "7/3/1985" (one-digit
 *   day or month); "24-11-2026" and "24.11.2026" are read too
 * @out_date: (out) (optional): the date
 * @error: a #DH_VALIDATION_ERROR whose message shows both written forms
 *
 * Reads a calendar date; days that do not exist (29/02/2023) are refused.
 *
 * Returns: %TRUE if @text is a real date
 */
gboolean
dh_date_parse (const char  *text,
               GDate       *out_date,
               GError     **error)
{
  g_autofree char *normalized = NULL;
  const char *clean;
  guint day, month, year;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* most dates come normalised already, and are read as they came */
  clean = text != NULL && dh_text_is_normalized (text) ? text : (normalized = dh_text_normalize (text));
  if (clean == NULL || clean[0] == '\0')
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("no date was given; write it as 24/11/2026 or 2026-11-24"));
      return FALSE;
    }

  if (!split_date (clean, &day, &month, &year))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("“%s” is not a date; write it as 24/11/2026 or 2026-11-24"),
                   clean);
      return FALSE;
    }

  if (year < 1 || year > 9999 || month < 1 || month > 12 ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("“%s” is not a day of the calendar (check the day and the month); write it as 24/11/2026 or 2026-11-24"),
                   clean);
      return FALSE;
    }

  if (out_date != NULL)
    g_date_set_dmy (out_date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);

  return TRUE;
}

/* VALUE in WIDTH decimal digits, zeros first: what "%0*u" writes, without
 * printf, for the dates of every record a sync brings. */
static void
put_digits (char  *at,
            int    width,
            guint  value)
{
  for (int i = width - 1; i >= 0; i--, value /= 10)
    at[i] = (char) ('0' + value % 10);
}

/**
 * dh_date_to_iso:
 * @date: a valid date
 *
 * Returns: (transfer full): the date as records store it, "2026-11-24"
 */
char *
dh_date_to_iso (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  if (g_date_get_year (date) > 9999)
    return g_strdup_printf ("%u-%02u-%02u",
                            (guint) g_date_get_year (date),
                            (guint) g_date_get_month (date),
                            (guint) g_date_get_day (date));

  {
    char text[] = "YYYY-MM-DD";

    put_digits (text, 4, g_date_get_year (date));
    put_digits (text + 5, 2, g_date_get_month (date));
    put_digits (text + 8, 2, g_date_get_day (date));
    return g_strdup (text);
  }
}

/**
 * dh_date_format:
 * @date: a valid date
 *
 * Returns: (transfer full): the date as people read it, "24/11/2026"
 */
/**
 * dh_date_time_iso_utc:
 * @unix_seconds: seconds since 1970-01-01 00:00 UTC
 *
 * What g_date_time_format_iso8601() writes of that instant in UTC,
 * "2026-11-24T07:05:00Z", without a GDateTime: a store writes two of these
 * for every record a sync brings. An instant before 1970 is written as
 * 1970 began, one after 9999 as 9999 ends.
 *
 * Returns: (transfer full): the instant
 */
char *
dh_date_time_iso_utc (gint64 unix_seconds)
{
  gint64 days, seconds, era, day_of_era, year_of_era, day_of_year, mp, year;
  guint month, day;

  if (unix_seconds < 0)
    unix_seconds = 0;
  days = unix_seconds / 86400;
  seconds = unix_seconds % 86400;

  /* days to a civil date, after Howard Hinnant's days_from_civil inverse */
  days += 719468;
  era = days / 146097;
  day_of_era = days - era * 146097;
  year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  mp = (5 * day_of_year + 2) / 153;
  day = (guint) (day_of_year - (153 * mp + 2) / 5 + 1);
  month = (guint) (mp < 10 ? mp + 3 : mp - 9);
  year = year_of_era + era * 400 + (month <= 2);

  if (year > 9999)
    return g_strdup ("9999-12-31T23:59:59Z");

  {
    char text[] = "YYYY-MM-DDTHH:MM:SSZ";

    put_digits (text, 4, (guint) year);
    put_digits (text + 5, 2, month);
    put_digits (text + 8, 2, day);
    put_digits (text + 11, 2, (guint) (seconds / 3600));
    put_digits (text + 14, 2, (guint) (seconds / 60 % 60));
    put_digits (text + 17, 2, (guint) (seconds % 60));
    return g_strdup (text);
  }
}

char *
dh_date_format (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%02u/%02u/%04u",
                          (guint) g_date_get_day (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_year (date));
}

/**
 * dh_date_today:
 * @out_date: (out): today's date on the local calendar
 */
void
dh_date_today (GDate *out_date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_return_if_fail (out_date != NULL);

  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date,
                  (GDateDay) g_date_time_get_day_of_month (now),
                  (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
}

static void
resolve_today (const GDate *today,
               GDate       *out_today)
{
  if (today != NULL && g_date_valid (today))
    *out_today = *today;
  else
    dh_date_today (out_today);
}

/**
 * dh_date_check_not_future:
 * @date: a valid date
 * @today: (nullable): the day to compare with; %NULL for dh_date_today()
 * @error: %DH_VALIDATION_ERROR_OUT_OF_RANGE when @date is after @today
 *
 * Returns: %TRUE if @date is @today or earlier
 */
gboolean
dh_date_check_not_future (const GDate  *date,
                          const GDate  *today,
                          GError      **error)
{
  GDate now;

  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  resolve_today (today, &now);
  if (g_date_compare (date, &now) > 0)
    {
      g_autofree char *shown = dh_date_format (date);
      g_autofree char *shown_today = dh_date_format (&now);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("%s is in the future (today is %s); give the date on which it happened"),
                   shown, shown_today);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_year_alone (const char *text)
{
  return strlen (text) == 4 &&
         g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) &&
         g_ascii_isdigit (text[2]) && g_ascii_isdigit (text[3]);
}

/**
 * dh_birth_date_parse:
 * @text: (nullable): "1985" (the year alone is common), "1985-03-07" or
 *   "07/03/1985"
 * @today: (nullable): the day to compare with; %NULL for dh_date_today()
 * @out_iso: (out) (optional) (transfer full): "1985" or "1985-03-07"
 * @out_year: (out) (optional): the year of birth
 * @error: a #DH_VALIDATION_ERROR
 *
 * Reads a birth date, which is neither in the future nor before 1900.
 *
 * Returns: %TRUE if @text is an acceptable birth date
 */
gboolean
dh_birth_date_parse (const char   *text,
                     const GDate  *today,
                     char        **out_iso,
                     int          *out_year,
                     GError      **error)
{
  g_autofree char *clean = NULL;
  g_autofree char *iso = NULL;
  GDate now;
  int year;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  resolve_today (today, &now);
  clean = dh_text_normalize (text);
  if (clean == NULL || clean[0] == '\0')
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("no birth date was given; write the year alone, such as 1985, or the whole date, such as 07/03/1985"));
      return FALSE;
    }

  if (is_year_alone (clean))
    {
      year = (int) g_ascii_strtoll (clean, NULL, 10);
      iso = g_strdup (clean);
      if (year > (int) g_date_get_year (&now))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                       _("the year %d is in the future (this is %d); give the year of birth, such as 1985"),
                       year, (int) g_date_get_year (&now));
          return FALSE;
        }
    }
  else
    {
      g_autoptr(GError) local_error = NULL;
      GDate date;

      g_date_clear (&date, 1);
      if (!dh_date_parse (clean, &date, &local_error))
        {
          g_set_error (error, DH_VALIDATION_ERROR, local_error->code,
                       _("“%s” is not a birth date; write the year alone, such as 1985, or the whole date, such as 07/03/1985 or 1985-03-07"),
                       clean);
          return FALSE;
        }
      if (!dh_date_check_not_future (&date, &now, error))
        return FALSE;
      year = (int) g_date_get_year (&date);
      iso = dh_date_to_iso (&date);
    }

  if (year < MIN_BIRTH_YEAR)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("the year %d is before 1900; check the year of birth, such as 1985"),
                   year);
      return FALSE;
    }

  if (out_iso != NULL)
    *out_iso = g_steal_pointer (&iso);
  if (out_year != NULL)
    *out_year = year;

  return TRUE;
}
