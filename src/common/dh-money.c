/* dh-money.c – amounts of money in whole đồng */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-money"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-money.h"
#include "dh-text.h"

/**
 * dh_money_add:
 * @sum: (inout): a sum in đồng
 * @dong: an amount to add to it
 *
 * Returns: %FALSE, and @sum as it was, when the sum would not fit in 64
 *   bits: a total is never shown wrong
 */
gboolean
dh_money_add (gint64 *sum,
              gint64  dong)
{
  if ((dong > 0 && *sum > G_MAXINT64 - dong) || (dong < 0 && *sum < G_MININT64 - dong))
    return FALSE;
  *sum += dong;
  return TRUE;
}

void
dh_money_sum_add (DhMoneySum *sum,
                  gint64      dong)
{
  sum->fits = sum->fits && dh_money_add (&sum->dong, dong);
}

/**
 * dh_money_sum_format:
 *
 * Returns: (transfer full): the sum as dh_money_format() writes it, or
 *   "—" when it does not fit
 */
char *
dh_money_sum_format (const DhMoneySum *sum)
{
  return sum->fits ? dh_money_format (sum->dong) : g_strdup ("—");
}

/* Vietnamese groups thousands with dots and writes the đồng sign after a
 * space: 1.500.000 ₫. */
/**
 * dh_money_format:
 * @dong: an amount in đồng
 *
 * Returns: (transfer full): the amount as people read it, "1.500.000 ₫"
 */
char *
dh_money_format (gint64 dong)
{
  g_autofree char *number = dh_grouped_format (dong);

  return g_strconcat (number, " \u20AB", NULL);
}

/**
 * dh_grouped_format:
 * @number: a count or an amount
 *
 * Returns: (transfer full): the number with its thousands grouped by dots,
 *   as Vietnamese writes them and dh_money_format() does: "1.234"
 */
char *
dh_grouped_format (gint64 number)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 magnitude = number < 0 ? (guint64) (-(number + 1)) + 1 : (guint64) number;
  char digits[32];
  int n;

  n = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, magnitude);
  if (number < 0)
    g_string_append_c (text, '-');
  for (int i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (text, '.');
      g_string_append_c (text, digits[i]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Currency marks people write after an amount, compared after folding
 * case; "đ" and "₫" are the usual ones. */
static const char * const currency_marks[] = {
  "\u20AB", "đồng", "dong", "vnđ", "vnd", "đ", "d",
};

static void
strip_currency (GString *text)
{
  g_autofree char *lower = g_utf8_strdown (text->str, -1);

  for (guint i = 0; i < G_N_ELEMENTS (currency_marks); i++)
    {
      gsize mark_len = strlen (currency_marks[i]);

      /* Lowercasing these marks keeps byte lengths, so the offsets agree. */
      if (strlen (lower) == text->len && g_str_has_suffix (lower, currency_marks[i]))
        {
          g_string_truncate (text, text->len - mark_len);
          while (text->len > 0 && text->str[text->len - 1] == ' ')
            g_string_truncate (text, text->len - 1);
          return;
        }
    }
}

static gboolean
fail_format (GError     **error,
             int          code,
             const char  *message)
{
  g_set_error_literal (error, DH_VALIDATION_ERROR, code, message);
  return FALSE;
}

/* Longer than any amount written out, with its separators, spaces and
 * currency: refused before it is read */
#define MAX_AMOUNT_BYTES 64

/**
 * dh_money_check_max:
 * @dong: an amount of 0 đồng or more
 * @error: a #DH_VALIDATION_ERROR that says the largest amount
 *
 * Returns: %TRUE if @dong is at most %DH_MONEY_MAX
 */
gboolean
dh_money_check_max (gint64   dong,
                    GError **error)
{
  g_autofree char *largest = NULL;

  if (dong <= DH_MONEY_MAX)
    return TRUE;

  largest = dh_money_format (DH_MONEY_MAX);
  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
               _("the amount is larger than %s, which no support or income reaches; check the number of digits"),
               largest);
  return FALSE;
}

/**
 * dh_money_parse:
 * @text: (nullable): "1500000", "1.500.000", "1 500 000", with or without
 *   "₫", "đ", "VND" or "đồng" after it
 * @out_dong: (out) (optional): the amount in whole đồng
 * @error: a #DH_VALIDATION_ERROR whose message shows a valid example
 *
 * Reads an amount of whole đồng. Negative amounts, fractions, letters,
 * amounts above %DH_MONEY_MAX, texts longer than any amount and digits
 * grouped other than by thousands ("1.50.000") are refused.
 *
 * Returns: %TRUE if @text is an amount
 */
gboolean
dh_money_parse (const char  *text,
                gint64      *out_dong,
                GError     **error)
{
  g_autofree char *clean = NULL;
  g_autoptr(GString) number = NULL;
  guint64 value = 0;
  char separator = 0;
  gsize group = 0;
  gsize groups = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text != NULL && strnlen (text, MAX_AMOUNT_BYTES + 1) > MAX_AMOUNT_BYTES)
    return fail_format (error, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                        _("this is too long for an amount; write whole đồng, such as 1.500.000"));
  clean = dh_text_normalize (text);
  if (clean == NULL || clean[0] == '\0')
    return fail_format (error, DH_VALIDATION_ERROR_REQUIRED,
                        _("no amount was given; write whole đồng, such as 1.500.000 or 1500000"));

  number = g_string_new (clean);
  strip_currency (number);

  if (number->str[0] == '-' || g_str_has_prefix (number->str, "\u2212"))
    return fail_format (error, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                        _("an amount cannot be negative; write whole đồng, such as 1.500.000"));

  if (number->len == 0)
    return fail_format (error, DH_VALIDATION_ERROR_INVALID,
                        _("no number was given; write whole đồng, such as 1.500.000 or 1500000"));

  for (gsize i = 0; i < number->len; i++)
    {
      char c = number->str[i];

      if (g_ascii_isdigit (c))
        {
          guint digit = (guint) (c - '0');

          value = value * 10 + digit;
          /* no further: at most 13 digits, which fit */
          if (!dh_money_check_max ((gint64) value, error))
            return FALSE;
          group++;
          continue;
        }

      if (c == ',')
        return fail_format (error, DH_VALIDATION_ERROR_INVALID,
                            _("amounts are whole đồng, without a decimal part or commas; write 1.500.000 or 1500000"));

      if (c == '.' || c == ' ')
        {
          /* The first group has 1 to 3 digits, every later group exactly 3,
           * all separated the same way. */
          /* "0.500" is more likely half of something than 500 đồng. */
          if ((separator != 0 && separator != c) ||
              group == 0 || (groups == 0 ? group > 3 : group != 3) ||
              number->str[0] == '0')
            return fail_format (error, DH_VALIDATION_ERROR_INVALID,
                                _("the digits are not grouped by thousands; write 1.500.000, 1 500 000 or 1500000"));
          separator = c;
          groups++;
          group = 0;
          continue;
        }

      return fail_format (error, DH_VALIDATION_ERROR_INVALID,
                          _("an amount has digits only; write whole đồng, such as 1.500.000 or 1500000"));
    }

  if (separator != 0 && group != 3)
    {
      /* "1.5" or "1.500,5" written as "1.5": a fraction or a misplaced dot. */
      return fail_format (error, DH_VALIDATION_ERROR_INVALID,
                          _("the digits are not grouped by thousands; write 1.500.000, 1 500 000 or 1500000"));
    }

  if (out_dong != NULL)
    *out_dong = (gint64) value;

  return TRUE;
}
