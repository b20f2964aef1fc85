/* dh-server-error.h – the error domain of the provincial server */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DH_SERVER_ERROR (dh_server_error_quark ())

/* Every message is translated and says what to do next. */
typedef enum
{
  DH_SERVER_ERROR_FAILED,     /* something of the machine's: memory, randomness */
  DH_SERVER_ERROR_DATABASE,   /* PostgreSQL cannot be reached or refused a statement */
  DH_SERVER_ERROR_SCHEMA,     /* the database's schema is not the one this program knows */
  DH_SERVER_ERROR_INVALID,    /* what was given is malformed (a file, a name, a role) */
  DH_SERVER_ERROR_NOT_FOUND,  /* it names something the database does not have */
  DH_SERVER_ERROR_EXISTS,     /* it would make something the database has already */
} DhServerError;

GQuark dh_server_error_quark (void);

G_END_DECLS
