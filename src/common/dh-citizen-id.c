/* dh-citizen-id.c – checks of the 12-digit citizen ID (CCCD) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-citizen-id"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-citizen-id.h"
#include "dh-date.h"
#include "dh-error.h"

#define CITIZEN_ID_LENGTH 12

/**
 * dh_citizen_id_check:
 * @catalogues: (nullable): the catalogues of birth provinces; %NULL for
 *   the shipped ones
 * @today: (nullable): the day the birth year may not be after; %NULL (or
 *   a cleared date) for dh_date_today(). A validator gives its own day,
 *   read once: reading the clock costs a look at the time zone's file.
 * @citizen_id: (nullable): the 12 digits of the chip-based ID card
 * @sex: the member's sex, or %DH_SEX_UNKNOWN
 * @birth_year: the member's year of birth, or 0 when unknown
 * @error: a #DH_VALIDATION_ERROR; %DH_VALIDATION_ERROR_MISMATCH when the ID
 *   disagrees with @sex or @birth_year
 *
 * Checks a citizen ID: exactly 12 digits; digits 1–3 a birth-province
 * code; digit 4 the century and sex (0/1 man/woman born 1900–1999, 2/3
 * 2000–2099, 4/5 2100–2199); digits 5–6 the last two digits of the birth
 * year, which is not in the future.
 *
 * Returns: %TRUE if the ID is well formed and agrees with what is known
 */
gboolean
dh_citizen_id_check (DhCatalogues  *catalogues,
                     const GDate   *today,
                     const char    *citizen_id,
                     DhSex          sex,
                     int            birth_year,
                     GError       **error)
{
  char province[4];
  guint century_digit;
  int id_year;
  DhSex id_sex;
  GDate now;
  gsize length;

  g_return_val_if_fail (catalogues == NULL || DH_IS_CATALOGUES (catalogues), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (catalogues == NULL)
    catalogues = dh_catalogues_get_default ();

  if (citizen_id == NULL || citizen_id[0] == '\0')
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("no citizen ID was given; it is the 12 digits on the chip-based ID card, such as 001085012345"));
      return FALSE;
    }

  length = strlen (citizen_id);
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (citizen_id[i]))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("a citizen ID has digits only, without letters, spaces or dots; write the 12 digits, such as 001085012345"));
          return FALSE;
        }
    }

  if (length != CITIZEN_ID_LENGTH)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "has %u digit but a citizen ID has exactly 12; check it against the ID card",
                                "has %u digits but a citizen ID has exactly 12; check it against the ID card",
                                length),
                   (guint) length);
      return FALSE;
    }

  memcpy (province, citizen_id, 3);
  province[3] = '\0';
  if (!dh_catalogues_has_code (catalogues, "birth_province", province))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("the first three digits, %s, are not the code of a province of birth (such as 001 for Hà Nội); check the ID against the card"),
                   province);
      return FALSE;
    }

  century_digit = (guint) (citizen_id[3] - '0');
  if (century_digit > 5)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("the 4th digit, %u, must be 0 to 5: 0 or 1 for men or women born 1900–1999, 2 or 3 for 2000–2099, 4 or 5 for 2100–2199; check the ID against the card"),
                   century_digit);
      return FALSE;
    }

  id_sex = century_digit % 2 == 0 ? DH_SEX_MALE : DH_SEX_FEMALE;
  id_year = 1900 + (int) (century_digit / 2) * 100 +
            (citizen_id[4] - '0') * 10 + (citizen_id[5] - '0');

  if (today == NULL || !g_date_valid (today))
    {
      dh_date_today (&now);
      today = &now;
    }
  if (id_year > (int) g_date_get_year (today))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("the 4th to 6th digits say the person was born in %d, which is in the future; check the ID against the card"),
                   id_year);
      return FALSE;
    }

  if (sex != DH_SEX_UNKNOWN && sex != id_sex)
    {
      if (id_sex == DH_SEX_FEMALE)
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_MISMATCH,
                     _("the 4th digit, %u, says female but the member is male; correct the ID or the member's sex"),
                     century_digit);
      else
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_MISMATCH,
                     _("the 4th digit, %u, says male but the member is female; correct the ID or the member's sex"),
                     century_digit);
      return FALSE;
    }

  if (birth_year != 0 && birth_year != id_year)
    {
      int id_century = 1900 + (int) (century_digit / 2) * 100;

      if (birth_year < id_century || birth_year > id_century + 99)
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_MISMATCH,
                     _("the 4th digit, %u, says born %d–%d but the member was born in %d; correct the ID or the birth date"),
                     century_digit, id_century, id_century + 99, birth_year);
      else
        g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_MISMATCH,
                     _("the 5th and 6th digits, %c%c, say born in %d but the member was born in %d; correct the ID or the birth date"),
                     citizen_id[4], citizen_id[5], id_year, birth_year);
      return FALSE;
    }

  return TRUE;
}
