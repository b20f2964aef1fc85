/* dh-server-auth.c – passwords hashed with argon2id, tokens random and kept as hashes */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-server-auth"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "dh-server-auth.h"
#include "dh-server-error.h"

#define TOKEN_BYTES 32

gboolean
dh_server_auth_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, DH_SERVER_ERROR, DH_SERVER_ERROR_FAILED,
                           _("libsodium could not start: the system gives no randomness"));
      return FALSE;
    }
  return TRUE;
}

/* argon2id with libsodium's interactive limits (64 MiB, about a tenth of a
 * second): a sign-in is rare, an attacker's guesses are not. */
char *
dh_password_hash (const char  *password,
                  gsize        length,
                  GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (crypto_pwhash_str_alg (hash, password, length,
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, DH_SERVER_ERROR, DH_SERVER_ERROR_FAILED,
                           _("Not enough memory to hash the password (it takes 64 MiB)"));
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
dh_password_verify (const char *hash,
                    const char *password,
                    gsize       length)
{
  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (strnlen (hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, length) == 0;
}

char *
dh_token_new (void)
{
  unsigned char bytes[TOKEN_BYTES];
  char text[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (text);
}

/* A token carries 256 random bits, so one fast hash is enough: nobody can
 * guess a token from its hash, and a stolen table of hashes signs no one in. */
char *
dh_token_hash (const char *token)
{
  unsigned char digest[crypto_generichash_BYTES];
  char hex[crypto_generichash_BYTES * 2 + 1];

  g_return_val_if_fail (token != NULL, NULL);

  crypto_generichash (digest, sizeof digest, (const unsigned char *) token, strlen (token), NULL, 0);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strdup (hex);
}

gboolean
dh_token_is_well_formed (const char *token)
{
  if (token == NULL || strlen (token) != DH_TOKEN_LENGTH)
    return FALSE;
  for (const char *c = token; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return FALSE;
  return TRUE;
}
