/* dh-server-http.h – the protocol over HTTPS: libmicrohttpd with GnuTLS */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest request body the server reads at all, and a sign-in's. */
#define DH_SERVER_MAX_BODY         (4 * 1024 * 1024)
#define DH_SERVER_MAX_SIGN_IN_BODY (16 * 1024)
/* The deepest nesting of JSON the server parses. */
#define DH_SERVER_MAX_JSON_DEPTH   16

typedef struct
{
  const char *listen;     /* HOST:PORT, [V6]:PORT; port 0 picks a free one */
  const char *cert_file;  /* both NULL with plain */
  const char *key_file;
  gboolean    plain;      /* HTTP on a loopback address, behind a proxy that speaks HTTPS */
  const char *conninfo;
  guint       threads;
  guint       per_address;  /* connections from one address at once; not with plain */
} DhServeOptions;

/* Serves until SIGINT or SIGTERM; prints "Serving on https://HOST:PORT/"
 * (http:// with plain) on stdout once it accepts connections. */
gboolean dh_server_serve (const DhServeOptions  *options,
                          GError               **error);

G_END_DECLS
