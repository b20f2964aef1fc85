/* dh-sync-settings.h – which server a store syncs with, who is signed in, and where the token is kept */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-store.h"

G_BEGIN_DECLS

/* What a store keeps in its meta table about its server. */
typedef struct
{
  char *server;        /* https://NAME/ */
  char *ca_file;       /* (nullable) the province's CA, when it is not a public one */
  char *pin;           /* (nullable) sha256//BASE64 of the server's public key */
  char *username;      /* who signed in on this device */
  char *commune_id;    /* the UUID of their commune, NULL for a province administrator */
  char *commune_code;  /* and its code, as /v2/me gives it */
} DhSyncSettings;

DhSyncSettings *dh_sync_settings_load   (DhStore               *store);
gboolean        dh_sync_settings_save   (DhStore               *store,
                                         const DhSyncSettings  *settings,
                                         GError               **error);
void            dh_sync_settings_free   (DhSyncSettings        *settings);

/* The session token, outside the store: a copy of the store given to
 * someone carries no session. */
char           *dh_sync_token_path      (const char            *device_id);
gboolean        dh_sync_token_save      (const char            *device_id,
                                         const char            *token,
                                         GError               **error);
char           *dh_sync_token_load      (const char            *device_id,
                                         GError               **error);
gboolean        dh_sync_token_forget    (const char            *device_id,
                                         GError               **error);

json_object    *dh_sync_sign_in         (DhStore               *store,
                                         const char            *server,
                                         const char            *ca_file,
                                         const char            *pin,
                                         const char            *username,
                                         const char            *password,
                                         GCancellable          *cancellable,
                                         GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhSyncSettings, dh_sync_settings_free)

G_END_DECLS
