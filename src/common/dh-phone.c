/* dh-phone.c – Vietnamese telephone numbers */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-phone"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-phone.h"

#define EXAMPLE_HINT N_("write a mobile such as 0912 345 678 or +84 912 345 678, or a landline such as 0203 123 4567")

static gboolean
is_mobile (const char *digits)
{
  return strlen (digits) == 10 && digits[0] == '0' && strchr ("35789", digits[1]) != NULL;
}

static gboolean
is_landline (const char *digits)
{
  return strlen (digits) == 11 && digits[0] == '0' && digits[1] == '2';
}

/**
 * dh_phone_normalize:
 * @text: (nullable): a number as written: spaces, dots, dashes, brackets
 *   and a +84, 84 or 0084 prefix are allowed
 * @error: a #DH_VALIDATION_ERROR whose message shows a valid example
 *
 * Reads a Vietnamese telephone number: a mobile has 10 digits starting
 * 03, 05, 07, 08 or 09; a landline has 11 digits starting 02.
 *
 * Returns: (transfer full) (nullable): the digits, "0912345678", or %NULL
 */
char *
dh_phone_normalize (const char  *text,
                    GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  gboolean plus = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("no phone number was given; %s"), _(EXAMPLE_HINT));
      return NULL;
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 && g_ascii_isdigit ((char) c))
        g_string_append_c (digits, (char) c);
      else if (g_unichar_isspace (c) || c == '.' || c == '-' || c == '(' || c == ')')
        continue;
      else if (c == '+' && digits->len == 0 && !plus)
        plus = TRUE;
      else
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("a phone number has digits only; %s"), _(EXAMPLE_HINT));
          return NULL;
        }
    }

  if (digits->len == 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("no phone number was given; %s"), _(EXAMPLE_HINT));
      return NULL;
    }

  /* +84 912…, 84 912…, 0084 912… and the common +84 (0) 912… all mean 0912…. */
  if ((plus && g_str_has_prefix (digits->str, "84")) ||
      (!plus && g_str_has_prefix (digits->str, "84") && digits->len >= 11) ||
      (!plus && g_str_has_prefix (digits->str, "0084")))
    {
      g_string_erase (digits, 0, g_str_has_prefix (digits->str, "0084") ? 4 : 2);
      if (digits->str[0] != '0')
        g_string_prepend_c (digits, '0');
    }
  else if (plus)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("only Vietnamese numbers (+84) are accepted; %s"), _(EXAMPLE_HINT));
      return NULL;
    }

  if (is_mobile (digits->str) || is_landline (digits->str))
    return g_string_free (g_steal_pointer (&digits), FALSE);

  if (digits->str[0] != '0')
    g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                 _("a number starts with 0 or +84; %s"), _(EXAMPLE_HINT));
  else if (digits->str[1] == '2')
    g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                 _("a landline has 11 digits, this has %u; %s"), (guint) digits->len, _(EXAMPLE_HINT));
  else if (digits->len > 1 && strchr ("35789", digits->str[1]) != NULL)
    g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                 _("a mobile number has 10 digits, this has %u; %s"), (guint) digits->len, _(EXAMPLE_HINT));
  else
    g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                 _("this is not a Vietnamese mobile (03, 05, 07, 08, 09) or landline (02) number; %s"),
                 _(EXAMPLE_HINT));

  return NULL;
}
