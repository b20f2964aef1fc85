/* test-auth.c – passwords and tokens as the server keeps them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <glib.h>

#include "dh-server-auth.h"

static void
test_password_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  const char *password = "mật khẩu đúng 2026";
  g_autofree char *hash = dh_password_hash (password, strlen (password), &error);
  g_autofree char *again = dh_password_hash (password, strlen (password), &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, password));
  /* salted: the same password never hashes the same */
  g_assert_cmpstr (hash, !=, again);

  g_assert_true (dh_password_verify (hash, password, strlen (password)));
  g_assert_true (dh_password_verify (again, password, strlen (password)));
  g_assert_false (dh_password_verify (hash, "mật khẩu đúng 2025", strlen ("mật khẩu đúng 2025")));
  /* a prefix of the password is not the password */
  g_assert_false (dh_password_verify (hash, password, strlen (password) - 1));
  g_assert_false (dh_password_verify ("not a hash", password, strlen (password)));
}

static void
test_password_with_nul_byte (void)
{
  g_autoptr(GError) error = NULL;
  const char password[] = "abc\0defghij";
  g_autofree char *hash = dh_password_hash (password, sizeof password - 1, &error);

  g_assert_no_error (error);
  g_assert_true (dh_password_verify (hash, password, sizeof password - 1));
  g_assert_false (dh_password_verify (hash, password, 3));
}

static void
test_token_random_and_well_formed (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 1000; i++)
    {
      char *token = dh_token_new ();

      g_assert_cmpuint (strlen (token), ==, DH_TOKEN_LENGTH);
      g_assert_true (dh_token_is_well_formed (token));
      g_assert_true (g_hash_table_add (seen, token));
    }
  g_assert_false (dh_token_is_well_formed (NULL));
  g_assert_false (dh_token_is_well_formed (""));
  g_assert_false (dh_token_is_well_formed ("abc"));
  g_assert_false (dh_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  g_assert_false (dh_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
}

static void
test_token_hash (void)
{
  g_autofree char *token = dh_token_new ();
  g_autofree char *other = dh_token_new ();
  g_autofree char *hash = dh_token_hash (token);
  g_autofree char *same = dh_token_hash (token);
  g_autofree char *different = dh_token_hash (other);

  g_assert_cmpuint (strlen (hash), ==, DH_TOKEN_HASH_LENGTH);
  for (const char *c = hash; *c != '\0'; c++)
    g_assert_true (g_ascii_isxdigit (*c) && !g_ascii_isupper (*c));
  g_assert_cmpstr (hash, ==, same);
  g_assert_cmpstr (hash, !=, different);
  g_assert_null (strstr (hash, token));
  /* BLAKE2b-256 of "abc", as RFC 7693's reference implementation gives it */
  {
    g_autofree char *known = dh_token_hash ("abc");

    g_assert_cmpstr (known, ==, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (dh_server_auth_init (NULL));

  g_test_add_func ("/server/auth/password-hash-round-trip", test_password_round_trip);
  g_test_add_func ("/server/auth/password-with-nul-byte", test_password_with_nul_byte);
  g_test_add_func ("/server/auth/token-random-and-well-formed", test_token_random_and_well_formed);
  g_test_add_func ("/server/auth/token-hash", test_token_hash);

  return g_test_run ();
}
