/* test-citizen-id.c – checks of the 12-digit citizen ID (CCCD) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-citizen-id.h"
#include "dh-date.h"
#include "dh-error.h"

static void
assert_valid (const char *id,
              DhSex       sex,
              int         year)
{
  g_autoptr(GError) error = NULL;

  if (!dh_citizen_id_check (dh_catalogues_get_default (), NULL, id, sex, year, &error))
    g_error ("%s should be valid: %s", id, error->message);
}

static void
assert_invalid (const char *id,
                DhSex       sex,
                int         year,
                int         code,
                const char *word,
                const char *other_word)
{
  g_autoptr(GError) error = NULL;

  if (dh_citizen_id_check (dh_catalogues_get_default (), NULL, id, sex, year, &error))
    g_error ("%s should be refused", id != NULL ? id : "(null)");
  g_assert_error (error, DH_VALIDATION_ERROR, code);
  if (strstr (error->message, word) == NULL)
    g_error ("message for %s lacks “%s”: %s", id, word, error->message);
  if (other_word != NULL && strstr (error->message, other_word) == NULL)
    g_error ("message for %s lacks “%s”: %s", id, other_word, error->message);
}

static void
test_accepts_valid_ids (void)
{
  assert_valid ("001085012345", DH_SEX_UNKNOWN, 0);      /* Hà Nội, man, 1985 */
  assert_valid ("001085012345", DH_SEX_MALE, 1985);
  assert_valid ("038195000001", DH_SEX_FEMALE, 1995);    /* Thanh Hóa, woman, 1995 */
  assert_valid ("079303001234", DH_SEX_FEMALE, 2003);    /* Hồ Chí Minh, woman, 2003 */
  assert_valid ("096200000000", DH_SEX_MALE, 2000);      /* Cà Mau, man, 2000 */
  assert_valid ("002100999999", DH_SEX_FEMALE, 1900);    /* Hà Giang, woman, 1900 */
  assert_valid ("066099123456", DH_SEX_MALE, 0);         /* Đắk Lắk, year unknown */
  assert_valid ("066099123456", DH_SEX_UNKNOWN, 1999);
  /* The catalogues default when none are given. */
  g_assert_true (dh_citizen_id_check (NULL, NULL, "001085012345", DH_SEX_MALE, 1985, NULL));
}

static void
test_every_birth_province_code_is_accepted (void)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, "birth_province");

  g_assert_cmpuint (codes->len, ==, 63);
  for (guint i = 0; i < codes->len; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s085012345", (const char *) g_ptr_array_index (codes, i));

      assert_valid (id, DH_SEX_MALE, 1985);
    }
}

static void
test_counts_the_digits (void)
{
  assert_invalid ("00108501234", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, "has 11 digits", "12");
  assert_invalid ("0010850123456", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, "has 13 digits", "12");
  assert_invalid ("0", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, "has 1 digit ", "12");
  assert_invalid ("", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_REQUIRED, "12 digits", NULL);
  assert_invalid (NULL, DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_REQUIRED, "12 digits", NULL);
}

static void
test_refuses_letters_and_separators (void)
{
  assert_invalid ("00108501234A", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, "digits only", "001085012345");
  assert_invalid ("O01085012345", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, "digits only", NULL);
  assert_invalid ("001 085 012 345", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, "digits only", NULL);
  assert_invalid ("００１０８５０１２３４５", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, "digits only", NULL);
}

static void
test_refuses_unknown_birth_province (void)
{
  assert_invalid ("003085012345", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_UNKNOWN_CODE, "003", "province");
  assert_invalid ("000085012345", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_UNKNOWN_CODE, "000", "province");
  assert_invalid ("097085012345", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_UNKNOWN_CODE, "097", "province");
  assert_invalid ("999085012345", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_UNKNOWN_CODE, "999", "province");
}

static void
test_refuses_century_digit_above_5 (void)
{
  for (char digit = '6'; digit <= '9'; digit++)
    {
      char id[] = "001085012345";
      char expected[] = "the 4th digit, 6,";

      id[3] = digit;
      expected[15] = digit;
      assert_invalid (id, DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_INVALID, expected, "0 to 5");
    }
}

static void
test_sex_must_agree_with_the_4th_digit (void)
{
  assert_invalid ("001185012345", DH_SEX_MALE, 0, DH_VALIDATION_ERROR_MISMATCH,
                  "4th digit", "says female but the member is male");
  assert_invalid ("001085012345", DH_SEX_FEMALE, 0, DH_VALIDATION_ERROR_MISMATCH,
                  "4th digit", "says male but the member is female");
  assert_invalid ("079203001234", DH_SEX_FEMALE, 2003, DH_VALIDATION_ERROR_MISMATCH,
                  "4th digit, 2", "says male");
  assert_invalid ("079303001234", DH_SEX_MALE, 2003, DH_VALIDATION_ERROR_MISMATCH,
                  "4th digit, 3", "says female");
}

static void
test_birth_year_must_agree (void)
{
  assert_invalid ("001085012345", DH_SEX_MALE, 1986, DH_VALIDATION_ERROR_MISMATCH,
                  "5th and 6th digits, 85", "born in 1986");
  assert_invalid ("001085012345", DH_SEX_UNKNOWN, 2085, DH_VALIDATION_ERROR_MISMATCH,
                  "4th digit, 0", "1900–1999");
  assert_invalid ("001203012345", DH_SEX_MALE, 1903, DH_VALIDATION_ERROR_MISMATCH,
                  "4th digit, 2", "2000–2099");
  assert_invalid ("001203012345", DH_SEX_MALE, 2004, DH_VALIDATION_ERROR_MISMATCH,
                  "5th and 6th digits, 03", "2003");
}

static void
test_birth_year_in_the_future_is_refused (void)
{
  GDate today;
  int year;
  char this_year[13], next_year[13];

  dh_date_today (&today);
  year = g_date_get_year (&today);
  g_snprintf (this_year, sizeof this_year, "001%d%02d012345", (year - 1900) / 100 * 2, year % 100);
  g_snprintf (next_year, sizeof next_year, "001%d%02d012345", (year + 1 - 1900) / 100 * 2, (year + 1) % 100);

  assert_valid (this_year, DH_SEX_MALE, year);
  assert_invalid (next_year, DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_OUT_OF_RANGE, "future", NULL);
  assert_invalid ("001499012345", DH_SEX_UNKNOWN, 0, DH_VALIDATION_ERROR_OUT_OF_RANGE, "2199", "future");
}

/* The day given, not the clock's: a validator's own (a store's, or any
 * day for a change received, whose dates its author's clock decided). */
static void
test_birth_year_is_compared_with_the_day_given (void)
{
  g_autoptr(GError) error = NULL;
  GDate day, cleared;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 31, G_DATE_DECEMBER, 2040);
  g_assert_true (dh_citizen_id_check (NULL, &day, "001240012345", DH_SEX_MALE, 2040, NULL));
  g_date_set_dmy (&day, 1, G_DATE_JANUARY, 2039);
  g_assert_false (dh_citizen_id_check (NULL, &day, "001240012345", DH_SEX_MALE, 2040, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_date_set_dmy (&day, 1, G_DATE_JANUARY, 1990);
  g_assert_false (dh_citizen_id_check (NULL, &day, "001095012345", DH_SEX_MALE, 1995, &error));
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);

  /* a cleared day is today's */
  g_date_clear (&cleared, 1);
  g_assert_true (dh_citizen_id_check (NULL, &cleared, "001095012345", DH_SEX_MALE, 1995, NULL));
  g_assert_false (dh_citizen_id_check (NULL, &cleared, "001499012345", DH_SEX_UNKNOWN, 0, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/citizen-id/accepts-valid-ids", test_accepts_valid_ids);
  g_test_add_func ("/common/citizen-id/accepts-every-birth-province-code", test_every_birth_province_code_is_accepted);
  g_test_add_func ("/common/citizen-id/says-how-many-digits-were-given", test_counts_the_digits);
  g_test_add_func ("/common/citizen-id/rejects-letters-and-separators", test_refuses_letters_and_separators);
  g_test_add_func ("/common/citizen-id/rejects-unknown-birth-province", test_refuses_unknown_birth_province);
  g_test_add_func ("/common/citizen-id/rejects-wrong-century-digit", test_refuses_century_digit_above_5);
  g_test_add_func ("/common/citizen-id/sex-must-agree-with-4th-digit", test_sex_must_agree_with_the_4th_digit);
  g_test_add_func ("/common/citizen-id/birth-year-must-agree", test_birth_year_must_agree);
  g_test_add_func ("/common/citizen-id/rejects-birth-year-in-the-future", test_birth_year_in_the_future_is_refused);
  g_test_add_func ("/common/citizen-id/birth-year-is-compared-with-the-day-given", test_birth_year_is_compared_with_the_day_given);

  return g_test_run ();
}
