/* dh-sync-client.h – requests to donghanh-server over HTTPS, one connection reused for a sync */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define DH_SYNC_ERROR (dh_sync_error_quark ())

/* What the engine does about each (docs/sync.md, "What the device does on
 * each error"). */
typedef enum
{
  DH_SYNC_ERROR_NETWORK,    /* no connection, a timeout, a transfer cut: retry with backoff */
  DH_SYNC_ERROR_SERVER,     /* 5xx or an answer that makes no sense: retry with backoff */
  DH_SYNC_ERROR_SIGN_IN,    /* 401: keep every pending change, ask the user to sign in again */
  DH_SYNC_ERROR_REFUSED,    /* 400, 403, 404, 413, 415, 429, a redirect: show the message, do not retry */
  DH_SYNC_ERROR_TLS,        /* the certificate, its name or the pin does not match: show, do not retry blindly */
  DH_SYNC_ERROR_CANCELLED,  /* the caller cancelled */
  DH_SYNC_ERROR_NOT_SET_UP, /* no server, or nobody signed in on this device */
} DhSyncError;

/* The largest answer read, and the depth of JSON parsed. */
#define DH_SYNC_MAX_ANSWER_BYTES ((gsize) 64 * 1024 * 1024)
#define DH_SYNC_MAX_JSON_DEPTH   32
/* Request bodies larger than this are sent gzipped. */
#define DH_SYNC_GZIP_THRESHOLD   1024

typedef struct _DhSyncClient DhSyncClient;

GQuark        dh_sync_error_quark               (void);
gboolean      dh_sync_check_server_url          (const char    *url,
                                                 GError       **error);
gboolean      dh_sync_error_is_retryable        (const GError  *error);

DhSyncClient *dh_sync_client_new                (const char    *server_url,
                                                 const char    *ca_file,
                                                 const char    *pin,
                                                 GError       **error);
void          dh_sync_client_free               (DhSyncClient  *self);
void          dh_sync_client_set_token          (DhSyncClient  *self,
                                                 const char    *token);
void          dh_sync_client_set_cancellable    (DhSyncClient  *self,
                                                 GCancellable  *cancellable);
json_object  *dh_sync_client_request            (DhSyncClient  *self,
                                                 const char    *method,
                                                 const char    *path,
                                                 json_object   *body,
                                                 GError       **error);
char         *dh_sync_client_request_text       (DhSyncClient  *self,
                                                 const char    *method,
                                                 const char    *path,
                                                 json_object   *body,
                                                 gsize         *out_length,
                                                 GError       **error);
char         *dh_sync_client_get_answer_header  (DhSyncClient  *self,
                                                 const char    *name,
                                                 gsize          max_length);
void          dh_sync_set_not_json_error        (GError       **error);
json_object  *dh_sync_client_sign_in            (DhSyncClient  *self,
                                                 const char    *username,
                                                 const char    *password,
                                                 const char    *device,
                                                 GError       **error);
guint         dh_sync_client_get_requests       (DhSyncClient  *self);
guint64       dh_sync_client_get_bytes_sent     (DhSyncClient  *self);
guint64       dh_sync_client_get_bytes_received (DhSyncClient  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhSyncClient, dh_sync_client_free)

G_END_DECLS
