/* test-phone.c – Vietnamese telephone numbers */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-error.h"
#include "dh-phone.h"

static void
assert_normalizes (const char *text,
                   const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digits = dh_phone_normalize (text, &error);

  if (digits == NULL)
    g_error ("“%s” should be accepted: %s", text, error->message);
  g_assert_cmpstr (digits, ==, expected);
}

static void
assert_rejected (const char *text,
                 int         code,
                 const char *word)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digits = dh_phone_normalize (text, &error);

  if (digits != NULL)
    g_error ("“%s” should be rejected, got %s", text, digits);
  g_assert_error (error, DH_VALIDATION_ERROR, code);
  if (strstr (error->message, word) == NULL)
    g_error ("message for “%s” lacks “%s”: %s", text, word, error->message);
  /* Every refusal shows what a valid number looks like. */
  g_assert_nonnull (strstr (error->message, "0912 345 678"));
}

static void
test_mobiles_in_every_usual_shape (void)
{
  assert_normalizes ("0912345678", "0912345678");
  assert_normalizes ("0912 345 678", "0912345678");
  assert_normalizes ("0912.345.678", "0912345678");
  assert_normalizes ("0912-345-678", "0912345678");
  assert_normalizes ("(091) 234 5678", "0912345678");
  assert_normalizes ("+84 912 345 678", "0912345678");
  assert_normalizes ("+84912345678", "0912345678");
  assert_normalizes ("84912345678", "0912345678");
  assert_normalizes ("+84 (0) 912 345 678", "0912345678");
  assert_normalizes ("0084 912 345 678", "0912345678");
  assert_normalizes ("  0912 345 678 ", "0912345678");
  assert_normalizes ("0312345678", "0312345678");
  assert_normalizes ("0512345678", "0512345678");
  assert_normalizes ("0712345678", "0712345678");
  assert_normalizes ("0812345678", "0812345678");
  assert_normalizes ("0987654321", "0987654321");
}

static void
test_landlines_have_eleven_digits_starting_02 (void)
{
  assert_normalizes ("0203 123 4567", "02031234567");
  assert_normalizes ("024 3825 1234", "02438251234");
  assert_normalizes ("+84 24 3825 1234", "02438251234");
  assert_normalizes ("8424 3825 1234", "02438251234");
}

static void
test_rejects_with_an_example (void)
{
  assert_rejected ("091234567", DH_VALIDATION_ERROR_INVALID, "10 digits");
  assert_rejected ("09123456789", DH_VALIDATION_ERROR_INVALID, "10 digits");
  assert_rejected ("0243825123", DH_VALIDATION_ERROR_INVALID, "11 digits");
  assert_rejected ("0112345678", DH_VALIDATION_ERROR_INVALID, "02");
  assert_rejected ("0412345678", DH_VALIDATION_ERROR_INVALID, "09");
  assert_rejected ("0612345678", DH_VALIDATION_ERROR_INVALID, "03");
  assert_rejected ("912345678", DH_VALIDATION_ERROR_INVALID, "starts with 0");
  assert_rejected ("+1 650 253 0000", DH_VALIDATION_ERROR_INVALID, "+84");
  assert_rejected ("0912 345 67x", DH_VALIDATION_ERROR_INVALID, "digits only");
  assert_rejected ("không có", DH_VALIDATION_ERROR_INVALID, "digits only");
  assert_rejected ("0912+345678", DH_VALIDATION_ERROR_INVALID, "digits only");
  assert_rejected ("", DH_VALIDATION_ERROR_REQUIRED, "no phone");
  assert_rejected (" - ", DH_VALIDATION_ERROR_REQUIRED, "no phone");
  assert_rejected (NULL, DH_VALIDATION_ERROR_REQUIRED, "no phone");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/common/phone/mobile/accepts-every-usual-shape", test_mobiles_in_every_usual_shape);
  g_test_add_func ("/common/phone/landline/eleven-digits-starting-02", test_landlines_have_eleven_digits_starting_02);
  g_test_add_func ("/common/phone/rejects-with-a-valid-example", test_rejects_with_an_example);

  return g_test_run ();
}
