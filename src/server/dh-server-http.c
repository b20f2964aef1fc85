/* dh-server-http.c – the protocol over HTTPS: libmicrohttpd with GnuTLS */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-server-http"

#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "dh-autocleanups.h"
#include "dh-server-auth.h"
#include "dh-server-db.h"
#include "dh-server-error.h"
#include "dh-server-http.h"
#include "dh-server-sync.h"
#include "dh-catalogue.h"
#include "dh-entity.h"
#include "dh-gzip.h"
#include "dh-zstd.h"
#include "dh-wire.h"

/* Nothing here is kept between requests but open database connections, so
 * any number of processes can serve one database. */
typedef struct
{
  const char  *conninfo;
  GAsyncQueue *connections;
  char        *dummy_hash;
} DhServer;

typedef struct
{
  GByteArray *body;
  gsize       limit;
  gboolean    too_large;
  gboolean    answered;
} DhRequest;

typedef enum MHD_Result (*DhRouteHandler) (DhServer              *server,
                                          struct MHD_Connection *connection,
                                          const char            *method,
                                          const char            *url,
                                          DhRequest             *request);

static enum MHD_Result sign_in    (DhServer *, struct MHD_Connection *, const char *, const char *, DhRequest *);
static enum MHD_Result me         (DhServer *, struct MHD_Connection *, const char *, const char *, DhRequest *);
static enum MHD_Result push       (DhServer *, struct MHD_Connection *, const char *, const char *, DhRequest *);
static enum MHD_Result pull       (DhServer *, struct MHD_Connection *, const char *, const char *, DhRequest *);
static enum MHD_Result catalogues (DhServer *, struct MHD_Connection *, const char *, const char *, DhRequest *);

/* The protocol's addresses (docs/sync.md), each with the one method it
 * takes. Version 2 writes a field that is its value alone without a list,
 * which a device of version 1 cannot read: the server answers both, and
 * gives a device of version 1 every field in a list (pull). */
static const struct
{
  const char     *path;
  const char     *method;
  DhRouteHandler  handler;
} routes[] = {
  { "/v2/sign-in", MHD_HTTP_METHOD_POST, sign_in },
  { "/v2/me", MHD_HTTP_METHOD_GET, me },
  { "/v2/push", MHD_HTTP_METHOD_POST, push },
  { "/v2/pull", MHD_HTTP_METHOD_GET, pull },
  { "/v2/catalogues", MHD_HTTP_METHOD_GET, catalogues },
  { "/v1/sign-in", MHD_HTTP_METHOD_POST, sign_in },
  { "/v1/me", MHD_HTTP_METHOD_GET, me },
  { "/v1/push", MHD_HTTP_METHOD_POST, push },
  { "/v1/pull", MHD_HTTP_METHOD_GET, pull },
  { "/v1/catalogues", MHD_HTTP_METHOD_GET, catalogues },
};

static const char *
route_name (const char *url)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (strcmp (url, routes[i].path) == 0)
      return routes[i].path;
  return "(unknown path)";
}

typedef enum
{
  CODING_IDENTITY,
  CODING_GZIP,
  CODING_ZSTD,
} Coding;

/* How an answer goes to this client: zstd when it takes zstd at least as
 * gladly as gzip (less work here for as few bytes), else gzip when it
 * takes that, else as it is. A coding with "q=0" (or 0.0, 0.000) is
 * refused; one without a quality is taken with 1. */
static Coding
answer_coding (struct MHD_Connection *connection)
{
  const char *accepted = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_ACCEPT_ENCODING);
  g_auto(GStrv) codings = NULL;
  double gzip = 0, zstd = 0;

  if (accepted == NULL)
    return CODING_IDENTITY;
  codings = g_strsplit (accepted, ",", -1);
  for (guint i = 0; codings[i] != NULL; i++)
    {
      g_autofree char *coding = g_strstrip (g_strdup (codings[i]));
      char *parameters = strchr (coding, ';');
      double quality = 1;

      if (parameters != NULL)
        {
          const char *q = strstr (parameters, "q=");

          if (q != NULL)
            quality = g_ascii_strtod (q + 2, NULL);
          *parameters = '\0';
          g_strstrip (coding);
        }
      if (g_ascii_strcasecmp (coding, "gzip") == 0)
        gzip = quality;
      else if (g_ascii_strcasecmp (coding, "zstd") == 0)
        zstd = quality;
    }
  if (zstd > 0 && zstd >= gzip)
    return CODING_ZSTD;
  return gzip > 0 ? CODING_GZIP : CODING_IDENTITY;
}

/* A log line says what was asked and answered, never by whom. Answers
 * larger than 1 KiB go in zstd or gzip to a client that takes them
 * (answer_coding()). HEADER, when
 * given, goes with VALUE. */
static enum MHD_Result
respond_text (struct MHD_Connection *connection,
              const char            *method,
              const char            *url,
              unsigned int           status,
              const char            *text,
              gsize                  length,
              const char            *header,
              const char            *value)
{
  g_autoptr(GBytes) compressed = NULL;
  struct MHD_Response *response;
  enum MHD_Result queued;
  Coding coding;

  coding = length > 1024 ? answer_coding (connection) : CODING_IDENTITY;
  if (coding != CODING_IDENTITY)
    {
      gsize compressed_length;
      const void *data;

      compressed = coding == CODING_ZSTD ? dh_zstd_compress (text, length) : dh_gzip_compress (text, length);
      data = g_bytes_get_data (compressed, &compressed_length);
      response = MHD_create_response_from_buffer (compressed_length, (void *) data, MHD_RESPMEM_MUST_COPY);
      MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_ENCODING, coding == CODING_ZSTD ? "zstd" : "gzip");
    }
  else
    response = MHD_create_response_from_buffer (length, (void *) text, MHD_RESPMEM_MUST_COPY);

  MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
  MHD_add_response_header (response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  MHD_add_response_header (response, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  if (header != NULL)
    MHD_add_response_header (response, header, value);
  if (status == MHD_HTTP_UNAUTHORIZED)
    MHD_add_response_header (response, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"donghanh\"");
  if (status == MHD_HTTP_TOO_MANY_REQUESTS)
    {
      g_autofree char *seconds = g_strdup_printf ("%d", DH_SIGN_IN_FAILURE_MINUTES * 60);

      MHD_add_response_header (response, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
    }
  queued = MHD_queue_response (connection, status, response);
  MHD_destroy_response (response);
  g_message ("%s %s %u", method, route_name (url), status);
  return queued;
}

static enum MHD_Result
respond_json (struct MHD_Connection *connection,
              const char            *method,
              const char            *url,
              unsigned int           status,
              json_object           *reply)
{
  size_t length;
  const char *text = json_object_to_json_string_length (reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
                                                        &length);

  return respond_text (connection, method, url, status, text, length, NULL, NULL);
}

static enum MHD_Result
respond_error (struct MHD_Connection *connection,
               const char            *method,
               const char            *url,
               unsigned int           status,
               const char            *code,
               const char            *message)
{
  g_autoptr(json_object) reply = json_object_new_object ();

  json_object_object_add (reply, "error", json_object_new_string (code));
  json_object_object_add (reply, "message", json_object_new_string (message));
  return respond_json (connection, method, url, status, reply);
}

static enum MHD_Result
respond_unavailable (struct MHD_Connection *connection,
                     const char            *method,
                     const char            *url,
                     const GError          *error)
{
  /* the reason names tables and states, never a person's data */
  g_warning ("%s %s: %s", method, route_name (url), error->message);
  return respond_error (connection, method, url, MHD_HTTP_SERVICE_UNAVAILABLE, "unavailable",
                        _("The server cannot reach its database: try again in a few minutes"));
}

/* A connection that the database closed while it waited in the pool (a
 * restart, an administrator ending it) has something to read: the reason,
 * then the end of the stream. Reading what is there finds it, without a
 * round trip. */
static gboolean
connection_is_alive (PGconn *conn)
{
  struct pollfd readable = { .fd = PQsocket (conn), .events = POLLIN };

  while (PQstatus (conn) == CONNECTION_OK && poll (&readable, 1, 0) > 0)
    if (!PQconsumeInput (conn))
      return FALSE;
  return PQstatus (conn) == CONNECTION_OK;
}

static PGconn *
take_connection (DhServer  *server,
                 GError   **error)
{
  PGconn *conn;

  while ((conn = g_async_queue_try_pop (server->connections)) != NULL)
    {
      if (connection_is_alive (conn))
        return conn;
      PQfinish (conn);
    }
  return dh_db_connect (server->conninfo, error);
}

static void
give_back_connection (DhServer *server,
                      PGconn   *conn)
{
  if (conn == NULL)
    return;
  if (PQstatus (conn) == CONNECTION_OK && PQtransactionStatus (conn) == PQTRANS_IDLE)
    g_async_queue_push (server->connections, conn);
  else
    PQfinish (conn);
}

static enum MHD_Result
respond_too_large (struct MHD_Connection *connection,
                   const char            *method,
                   const char            *url,
                   DhRequest             *request)
{
  g_autofree char *message = g_strdup_printf (_("The request is larger than this address takes (%zu bytes): send less at a time"),
                                              request->limit);

  request->answered = TRUE;
  return respond_error (connection, method, url, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", message);
}

/* The body as one JSON object, or NULL after answering 400. */
static json_object *
parse_body (struct MHD_Connection *connection,
            const char            *method,
            const char            *url,
            DhRequest             *request)
{
  g_autoptr(json_tokener) tokener = json_tokener_new_ex (DH_SERVER_MAX_JSON_DEPTH);
  g_autoptr(json_object) object = NULL;
  g_autoptr(GBytes) inflated = NULL;
  const char *encoding = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_CONTENT_ENCODING);
  enum json_tokener_error parse_error;
  const guint8 *body = request->body->data;
  gsize length = request->body->len;
  gsize end;

  if (encoding != NULL && g_ascii_strcasecmp (encoding, "gzip") == 0)
    {
      gboolean too_large = FALSE;

      inflated = dh_gzip_inflate (body, length, request->limit, &too_large);
      if (too_large)
        {
          respond_too_large (connection, method, url, request);
          return NULL;
        }
      if (inflated == NULL)
        {
          respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                         _("The request says it is gzipped but is not, or is cut short: send it again"));
          return NULL;
        }
      body = g_bytes_get_data (inflated, &length);
    }
  else if (encoding != NULL && g_ascii_strcasecmp (encoding, "identity") != 0)
    {
      respond_error (connection, method, url, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_encoding",
                     _("The request's body is encoded in a way this server does not read: send it plain or gzipped"));
      return NULL;
    }

  object = json_tokener_parse_ex (tokener, (const char *) body, length);
  parse_error = json_tokener_get_error (tokener);
  end = json_tokener_get_parse_end (tokener);
  while (end < length && g_ascii_isspace (body[end]))
    end++;

  if (parse_error == json_tokener_error_depth)
    {
      g_autofree char *message = g_strdup_printf (_("The request's JSON is nested deeper than %d levels: send a flat object"),
                                                  DH_SERVER_MAX_JSON_DEPTH);
      respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "too_deep", message);
      return NULL;
    }
  if (object == NULL || parse_error != json_tokener_success || end != length)
    {
      respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_json",
                     _("The request's body is not one JSON object: send it as JSON, UTF-8"));
      return NULL;
    }
  if (!json_object_is_type (object, json_type_object))
    {
      respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_json",
                     _("The request's body is JSON but not an object: send {…}"));
      return NULL;
    }
  return g_steal_pointer (&object);
}

static json_object *
string_member (json_object *object,
               const char  *name)
{
  json_object *member = NULL;

  if (!json_object_object_get_ex (object, name, &member) || !json_object_is_type (member, json_type_string))
    return NULL;
  return member;
}

/* POST /v2/sign-in (and /v1/) {"username", "password", "device"} → {"token", "expires_at"}.
 * A wrong password and an unknown user get the same answer after the same
 * work: one argon2id verification. */
static enum MHD_Result
sign_in (DhServer              *server,
         struct MHD_Connection *connection,
         const char            *method,
         const char            *url,
         DhRequest             *request)
{
  g_autoptr(json_object) body = parse_body (connection, method, url, request);
  g_autoptr(GError) error = NULL;
  g_autofree char *password_hash = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  g_autofree char *expires_at = NULL;
  g_autoptr(json_object) reply = NULL;
  json_object *username;
  json_object *password;
  json_object *device;
  const char *name;
  gboolean well_formed;
  gboolean found = FALSE;
  gboolean active = FALSE;
  gboolean verified;
  int failures = 0;
  PGconn *conn;

  if (body == NULL)
    return MHD_YES;

  username = string_member (body, "username");
  password = string_member (body, "password");
  device = string_member (body, "device");
  if (username == NULL || password == NULL || device == NULL)
    return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                          _("A sign-in needs “username”, “password” and “device”, each a string"));
  if (!dh_device_is_valid (json_object_get_string (device)))
    return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                          _("“device” must be 1 to 64 letters, digits, dots, dashes or underscores"));

  conn = take_connection (server, &error);
  if (conn == NULL)
    return respond_unavailable (connection, method, url, error);

  /* a name that cannot be a username is never found, nor counted */
  name = json_object_get_string (username);
  well_formed = dh_username_is_valid (name);
  if (well_formed)
    {
      failures = dh_db_count_failures (conn, name, &error);
      if (failures >= 0 && failures < DH_SIGN_IN_MAX_FAILURES)
        found = dh_db_find_password (conn, name, &password_hash, &active, &error);
    }
  if (error != NULL)
    {
      give_back_connection (server, conn);
      return respond_unavailable (connection, method, url, error);
    }
  if (failures >= DH_SIGN_IN_MAX_FAILURES)
    {
      g_autofree char *message = g_strdup_printf (_("Too many wrong passwords for this account: wait %d minutes and try again, or ask the province's administrator"),
                                                  DH_SIGN_IN_FAILURE_MINUTES);

      give_back_connection (server, conn);
      return respond_error (connection, method, url, MHD_HTTP_TOO_MANY_REQUESTS, "too_many_attempts", message);
    }

  verified = dh_password_verify (found ? password_hash : server->dummy_hash,
                                 json_object_get_string (password),
                                 json_object_get_string_len (password));
  if (!found || !verified)
    {
      if (well_formed && !dh_db_record_failure (conn, name, &error))
        {
          give_back_connection (server, conn);
          return respond_unavailable (connection, method, url, error);
        }
      give_back_connection (server, conn);
      return respond_error (connection, method, url, MHD_HTTP_UNAUTHORIZED, "wrong_credentials",
                            _("The username or the password is wrong: check both and try again"));
    }
  if (!active)
    {
      give_back_connection (server, conn);
      return respond_error (connection, method, url, MHD_HTTP_FORBIDDEN, "account_disabled",
                            _("This account is disabled: ask the province's administrator"));
    }

  token = dh_token_new ();
  token_hash = dh_token_hash (token);
  if (!dh_db_open_session (conn, json_object_get_string (username), json_object_get_string (device),
                           token_hash, &expires_at, &error))
    {
      give_back_connection (server, conn);
      return respond_unavailable (connection, method, url, error);
    }
  give_back_connection (server, conn);

  reply = json_object_new_object ();
  json_object_object_add (reply, "token", json_object_new_string (token));
  json_object_object_add (reply, "expires_at", json_object_new_string (expires_at));
  return respond_json (connection, method, url, MHD_HTTP_OK, reply);
}

/* The session an "Authorization: Bearer TOKEN" header opens, or NULL after
 * answering 401 (or 503). */
static DhSession *
authenticate (DhServer              *server,
              struct MHD_Connection *connection,
              const char            *method,
              const char            *url)
{
  const char *header = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  g_autoptr(GError) error = NULL;
  g_autofree char *token_hash = NULL;
  DhSession *session;
  PGconn *conn;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    {
      respond_error (connection, method, url, MHD_HTTP_UNAUTHORIZED, "sign_in_required",
                     _("Sign in first: send the token of a sign-in as “Authorization: Bearer TOKEN”"));
      return NULL;
    }
  header += 7;
  while (*header == ' ')
    header++;

  if (dh_token_is_well_formed (header))
    {
      token_hash = dh_token_hash (header);
      conn = take_connection (server, &error);
      if (conn == NULL)
        {
          respond_unavailable (connection, method, url, error);
          return NULL;
        }
      session = dh_db_find_session (conn, token_hash, &error);
      give_back_connection (server, conn);
      if (error != NULL)
        {
          respond_unavailable (connection, method, url, error);
          return NULL;
        }
      if (session != NULL)
        return session;
    }

  respond_error (connection, method, url, MHD_HTTP_UNAUTHORIZED, "token_invalid",
                 _("The session has expired or was revoked: sign in again"));
  return NULL;
}

/* GET /v2/me (and /v1/) → who the token speaks for. */
static enum MHD_Result
me (DhServer              *server,
    struct MHD_Connection *connection,
    const char            *method,
    const char            *url,
    DhRequest             *request)
{
  g_autoptr(DhSession) session = authenticate (server, connection, method, url);
  g_autoptr(json_object) reply = NULL;

  if (session == NULL)
    return MHD_YES;
  reply = json_object_new_object ();
  json_object_object_add (reply, "username", json_object_new_string (session->username));
  json_object_object_add (reply, "role", json_object_new_string (session->role));
  json_object_object_add (reply, "commune", session->commune != NULL ? json_object_new_string (session->commune) : NULL);
  json_object_object_add (reply, "commune_id", session->commune_id != NULL ? json_object_new_string (session->commune_id) : NULL);
  json_object_object_add (reply, "device", json_object_new_string (session->device));
  json_object_object_add (reply, "expires_at", json_object_new_string (session->expires_at));
  return respond_json (connection, method, url, MHD_HTTP_OK, reply);
}

/* The server's clock in every answer of the sync: the device compares. */
static gint64
now_ms (void)
{
  return g_get_real_time () / 1000;
}

/* POST /v2/push (and /v1/) {"changes": [...]} → {"results": [...], "now"}. */
static enum MHD_Result
push (DhServer              *server,
      struct MHD_Connection *connection,
      const char            *method,
      const char            *url,
      DhRequest             *request)
{
  g_autoptr(DhSession) session = authenticate (server, connection, method, url);
  g_autoptr(json_object) body = NULL;
  g_autoptr(json_object) reply = NULL;
  g_autoptr(GError) error = NULL;
  json_object *changes = NULL;
  json_object *results;
  DhPushCounts counts;
  gint64 now;
  PGconn *conn;

  if (session == NULL)
    return MHD_YES;
  body = parse_body (connection, method, url, request);
  if (body == NULL)
    return MHD_YES;
  if (!json_object_object_get_ex (body, "changes", &changes) || !json_object_is_type (changes, json_type_array))
    return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                          _("A push needs “changes”, a list of changes"));
  if (json_object_array_length (changes) > DH_PUSH_MAX_CHANGES)
    {
      g_autofree char *message = g_strdup_printf (_("A push takes at most %d changes: send them in smaller batches"),
                                                  DH_PUSH_MAX_CHANGES);

      return respond_error (connection, method, url, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", message);
    }

  conn = take_connection (server, &error);
  if (conn == NULL)
    return respond_unavailable (connection, method, url, error);
  now = now_ms ();
  results = dh_sync_push (conn, session, changes, now, &counts, &error);
  give_back_connection (server, conn);
  if (results == NULL)
    return respond_unavailable (connection, method, url, error);

  g_message ("push: %u applied, %u already, %u conflict, %u rejected",
             counts.applied, counts.already, counts.conflicts, counts.rejected);
  reply = json_object_new_object ();
  json_object_object_add (reply, "results", results);
  json_object_object_add (reply, "now", json_object_new_int64 (now));
  json_object_object_add (reply, "catalogues",
                          json_object_new_string (dh_catalogues_get_version (dh_catalogues_get_default ())));
  return respond_json (connection, method, url, MHD_HTTP_OK, reply);
}

/* A whole number from 0 to MAXIMUM written in decimal, nothing else. */
static gboolean
parse_count (const char *text,
             gint64      maximum,
             gint64     *out_value)
{
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, (guint64) maximum, &value, NULL))
    return FALSE;
  *out_value = (gint64) value;
  return TRUE;
}

/* GET /v2/pull?after=CURSOR&limit=N[&commune=UUID][&count=1] → {"changes", "cursor", "more", "now"[, "total"]}; from
 * /v1/pull, each field of each change in a list. */
static enum MHD_Result
pull (DhServer              *server,
      struct MHD_Connection *connection,
      const char            *method,
      const char            *url,
      DhRequest             *request)
{
  g_autoptr(DhSession) session = authenticate (server, connection, method, url);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) reply = NULL;
  g_autofree char *next = NULL;
  const char *after_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "after");
  const char *limit_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "limit");
  const char *commune = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "commune");
  const char *count_text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "count");
  gint64 after = 0;
  gint64 limit = DH_PULL_LIMIT;
  gint64 total = -1;
  gint64 cursor;
  gboolean more;
  gboolean known = TRUE;
  PGconn *conn;

  if (session == NULL)
    return MHD_YES;
  if (after_text != NULL && *after_text != '\0' && !parse_count (after_text, G_MAXINT64, &after))
    return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                          _("“after” is not a cursor this server gave: start again without it"));
  if (limit_text != NULL && (!parse_count (limit_text, DH_PULL_MAX_LIMIT, &limit) || limit < 1))
    {
      g_autofree char *message = g_strdup_printf (_("“limit” is a number from 1 to %d"), DH_PULL_MAX_LIMIT);

      return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request", message);
    }
  if (commune != NULL && !dh_is_valid_uuid (commune))
    return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                          _("“commune” is the id of a commune, as /v1/me gives it"));
  if (count_text != NULL && g_strcmp0 (count_text, "0") != 0 && g_strcmp0 (count_text, "1") != 0)
    return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                          _("“count” is 1, to be told how many records there are from the cursor on, or 0"));
  if (session->commune_id != NULL)
    {
      if (commune != NULL && g_ascii_strcasecmp (commune, session->commune_id) != 0)
        return respond_error (connection, method, url, MHD_HTTP_FORBIDDEN, "out_of_scope",
                              _("This account sees only its own commune's records"));
      commune = session->commune_id;
    }
  else if (commune == NULL)
    return respond_error (connection, method, url, MHD_HTTP_BAD_REQUEST, "bad_request",
                          _("A province administrator names the commune to pull: add “commune=ID”"));

  conn = take_connection (server, &error);
  if (conn == NULL)
    return respond_unavailable (connection, method, url, error);
  reply = g_string_new ("{\"changes\":[");
  if (!dh_sync_commune_exists (conn, commune, &known, &error) ||
      (known && !dh_sync_pull (conn, commune, after, (guint) limit, g_str_has_prefix (url, "/v1/"), reply, &cursor, &more,
                               g_strcmp0 (count_text, "1") == 0 ? &total : NULL, &error)))
    {
      give_back_connection (server, conn);
      return respond_unavailable (connection, method, url, error);
    }
  give_back_connection (server, conn);
  if (!known)
    return respond_error (connection, method, url, MHD_HTTP_NOT_FOUND, "not_found",
                          _("The server knows no commune with this id"));

  g_string_append_printf (reply, "],\"cursor\":\"%" G_GINT64_FORMAT "\",\"more\":%s,\"now\":%" G_GINT64_FORMAT
                          ",\"catalogues\":\"%s\"",
                          cursor, more ? "true" : "false", now_ms (),
                          dh_catalogues_get_version (dh_catalogues_get_default ()));
  if (total >= 0)
    g_string_append_printf (reply, ",\"total\":%" G_GINT64_FORMAT, total);
  g_string_append_c (reply, '}');
  /* the next page's cursor ahead of the answer: a device asks for that
   * page while it reads this one (docs/sync.md, "Pull") */
  next = more ? g_strdup_printf ("%" G_GINT64_FORMAT, cursor) : NULL;
  return respond_text (connection, method, url, MHD_HTTP_OK, reply->str, reply->len,
                       next != NULL ? DH_WIRE_NEXT_CURSOR_HEADER : NULL, next);
}

/* GET /v2/catalogues (and /v1/) → {"version", "files": {name: document}}: the codes
 * and their names this server checks changes with. With
 * "If-None-Match: VERSION" of the same version, 304 and nothing else. */
static enum MHD_Result
catalogues (DhServer              *server,
            struct MHD_Connection *connection,
            const char            *method,
            const char            *url,
            DhRequest             *request)
{
  g_autoptr(DhSession) session = authenticate (server, connection, method, url);
  DhCatalogues *shipped = dh_catalogues_get_default ();
  g_autofree char *etag = g_strdup_printf ("\"%s\"", dh_catalogues_get_version (shipped));
  const char *wanted = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
  g_autoptr(json_object) reply = NULL;

  if (session == NULL)
    return MHD_YES;
  if (wanted != NULL && strcmp (wanted, etag) == 0)
    {
      struct MHD_Response *response = MHD_create_response_from_buffer (0, (void *) "", MHD_RESPMEM_PERSISTENT);
      enum MHD_Result queued;

      MHD_add_response_header (response, MHD_HTTP_HEADER_ETAG, etag);
      MHD_add_response_header (response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
      queued = MHD_queue_response (connection, MHD_HTTP_NOT_MODIFIED, response);
      MHD_destroy_response (response);
      g_message ("%s %s %u", method, route_name (url), MHD_HTTP_NOT_MODIFIED);
      return queued;
    }
  reply = dh_catalogues_to_json (shipped);
  return respond_json (connection, method, url, MHD_HTTP_OK, reply);
}

static enum MHD_Result
respond_wrong_method (struct MHD_Connection *connection,
                      const char            *method,
                      const char            *url,
                      const char            *allowed)
{
  g_autofree char *message = g_strdup_printf (_("%s takes only %s"), url, allowed);

  return respond_error (connection, method, url, MHD_HTTP_METHOD_NOT_ALLOWED, "wrong_method", message);
}

static enum MHD_Result
dispatch (DhServer              *server,
          struct MHD_Connection *connection,
          const char            *url,
          const char            *method,
          DhRequest             *request)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      if (strcmp (url, routes[i].path) != 0)
        continue;
      if (strcmp (method, routes[i].method) != 0)
        return respond_wrong_method (connection, method, url, routes[i].method);
      return routes[i].handler (server, connection, method, url, request);
    }
  return respond_error (connection, method, url, MHD_HTTP_NOT_FOUND, "not_found",
                        _("There is no such address: the protocol's addresses start with /v1/"));
}

static enum MHD_Result
request_arrived_cb (void                  *data,
                    struct MHD_Connection *connection,
                    const char            *url,
                    const char            *method,
                    const char            *version,
                    const char            *upload_data,
                    size_t                *upload_data_size,
                    void                 **request_data)
{
  DhServer *server = data;
  DhRequest *request = *request_data;

  if (request == NULL)
    {
      const char *length = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                        MHD_HTTP_HEADER_CONTENT_LENGTH);

      request = g_new0 (DhRequest, 1);
      request->body = g_byte_array_new ();
      request->limit = g_str_has_suffix (url, "/sign-in") ? DH_SERVER_MAX_SIGN_IN_BODY : DH_SERVER_MAX_BODY;
      *request_data = request;

      /* refused before a byte of the body is read (the client that sent
       * "Expect: 100-continue" sends none) */
      if (length != NULL && g_ascii_strtoull (length, NULL, 10) > request->limit)
        return respond_too_large (connection, method, url, request);
      return MHD_YES;
    }

  if (request->answered)
    {
      *upload_data_size = 0;
      return MHD_YES;
    }

  if (*upload_data_size > 0)
    {
      /* a chunked body that grows too large is read to its end but not kept */
      if (request->body->len + *upload_data_size > request->limit)
        request->too_large = TRUE;
      else
        g_byte_array_append (request->body, (const guint8 *) upload_data, *upload_data_size);
      *upload_data_size = 0;
      return MHD_YES;
    }

  if (request->too_large)
    return respond_too_large (connection, method, url, request);
  request->answered = TRUE;
  return dispatch (server, connection, url, method, request);
}

static void
request_completed_cb (void                             *data,
                      struct MHD_Connection            *connection,
                      void                            **request_data,
                      enum MHD_RequestTerminationCode   code)
{
  DhRequest *request = *request_data;

  if (request == NULL)
    return;
  g_byte_array_unref (request->body);
  g_free (request);
  *request_data = NULL;
}

static gboolean
is_loopback (const struct sockaddr *address)
{
  if (address->sa_family == AF_INET6)
    return IN6_IS_ADDR_LOOPBACK (&((const struct sockaddr_in6 *) address)->sin6_addr);
  return (ntohl (((const struct sockaddr_in *) address)->sin_addr.s_addr) >> 24) == 127;
}

/* A listening socket on ADDRESS; with loopback_only, only on this machine's
 * own loopback. URL says where it listens, the port it was given included. */
static int
listen_on (const char  *address,
           const char  *scheme,
           gboolean     loopback_only,
           char       **url,
           GError     **error)
{
  g_autofree char *host = NULL;
  const char *port;
  struct addrinfo hints = { 0 };
  struct addrinfo *found = NULL;
  struct sockaddr_storage bound;
  socklen_t bound_length = sizeof bound;
  char bound_host[INET6_ADDRSTRLEN];
  int fd;
  int on = 1;
  int status;

  if (address[0] == '[')
    {
      const char *close = strstr (address, "]:");

      if (close == NULL)
        goto malformed;
      host = g_strndup (address + 1, close - address - 1);
      port = close + 2;
    }
  else
    {
      const char *colon = strrchr (address, ':');

      if (colon == NULL)
        goto malformed;
      host = g_strndup (address, colon - address);
      port = colon + 1;
    }
  if (*port == '\0' || strspn (port, "0123456789") != strlen (port))
    goto malformed;

  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  status = getaddrinfo (host, port, &hints, &found);
  if (status != 0)
    goto malformed;
  if (loopback_only && !is_loopback (found->ai_addr))
    {
      freeaddrinfo (found);
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                   _("Plain HTTP listens only on this machine (127.0.0.1 or [::1]), behind a proxy that speaks HTTPS: give such an address, or --cert and --key instead of --plain"));
      return -1;
    }

  fd = socket (found->ai_family, found->ai_socktype | SOCK_CLOEXEC, found->ai_protocol);
  if (fd >= 0)
    {
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (found->ai_family == AF_INET6)
        setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    }
  if (fd < 0 || bind (fd, found->ai_addr, found->ai_addrlen) != 0 || listen (fd, 128) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      freeaddrinfo (found);
      if (saved == EADDRINUSE)
        g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                     _("Another program listens on %s already: stop it or choose another port"), address);
      else
        g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                     _("Cannot listen on %s (%s): give an address of this machine"), address, g_strerror (saved));
      return -1;
    }
  freeaddrinfo (found);

  getsockname (fd, (struct sockaddr *) &bound, &bound_length);
  if (bound.ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) &bound;

      inet_ntop (AF_INET6, &v6->sin6_addr, bound_host, sizeof bound_host);
      *url = g_strdup_printf ("%s://[%s]:%u/", scheme, bound_host, ntohs (v6->sin6_port));
    }
  else
    {
      const struct sockaddr_in *v4 = (const struct sockaddr_in *) &bound;

      inet_ntop (AF_INET, &v4->sin_addr, bound_host, sizeof bound_host);
      *url = g_strdup_printf ("%s://%s:%u/", scheme, bound_host, ntohs (v4->sin_port));
    }
  return fd;

malformed:
  g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
               _("“%s” is not an address to listen on: write it as 127.0.0.1:8443 or [::1]:8443"), address);
  return -1;
}

/* GnuTLS says what is wrong with a certificate and key far better than the
 * daemon would when it fails to start. */
static gboolean
check_certificate (const char  *cert_file,
                   const char  *key_file,
                   GError     **error)
{
  gnutls_certificate_credentials_t credentials;
  int status;

  if (gnutls_certificate_allocate_credentials (&credentials) < 0)
    {
      g_set_error_literal (error, DH_SERVER_ERROR, DH_SERVER_ERROR_FAILED, _("Out of memory"));
      return FALSE;
    }
  status = gnutls_certificate_set_x509_key_file (credentials, cert_file, key_file, GNUTLS_X509_FMT_PEM);
  gnutls_certificate_free_credentials (credentials);
  if (status < 0)
    {
      g_set_error (error, DH_SERVER_ERROR, DH_SERVER_ERROR_INVALID,
                   _("The certificate %s and key %s cannot be used (%s): give a PEM certificate and its own private key"),
                   cert_file, key_file, gnutls_strerror (status));
      return FALSE;
    }
  return TRUE;
}

static void
close_connection (gpointer data)
{
  PQfinish (data);
}

gboolean
dh_server_serve (const DhServeOptions  *options,
                 GError               **error)
{
  DhServer server = { 0 };
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *url = NULL;
  g_autoptr(PGconn) conn = NULL;
  struct MHD_Daemon *daemon;
  sigset_t signals;
  int fd;
  int signal_number = 0;

  struct MHD_OptionItem items[16];
  guint n_items = 0;

  if (!options->plain &&
      (!check_certificate (options->cert_file, options->key_file, error) ||
       !g_file_get_contents (options->cert_file, &cert, NULL, error) ||
       !g_file_get_contents (options->key_file, &key, NULL, error)))
    return FALSE;

  /* refuse to start on a database that is not ready, rather than fail each request */
  conn = dh_db_connect (options->conninfo, error);
  if (conn == NULL || !dh_db_check_schema (conn, error))
    return FALSE;

  server.conninfo = options->conninfo;
  server.connections = g_async_queue_new_full (close_connection);
  g_async_queue_push (server.connections, g_steal_pointer (&conn));
  {
    /* what an unknown user's password is checked against */
    g_autofree char *random_password = dh_token_new ();

    server.dummy_hash = dh_password_hash (random_password, strlen (random_password), error);
    if (server.dummy_hash == NULL)
      {
        g_async_queue_unref (server.connections);
        return FALSE;
      }
  }

  fd = listen_on (options->listen, options->plain ? "http" : "https", options->plain, &url, error);
  if (fd < 0)
    {
      g_async_queue_unref (server.connections);
      g_free (server.dummy_hash);
      return FALSE;
    }

  /* the daemon's threads inherit the mask, so the signals come to sigwait */
  sigemptyset (&signals);
  sigaddset (&signals, SIGINT);
  sigaddset (&signals, SIGTERM);
  pthread_sigmask (SIG_BLOCK, &signals, NULL);
  signal (SIGPIPE, SIG_IGN);

#define ADD_OPTION(name, number, pointer) \
  items[n_items++] = (struct MHD_OptionItem) { (name), (intptr_t) (number), (pointer) }
  ADD_OPTION (MHD_OPTION_LISTEN_SOCKET, fd, NULL);
  ADD_OPTION (MHD_OPTION_THREAD_POOL_SIZE, MAX (options->threads, 1), NULL);
  ADD_OPTION (MHD_OPTION_CONNECTION_LIMIT, 1000, NULL);
  /* behind a proxy every device comes from the proxy's address */
  ADD_OPTION (MHD_OPTION_PER_IP_CONNECTION_LIMIT, options->plain ? 0 : options->per_address, NULL);
  ADD_OPTION (MHD_OPTION_CONNECTION_MEMORY_LIMIT, 32 * 1024, NULL);
  ADD_OPTION (MHD_OPTION_CONNECTION_TIMEOUT, 120, NULL);
  ADD_OPTION (MHD_OPTION_NOTIFY_COMPLETED, request_completed_cb, &server);
  if (!options->plain)
    {
      ADD_OPTION (MHD_OPTION_HTTPS_MEM_CERT, 0, cert);
      ADD_OPTION (MHD_OPTION_HTTPS_MEM_KEY, 0, key);
      ADD_OPTION (MHD_OPTION_HTTPS_PRIORITIES, 0, (void *) "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2");
    }
  ADD_OPTION (MHD_OPTION_END, 0, NULL);
#undef ADD_OPTION
  g_assert (n_items <= G_N_ELEMENTS (items));

  daemon = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | (options->plain ? 0 : MHD_USE_TLS),
                             0, NULL, NULL,
                             request_arrived_cb, &server,
                             MHD_OPTION_ARRAY, items,
                             MHD_OPTION_END);
  if (daemon == NULL)
    {
      close (fd);
      g_async_queue_unref (server.connections);
      g_free (server.dummy_hash);
      g_set_error_literal (error, DH_SERVER_ERROR, DH_SERVER_ERROR_FAILED,
                           _("The server could not start (libmicrohttpd refused): check that libmicrohttpd was built with TLS"));
      return FALSE;
    }

  g_print (_("Serving on %s\n"), url);
  fflush (stdout);

  sigwait (&signals, &signal_number);
  g_message ("stopping on signal %d", signal_number);
  MHD_stop_daemon (daemon);
  close (fd);
  g_async_queue_unref (server.connections);
  g_free (server.dummy_hash);
  return TRUE;
}
