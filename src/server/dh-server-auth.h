/* dh-server-auth.h – passwords and tokens as the server keeps them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A token is 32 random bytes written in unpadded base64url: 43 characters. */
#define DH_TOKEN_LENGTH 43
/* A token's hash is BLAKE2b-256 written in lowercase hex. */
#define DH_TOKEN_HASH_LENGTH 64

gboolean  dh_server_auth_init       (GError     **error);
char     *dh_password_hash          (const char  *password,
                                     gsize        length,
                                     GError     **error);
gboolean  dh_password_verify        (const char  *hash,
                                     const char  *password,
                                     gsize        length);
char     *dh_token_new              (void);
char     *dh_token_hash             (const char  *token);
gboolean  dh_token_is_well_formed   (const char  *token);

G_END_DECLS
