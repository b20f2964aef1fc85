/* dh-server-db.c – the provincial server's PostgreSQL: schema, units, users, devices, tokens */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-server-db"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <libpq-events.h>

#include "dh-autocleanups.h"
#include "dh-server-db.h"
#include "dh-server-error.h"
#include "dh-server-sync.h"
#include "dh-uuid.h"

/* Two `migrate` runs at once take turns on this lock (any 64-bit number
 * that nothing else of the database uses: "DHnh" and "mig"). */
#define MIGRATION_LOCK "4919934824346871"

#define ISO_UTC(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* Each migration runs in one transaction with the row that records it. The
 * schema is only ever changed by adding one at the end. */
static const char * const migrations[] = {
  /* 1: places, accounts, devices, tokens and the audit */
  "CREATE TABLE unit ("
  "  code text PRIMARY KEY CHECK (code <> ''),"
  "  id uuid NOT NULL UNIQUE,"
  "  kind text NOT NULL CHECK (kind IN ('province', 'commune', 'village')),"
  "  name text NOT NULL CHECK (name <> ''),"
  "  name_en text,"
  "  parent text REFERENCES unit (code),"
  "  area text CHECK (area IN ('rural', 'urban')),"
  "  valid_from date,"
  "  valid_to date,"
  "  successor text REFERENCES unit (code),"
  "  CHECK ((kind = 'province') = (parent IS NULL))"
  ");"
  "CREATE INDEX unit_parent ON unit (parent);"
  "CREATE TABLE app_user ("
  "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  username text NOT NULL UNIQUE,"
  "  full_name text,"
  "  role text NOT NULL CHECK (role IN ('caseworker', 'commune_official', 'province_admin')),"
  "  commune text REFERENCES unit (code),"
  "  password_hash text NOT NULL,"
  "  active boolean NOT NULL DEFAULT true,"
  "  created_at timestamptz NOT NULL DEFAULT now(),"
  "  CHECK (role = 'province_admin' OR commune IS NOT NULL)"
  ");"
  "CREATE TABLE device ("
  "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  user_id bigint NOT NULL REFERENCES app_user (id),"
  "  device text NOT NULL,"
  "  first_seen timestamptz NOT NULL DEFAULT now(),"
  "  last_seen timestamptz NOT NULL DEFAULT now(),"
  "  revoked_at timestamptz,"
  "  UNIQUE (user_id, device)"
  ");"
  "CREATE INDEX device_device ON device (device);"
  "CREATE TABLE token ("
  "  hash text PRIMARY KEY CHECK (length (hash) = 64),"
  "  device_id bigint NOT NULL REFERENCES device (id),"
  "  created_at timestamptz NOT NULL DEFAULT now(),"
  "  expires_at timestamptz NOT NULL,"
  "  revoked_at timestamptz"
  ");"
  "CREATE INDEX token_device ON token (device_id);"
  "CREATE TABLE audit ("
  "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  at timestamptz NOT NULL DEFAULT now(),"
  "  actor text NOT NULL,"
  "  device text,"
  "  action text NOT NULL,"
  "  subject text"
  ");"
  "CREATE INDEX audit_at ON audit (at);",

  /* 2: wrong passwords, counted per username to slow down guessing */
  "CREATE TABLE sign_in_failure ("
  "  username text NOT NULL,"
  "  at timestamptz NOT NULL DEFAULT now()"
  ");"
  "CREATE INDEX sign_in_failure_username ON sign_in_failure (username, at);"
  "CREATE INDEX sign_in_failure_at ON sign_in_failure (at);",

  /* 3: the records devices push and pull (docs/sync.md, "Push", "Pull"):
   * each record's state for the merge and as the change a pull sends, the
   * number of its latest write, and the lock each commune's writers take
   * turns on */
  "CREATE SEQUENCE record_seq;"
  "CREATE TABLE sync_lock ("
  "  commune uuid PRIMARY KEY"
  ");"
  "CREATE TABLE record ("
  "  id uuid PRIMARY KEY,"
  "  entity text NOT NULL,"
  "  commune uuid,"
  "  seq bigint NOT NULL,"
  "  state text NOT NULL,"
  "  wire text NOT NULL"
  ");"
  "CREATE INDEX record_commune_seq ON record (commune, seq);"
  "CREATE INDEX record_province_seq ON record (seq) WHERE commune IS NULL;"
  "INSERT INTO sync_lock (commune) SELECT id FROM unit WHERE kind = 'commune';",

  /* 4: a record kept once, as the change a pull sends, which holds every
   * write of its state whole: a push reads the state back from it
   * (dh_merge_state_from_wire()). The table holds half as much, and is
   * written again in the order pulls read it. */
  "ALTER TABLE record DROP COLUMN state;"
  "CLUSTER record USING record_commune_seq;"
  "ANALYZE record;",

  /* 5: how many records each commune has, and the province (commune
   * NULL), kept by every statement that adds records, in its own
   * transaction: a first pull's progress reads one row, where counting
   * the commune's records made the first page wait. A record never
   * changes commune (a push's upsert writes its seq and change alone), and
   * none is ever deleted, so inserts are all there is to count. */
  "CREATE TABLE record_count ("
  "  commune uuid UNIQUE NULLS NOT DISTINCT,"
  "  records bigint NOT NULL CHECK (records >= 0)"
  ");"
  "CREATE FUNCTION record_counted () RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  INSERT INTO record_count (commune, records)"
  "  SELECT commune, count (*) FROM counted GROUP BY commune"
  "  ON CONFLICT (commune) DO UPDATE SET records = record_count.records + EXCLUDED.records;"
  "  RETURN NULL;"
  " END $$;"
  /* an upsert's rows that were there already are not in its NEW TABLE */
  "CREATE TRIGGER record_counted AFTER INSERT ON record REFERENCING NEW TABLE AS counted"
  "  FOR EACH STATEMENT EXECUTE FUNCTION record_counted ();"
  "INSERT INTO record_count (commune, records) SELECT commune, count (*) FROM record GROUP BY commune;",
};

static void
ignore_notice (void       *data,
               const char *message)
{
}

/* The first line of libpq's message, without its trailing newline. */
static char *
pq_message (const char *message)
{
  const char *end = message != NULL ? strchr (message, '\n') : NULL;

  if (message == NULL)
    return g_strdup ("");
  return end != NULL ? g_strndup (message, end - message) : g_strdup (message);
}

PGconn *
dh_db_connect (const char  *conninfo,
               GError     **error)
{
  g_autoptr(PGconn) conn = PQconnectdb (conninfo != NULL ? conninfo : "");

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *reason = pq_message (PQerrorMessage (conn));

      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_DATABASE,
                   _("Cannot reach the database (%s): check --database and that PostgreSQL is running"),
                   reason);
      return NULL;
    }
  PQsetNoticeProcessor (conn, ignore_notice, NULL);
  return g_steal_pointer (&conn);
}

/* A result that is not a success becomes a DH_SERVER_ERROR_DATABASE naming
 * the SQLSTATE and the first line of the reason (never its DETAIL, which
 * may quote a row's values). */
static PGresult *
db_check (PGresult  *result,
          GError   **error)
{
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      const char *state = PQresultErrorField (result, PG_DIAG_SQLSTATE);
      g_autofree char *reason = pq_message (PQresultErrorMessage (result));

      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_DATABASE,
                   _("The database refused a statement (%s: %s)"),
                   state != NULL ? state : "?", reason);
      PQclear (result);
      return NULL;
    }
  return result;
}

/* One statement with text parameters. */
PGresult *
dh_db_exec (PGconn             *conn,
         const char         *sql,
         int                 n_params,
         const char * const *params,
         GError            **error)
{
  return db_check (PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0), error);
}

/* The names of the statements a connection prepared: its instance data,
 * emptied when libpq connects it again (PQreset()), as the server then
 * forgets them, and freed with it. */
static int
prepared_event (PGEventId  id,
                void      *info,
                void      *pass_through)
{
  switch (id)
    {
    case PGEVT_REGISTER:
      {
        PGEventRegister *registered = info;

        return PQsetInstanceData (registered->conn, prepared_event, g_hash_table_new (g_str_hash, g_str_equal));
      }
    case PGEVT_CONNRESET:
      {
        PGEventConnReset *reset = info;
        GHashTable *prepared = PQinstanceData (reset->conn, prepared_event);

        if (prepared != NULL)
          g_hash_table_remove_all (prepared);
        return TRUE;
      }
    case PGEVT_CONNDESTROY:
      {
        PGEventConnDestroy *destroyed = info;
        GHashTable *prepared = PQinstanceData (destroyed->conn, prepared_event);

        if (prepared != NULL)
          g_hash_table_unref (prepared);
        return TRUE;
      }
    case PGEVT_RESULTCREATE:
    case PGEVT_RESULTCOPY:
    case PGEVT_RESULTDESTROY:
    default:
      return TRUE;
    }
}

/* dh_db_exec() of STATEMENT, prepared on CONN the first time. A
 * statement prepared inside a transaction outlives it, committed or not. */
PGresult *
dh_db_exec_prepared (PGconn              *conn,
                     const DhDbStatement *statement,
                     int                  n_params,
                     const char * const  *params,
                     GError             **error)
{
  GHashTable *prepared = PQinstanceData (conn, prepared_event);

  if (prepared == NULL && PQregisterEventProc (conn, prepared_event, "dh-prepared", NULL))
    prepared = PQinstanceData (conn, prepared_event);
  /* no room to note it in: planned each time, as any other */
  if (prepared == NULL)
    return dh_db_exec (conn, statement->sql, n_params, params, error);

  if (!g_hash_table_contains (prepared, statement->name))
    {
      PGresult *made = db_check (PQprepare (conn, statement->name, statement->sql, n_params, NULL), error);

      if (made == NULL)
        return NULL;
      PQclear (made);
      g_hash_table_add (prepared, (gpointer) statement->name);
    }
  return db_check (PQexecPrepared (conn, statement->name, n_params, params, NULL, NULL, 0), error);
}

/* SQL without parameters, several statements at once if need be. */
gboolean
dh_db_run (PGconn      *conn,
        const char  *sql,
        GError     **error)
{
  g_autoptr(PGresult) result = db_check (PQexec (conn, sql), error);

  return result != NULL;
}

/* Abandons the transaction under way; returns FALSE for the caller to return. */
gboolean
dh_db_abandon (PGconn *conn)
{
  if (PQtransactionStatus (conn) != PQTRANS_IDLE)
    PQclear (PQexec (conn, "ROLLBACK"));
  return FALSE;
}

/* Every change to the database is audited in its own transaction: who did
 * it (a username, or "console" for this program's commands), from which
 * device, and what. Commits, or abandons it all. */
gboolean
dh_db_commit_audited (PGconn      *conn,
                   const char  *actor,
                   const char  *device,
                   const char  *action,
                   const char  *subject,
                   GError     **error)
{
  const char *params[] = { actor, device, action, subject };
  g_autoptr(PGresult) result = dh_db_exec (conn,
                                        "INSERT INTO audit (actor, device, action, subject) "
                                        "VALUES ($1, $2, $3, $4)",
                                        4, params, error);

  if (result == NULL || !dh_db_run (conn, "COMMIT", error))
    return dh_db_abandon (conn);
  return TRUE;
}

int
dh_db_latest_version (void)
{
  return G_N_ELEMENTS (migrations);
}

int
dh_db_schema_version (PGconn  *conn,
                      GError **error)
{
  g_autoptr(PGresult) exists = dh_db_exec (conn, "SELECT to_regclass ('schema_version') IS NOT NULL", 0, NULL, error);
  g_autoptr(PGresult) result = NULL;

  if (exists == NULL)
    return -1;
  if (strcmp (PQgetvalue (exists, 0, 0), "t") != 0)
    return 0;
  result = dh_db_exec (conn, "SELECT coalesce (max (version), 0) FROM schema_version", 0, NULL, error);
  if (result == NULL)
    return -1;
  return atoi (PQgetvalue (result, 0, 0));
}

gboolean
dh_db_check_schema (PGconn  *conn,
                    GError **error)
{
  int version = dh_db_schema_version (conn, error);

  if (version < 0)
    return FALSE;
  if (version < dh_db_latest_version ())
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_SCHEMA,
                   _("The database's schema is at version %d, this program needs %d: run “donghanh-server migrate” first"),
                   version, dh_db_latest_version ());
      return FALSE;
    }
  if (version > dh_db_latest_version ())
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_SCHEMA,
                   _("The database's schema is at version %d, newer than this program knows (%d): install the newer donghanh-server"),
                   version, dh_db_latest_version ());
      return FALSE;
    }
  return TRUE;
}

/* One migration a transaction, each under the lock so that two runs at once
 * neither apply one twice nor see half of one. */
gboolean
dh_db_migrate (PGconn       *conn,
               DhMigration  *migration,
               GError      **error)
{
  migration->applied = 0;
  migration->version = 0;

  for (;;)
    {
      int version;

      if (!dh_db_run (conn, "BEGIN", error) ||
          !dh_db_run (conn, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK ")", error) ||
          !dh_db_run (conn,
                   "CREATE TABLE IF NOT EXISTS schema_version ("
                   "  version integer PRIMARY KEY,"
                   "  applied_at timestamptz NOT NULL DEFAULT now())",
                   error))
        return dh_db_abandon (conn);

      version = dh_db_schema_version (conn, error);
      if (version < 0)
        return dh_db_abandon (conn);
      migration->version = version;

      if (version > dh_db_latest_version ())
        {
          dh_db_abandon (conn);
          return dh_db_check_schema (conn, error);
        }
      if (version == dh_db_latest_version ())
        return dh_db_run (conn, "COMMIT", error);

      {
        g_autofree char *next = g_strdup_printf ("%d", version + 1);
        const char *params[] = { next };
        g_autoptr(PGresult) recorded = NULL;

        if (!dh_db_run (conn, migrations[version], error))
          return dh_db_abandon (conn);
        recorded = dh_db_exec (conn, "INSERT INTO schema_version (version) VALUES ($1)", 1, params, error);
        if (recorded == NULL ||
            !dh_db_commit_audited (conn, "console", NULL, "migrate", next, error))
          return dh_db_abandon (conn);
      }
      migration->applied++;
      migration->version = version + 1;
    }
}

static const char *
json_string_member (json_object *object,
                    const char  *name)
{
  json_object *member = NULL;

  if (!json_object_object_get_ex (object, name, &member) || !json_object_is_type (member, json_type_string))
    return NULL;
  return json_object_get_string (member);
}

static gboolean
upsert_unit (PGconn        *conn,
             json_object   *unit,
             const char    *kind,
             const char    *parent,
             DhUnitImport  *import,
             GError       **error)
{
  const char *code = json_string_member (unit, "code");
  const char *name = json_string_member (unit, "name");
  g_autofree char *id = dh_uuid_new ();
  const char *params[] = { code, id, kind, name, json_string_member (unit, "name_en"), parent,
                           json_string_member (unit, "area") };
  g_autoptr(PGresult) result = NULL;

  if (code == NULL || *code == '\0' || name == NULL || *name == '\0')
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                   _("A %s under “%s” has no “code” or no “name”: give each place both"),
                   kind, parent != NULL ? parent : "-");
      return FALSE;
    }
  if (params[6] != NULL && strcmp (params[6], "rural") != 0 && strcmp (params[6], "urban") != 0)
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                   _("The place %s has the area “%s”: write “rural” or “urban”"), code, params[6]);
      return FALSE;
    }

  /* a place already there keeps its id: devices know it by that */
  result = dh_db_exec (conn,
                    "INSERT INTO unit (code, id, kind, name, name_en, parent, area) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7) "
                    "ON CONFLICT (code) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, "
                    "  name_en = EXCLUDED.name_en, parent = EXCLUDED.parent, area = EXCLUDED.area "
                    "RETURNING (xmax = 0)",
                    7, params, error);
  if (result == NULL)
    return FALSE;
  if (strcmp (PQgetvalue (result, 0, 0), "t") == 0)
    import->added++;
  else
    import->updated++;
  return TRUE;
}

static gboolean
import_children (PGconn        *conn,
                 json_object   *parent,
                 const char    *list,
                 const char    *kind,
                 DhUnitImport  *import,
                 GError       **error)
{
  json_object *children = NULL;
  const char *parent_code = json_string_member (parent, "code");

  if (!json_object_object_get_ex (parent, list, &children))
    return TRUE;
  if (!json_object_is_type (children, json_type_array))
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                   _("“%s” of %s is not a list: write it as [ {…}, {…} ]"), list, parent_code);
      return FALSE;
    }

  for (size_t i = 0; i < json_object_array_length (children); i++)
    {
      json_object *child = json_object_array_get_idx (children, i);

      if (!json_object_is_type (child, json_type_object))
        {
          g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                       _("Item %zu of “%s” of %s is not a place: write it as {\"code\": …, \"name\": …}"),
                       i + 1, list, parent_code);
          return FALSE;
        }
      if (!upsert_unit (conn, child, kind, parent_code, import, error))
        return FALSE;
      if (g_str_equal (kind, "commune") &&
          !import_children (conn, child, "villages", "village", import, error))
        return FALSE;
    }
  return TRUE;
}

/* The province's places as data/catalogues/demo-province.json writes them:
 * {"format": 1, "province": {code, name, communes: [{code, name, area,
 * villages: [...]}]}}. All of them or none. */
gboolean
dh_db_import_units (PGconn        *conn,
                    json_object   *document,
                    DhUnitImport  *import,
                    GError       **error)
{
  json_object *province = NULL;
  json_object *format = NULL;
  g_autofree char *subject = NULL;

  import->added = 0;
  import->updated = 0;

  if (!json_object_is_type (document, json_type_object) ||
      !json_object_object_get_ex (document, "format", &format) || json_object_get_int (format) != 1 ||
      !json_object_object_get_ex (document, "province", &province) ||
      !json_object_is_type (province, json_type_object))
    {
      g_set_error_literal (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                           _("This is not a list of a province's places: it needs {\"format\": 1, \"province\": {\"code\": …, \"name\": …, \"communes\": […]}}"));
      return FALSE;
    }

  if (!dh_db_run (conn, "BEGIN", error) ||
      !upsert_unit (conn, province, "province", NULL, import, error) ||
      !import_children (conn, province, "communes", "commune", import, error) ||
      !dh_sync_write_units (conn, json_string_member (province, "code"), error))
    return dh_db_abandon (conn);

  subject = g_strdup_printf ("%s: %d new, %d updated", json_string_member (province, "code"),
                             import->added, import->updated);
  return dh_db_commit_audited (conn, "console", NULL, "import-units", subject, error);
}

gboolean
dh_username_is_valid (const char *username)
{
  return username != NULL &&
         g_regex_match_simple ("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", username, 0, 0);
}

gboolean
dh_device_is_valid (const char *device)
{
  return device != NULL &&
         g_regex_match_simple ("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", device, 0, 0);
}

gboolean
dh_role_is_valid (const char *role)
{
  return g_strcmp0 (role, "caseworker") == 0 ||
         g_strcmp0 (role, "commune_official") == 0 ||
         g_strcmp0 (role, "province_admin") == 0;
}

gboolean
dh_db_add_user (PGconn      *conn,
                const char  *username,
                const char  *role,
                const char  *commune,
                const char  *full_name,
                const char  *password_hash,
                GError     **error)
{
  const char *params[] = { username, full_name, role, commune, password_hash };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GError) local_error = NULL;

  if (commune != NULL)
    {
      const char *unit_params[] = { commune };
      g_autoptr(PGresult) unit = dh_db_exec (conn, "SELECT kind FROM unit WHERE code = $1", 1, unit_params, error);

      if (unit == NULL)
        return FALSE;
      if (PQntuples (unit) == 0 || strcmp (PQgetvalue (unit, 0, 0), "commune") != 0)
        {
          g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_NOT_FOUND,
                       _("No commune has the code “%s”: give a commune's code, after importing the province's places with “donghanh-server import-units FILE”"),
                       commune);
          return FALSE;
        }
    }

  if (!dh_db_run (conn, "BEGIN", error))
    return FALSE;
  result = dh_db_exec (conn,
                    "INSERT INTO app_user (username, full_name, role, commune, password_hash) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING id",
                    5, params, error);
  if (result == NULL)
    return dh_db_abandon (conn);
  if (PQntuples (result) == 0)
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_EXISTS,
                   _("A user named “%s” exists already: choose another name"), username);
      return dh_db_abandon (conn);
    }
  return dh_db_commit_audited (conn, "console", NULL, "add-user", username, error);
}

json_object *
dh_db_list_devices (PGconn      *conn,
                    const char  *username,
                    GError     **error)
{
  const char *params[] = { username };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(json_object) list = json_object_new_array ();

  result = dh_db_exec (conn,
                    "SELECT d.device, u.username, " ISO_UTC ("d.first_seen") ", " ISO_UTC ("d.last_seen") ", "
                    "  " ISO_UTC ("d.revoked_at") ", "
                    "  (SELECT count (*) FROM token t "
                    "   WHERE t.device_id = d.id AND t.revoked_at IS NULL AND t.expires_at > now ()) "
                    "FROM device d JOIN app_user u ON u.id = d.user_id "
                    "WHERE $1::text IS NULL OR u.username = $1 "
                    "ORDER BY d.last_seen DESC, d.id",
                    1, params, error);
  if (result == NULL)
    return NULL;

  for (int row = 0; row < PQntuples (result); row++)
    {
      json_object *device = json_object_new_object ();
      const char *names[] = { "device", "username", "first_seen", "last_seen", "revoked_at" };

      for (int column = 0; column < (int) G_N_ELEMENTS (names); column++)
        json_object_object_add (device, names[column],
                                PQgetisnull (result, row, column) ? NULL :
                                json_object_new_string (PQgetvalue (result, row, column)));
      json_object_object_add (device, "valid_tokens",
                              json_object_new_int (atoi (PQgetvalue (result, row, 5))));
      json_object_array_add (list, device);
    }
  return g_steal_pointer (&list);
}

/* Revokes every token of DEVICE (of USERNAME's alone when given): a lost
 * laptop signs no one in until someone signs in on it again with a password.
 * Returns how many accounts had signed in on it, -1 on error. */
int
dh_db_revoke_device (PGconn      *conn,
                     const char  *device,
                     const char  *username,
                     int         *n_tokens,
                     GError     **error)
{
  const char *params[] = { device, username };
  g_autoptr(PGresult) result = NULL;
  int n_devices;

  *n_tokens = 0;
  if (!dh_db_run (conn, "BEGIN", error))
    return -1;
  result = dh_db_exec (conn,
                    "WITH revoked AS ("
                    "  UPDATE device d SET revoked_at = now () FROM app_user u "
                    "  WHERE u.id = d.user_id AND d.device = $1 AND ($2::text IS NULL OR u.username = $2) "
                    "  RETURNING d.id), "
                    "ended AS ("
                    "  UPDATE token t SET revoked_at = now () FROM revoked "
                    "  WHERE t.device_id = revoked.id AND t.revoked_at IS NULL RETURNING 1) "
                    "SELECT (SELECT count (*) FROM revoked), (SELECT count (*) FROM ended)",
                    2, params, error);
  n_devices = result != NULL ? atoi (PQgetvalue (result, 0, 0)) : -1;
  if (n_devices == 0)
    {
      if (username != NULL)
        g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_NOT_FOUND,
                     _("“%s” has never signed in on a device “%s”: see the devices with “donghanh-server list-devices”"),
                     username, device);
      else
        g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_NOT_FOUND,
                     _("No one has signed in on a device “%s”: see the devices with “donghanh-server list-devices”"),
                     device);
    }
  if (n_devices <= 0 ||
      !dh_db_commit_audited (conn, "console", device, "revoke-device", username, error))
    {
      dh_db_abandon (conn);
      return -1;
    }
  *n_tokens = atoi (PQgetvalue (result, 0, 1));
  return n_devices;
}

/* FALSE with no error: there is no such user. */
gboolean
dh_db_find_password (PGconn      *conn,
                     const char  *username,
                     char       **password_hash,
                     gboolean    *active,
                     GError     **error)
{
  const char *params[] = { username };
  g_autoptr(PGresult) result = dh_db_exec (conn, "SELECT password_hash, active FROM app_user WHERE username = $1",
                                        1, params, error);

  if (result == NULL || PQntuples (result) == 0)
    return FALSE;
  *password_hash = g_strdup (PQgetvalue (result, 0, 0));
  *active = strcmp (PQgetvalue (result, 0, 1), "t") == 0;
  return TRUE;
}

#define FAILURE_WINDOW "interval '" G_STRINGIFY (DH_SIGN_IN_FAILURE_MINUTES) " minutes'"

/* How many wrong passwords USERNAME was given within the window, -1 on error. */
int
dh_db_count_failures (PGconn      *conn,
                      const char  *username,
                      GError     **error)
{
  const char *params[] = { username };
  g_autoptr(PGresult) result = dh_db_exec (conn,
                                        "SELECT count (*) FROM sign_in_failure "
                                        "WHERE username = $1 AND at > now () - " FAILURE_WINDOW,
                                        1, params, error);

  return result != NULL ? atoi (PQgetvalue (result, 0, 0)) : -1;
}

/* Counts a wrong password for USERNAME, whether or not such a user exists,
 * so that a name nobody has is slowed down the same as one somebody has;
 * what has left the window is forgotten at the same time. */
gboolean
dh_db_record_failure (PGconn      *conn,
                      const char  *username,
                      GError     **error)
{
  const char *params[] = { username };
  g_autoptr(PGresult) forgotten = dh_db_exec (conn, "DELETE FROM sign_in_failure WHERE at <= now () - " FAILURE_WINDOW,
                                           0, NULL, error);
  g_autoptr(PGresult) recorded = NULL;

  if (forgotten == NULL)
    return FALSE;
  recorded = dh_db_exec (conn, "INSERT INTO sign_in_failure (username) VALUES ($1)", 1, params, error);
  return recorded != NULL;
}

/* Records the device and a token for it, by its hash, in one transaction;
 * the wrong passwords counted before are forgotten. */
gboolean
dh_db_open_session (PGconn      *conn,
                    const char  *username,
                    const char  *device,
                    const char  *token_hash,
                    char       **expires_at,
                    GError     **error)
{
  const char *device_params[] = { username, device };
  g_autoptr(PGresult) device_row = NULL;
  g_autoptr(PGresult) token = NULL;

  if (!dh_db_run (conn, "BEGIN", error))
    return FALSE;
  device_row = dh_db_exec (conn,
                        "INSERT INTO device (user_id, device) "
                        "SELECT id, $2 FROM app_user WHERE username = $1 "
                        "ON CONFLICT (user_id, device) DO UPDATE SET last_seen = now () "
                        "RETURNING id",
                        2, device_params, error);
  if (device_row == NULL)
    return dh_db_abandon (conn);
  if (PQntuples (device_row) == 0)
    {
      g_set_error_literal (error, DH_SERVER_ERROR, DH_SERVER_ERROR_NOT_FOUND,
                           _("The account was removed while signing in: sign in again"));
      return dh_db_abandon (conn);
    }

  {
    const char *token_params[] = { token_hash, PQgetvalue (device_row, 0, 0) };

    token = dh_db_exec (conn,
                     "INSERT INTO token (hash, device_id, expires_at) "
                     "VALUES ($1, $2, now () + interval '" G_STRINGIFY (DH_TOKEN_LIFETIME_DAYS) " days') "
                     "RETURNING " ISO_UTC ("expires_at"),
                     2, token_params, error);
  }
  {
    const char *params[] = { username };
    g_autoptr(PGresult) forgotten = NULL;

    if (token != NULL)
      forgotten = dh_db_exec (conn, "DELETE FROM sign_in_failure WHERE username = $1", 1, params, error);
    if (forgotten == NULL ||
        !dh_db_commit_audited (conn, username, device, "sign-in", NULL, error))
      return dh_db_abandon (conn);
  }
  *expires_at = g_strdup (PQgetvalue (token, 0, 0));
  return TRUE;
}

/* NULL with no error: the token is unknown, expired or revoked, or its
 * account is no longer active. */
DhSession *
dh_db_find_session (PGconn      *conn,
                    const char  *token_hash,
                    GError     **error)
{
  static const DhDbStatement find_session = {
    "dh_find_session",
    "SELECT u.username, u.role, u.commune, d.device, " ISO_UTC ("t.expires_at") ", c.id "
    "FROM token t JOIN device d ON d.id = t.device_id "
    "  JOIN app_user u ON u.id = d.user_id "
    "  LEFT JOIN unit c ON c.code = u.commune "
    "WHERE t.hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now () "
    "  AND u.active",
  };
  const char *params[] = { token_hash };
  /* every request's: planned once a connection */
  g_autoptr(PGresult) result = dh_db_exec_prepared (conn, &find_session, 1, params, error);
  DhSession *session;

  if (result == NULL || PQntuples (result) == 0)
    return NULL;
  session = g_new0 (DhSession, 1);
  session->username = g_strdup (PQgetvalue (result, 0, 0));
  session->role = g_strdup (PQgetvalue (result, 0, 1));
  session->commune = PQgetisnull (result, 0, 2) ? NULL : g_strdup (PQgetvalue (result, 0, 2));
  session->device = g_strdup (PQgetvalue (result, 0, 3));
  session->expires_at = g_strdup (PQgetvalue (result, 0, 4));
  session->commune_id = PQgetisnull (result, 0, 5) ? NULL : g_strdup (PQgetvalue (result, 0, 5));
  return session;
}

void
dh_session_free (DhSession *session)
{
  if (session == NULL)
    return;
  g_free (session->username);
  g_free (session->role);
  g_free (session->commune);
  g_free (session->device);
  g_free (session->expires_at);
  g_free (session->commune_id);
  g_free (session);
}
