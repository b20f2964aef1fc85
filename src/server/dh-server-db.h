/* dh-server-db.h – the provincial server's PostgreSQL: schema, units, users, devices, tokens */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "dh-autocleanups.h"

G_BEGIN_DECLS

/* How long a token made by a sign-in is good for. */
#define DH_TOKEN_LIFETIME_DAYS 30
/* How many wrong passwords an account is given within how long before its
 * sign-ins are refused until the oldest of them is that old. */
#define DH_SIGN_IN_MAX_FAILURES    10
#define DH_SIGN_IN_FAILURE_MINUTES 15

typedef struct
{
  int applied;   /* migrations run now */
  int version;   /* the schema's version after them */
} DhMigration;

typedef struct
{
  int added;
  int updated;
} DhUnitImport;

/* Who a valid token speaks for. */
typedef struct
{
  char *username;
  char *role;
  char *commune;     /* NULL for a province administrator */
  char *device;
  char *expires_at;  /* ISO 8601, UTC */
  char *commune_id;  /* the commune's UUID, as changes name it; NULL with commune */
} DhSession;

PGconn   *dh_db_connect            (const char    *conninfo,
                                    GError       **error);
int       dh_db_latest_version     (void);
int       dh_db_schema_version     (PGconn        *conn,
                                    GError       **error);
gboolean  dh_db_check_schema       (PGconn        *conn,
                                    GError       **error);
gboolean  dh_db_migrate            (PGconn        *conn,
                                    DhMigration   *migration,
                                    GError       **error);
gboolean  dh_db_import_units       (PGconn        *conn,
                                    json_object   *province,
                                    DhUnitImport  *import,
                                    GError       **error);
gboolean  dh_db_add_user           (PGconn        *conn,
                                    const char    *username,
                                    const char    *role,
                                    const char    *commune,
                                    const char    *full_name,
                                    const char    *password_hash,
                                    GError       **error);
json_object *dh_db_list_devices    (PGconn        *conn,
                                    const char    *username,
                                    GError       **error);
int       dh_db_revoke_device      (PGconn        *conn,
                                    const char    *device,
                                    const char    *username,
                                    int           *n_tokens,
                                    GError       **error);
gboolean  dh_db_find_password     (PGconn        *conn,
                                    const char    *username,
                                    char         **password_hash,
                                    gboolean      *active,
                                    GError       **error);
int       dh_db_count_failures     (PGconn        *conn,
                                    const char    *username,
                                    GError       **error);
gboolean  dh_db_record_failure     (PGconn        *conn,
                                    const char    *username,
                                    GError       **error);
gboolean  dh_db_open_session       (PGconn        *conn,
                                    const char    *username,
                                    const char    *device,
                                    const char    *token_hash,
                                    char         **expires_at,
                                    GError       **error);
DhSession *dh_db_find_session      (PGconn        *conn,
                                    const char    *token_hash,
                                    GError       **error);
void      dh_session_free          (DhSession     *session);

/* A statement that each request runs: a connection prepares it the first
 * time, then runs it by its name, planned once. NAME is unique among them. */
typedef struct
{
  const char *name;
  const char *sql;
} DhDbStatement;

/* The statements every part of the server runs its SQL with. */
PGresult *dh_db_exec               (PGconn             *conn,
                                    const char         *sql,
                                    int                 n_params,
                                    const char * const *params,
                                    GError            **error);
PGresult *dh_db_exec_prepared      (PGconn              *conn,
                                    const DhDbStatement *statement,
                                    int                  n_params,
                                    const char * const  *params,
                                    GError             **error);
gboolean  dh_db_run                (PGconn        *conn,
                                    const char    *sql,
                                    GError       **error);
gboolean  dh_db_abandon            (PGconn        *conn);
gboolean  dh_db_commit_audited     (PGconn        *conn,
                                    const char    *actor,
                                    const char    *device,
                                    const char    *action,
                                    const char    *subject,
                                    GError       **error);

gboolean  dh_username_is_valid     (const char    *username);
gboolean  dh_device_is_valid       (const char    *device);
gboolean  dh_role_is_valid         (const char    *role);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhSession, dh_session_free)

G_END_DECLS
