/* dh-sync-client.c – requests to donghanh-server over HTTPS, one connection reused for a sync */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-sync"

#include "config.h"

#include <string.h>
#include <curl/curl.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-gzip.h"
#include "dh-zstd.h"
#include "dh-sync-client.h"

/* Made for 2G: a connection may take long to open, and a transfer may
 * crawl; only one that stalls below 64 bytes a second for a minute is
 * given up, never one that is merely slow. */
#define CONNECT_TIMEOUT_S 30L
#define LOW_SPEED_BYTES   64L
#define LOW_SPEED_TIME_S  60L

G_DEFINE_QUARK (dh-sync-error-quark, dh_sync_error)

struct _DhSyncClient
{
  CURL         *curl;
  char         *base_url;     /* without its trailing "/" */
  char         *ca_file;
  char         *pin;
  char         *token;
  gboolean      plain;        /* http:// on the loopback, for a test of `serve --plain` */
  GCancellable *cancellable;
  char          curl_error[CURL_ERROR_SIZE];
  gint          requests;   /* atomic */
  guint64       bytes_sent;
  guint64       bytes_received;
};

typedef struct
{
  GString  *body;
  gboolean  too_large;
} Answer;

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
         g_strcmp0 (host, "[::1]") == 0;
}

/**
 * dh_sync_check_server_url:
 *
 * A server's address is https://; plain http:// is taken only for the
 * loopback (a test of `donghanh-server serve --plain`), never across a
 * network.
 */
gboolean
dh_sync_check_server_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url != NULL)
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0' ||
      g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                   _("“%s” is not a server address; write it as https://NAME/ (for example https://donghanh.example.gov.vn/), as the province gave it"),
                   url != NULL ? url : "");
      return FALSE;
    }

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && is_loopback_host (host))
    return TRUE;

  g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
               _("“%s” does not start with https://; the server is reached over HTTPS only: write https://NAME/, as the province gave it"),
               url);
  return FALSE;
}

/* Whether the engine tries again later, with backoff. */
gboolean
dh_sync_error_is_retryable (const GError *error)
{
  return g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NETWORK) ||
         g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER);
}

static void
global_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&initialised, 1);
    }
}

DhSyncClient *
dh_sync_client_new (const char  *server_url,
                    const char  *ca_file,
                    const char  *pin,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  DhSyncClient *self;

  if (!dh_sync_check_server_url (server_url, error))
    return NULL;

  if (pin != NULL && *pin != '\0' && !g_str_has_prefix (pin, "sha256//"))
    {
      g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                   _("The pin “%s” is not one: write it as sha256//BASE64, as the province gave it"), pin);
      return NULL;
    }

  global_init ();
  uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);

  self = g_new0 (DhSyncClient, 1);
  self->base_url = g_strdup (server_url);
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->ca_file = ca_file != NULL && *ca_file != '\0' ? g_strdup (ca_file) : NULL;
  self->pin = pin != NULL && *pin != '\0' ? g_strdup (pin) : NULL;
  self->plain = g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0;
  self->curl = curl_easy_init ();
  if (self->curl == NULL)
    g_error ("libcurl could not make a handle: out of memory");

  return self;
}

void
dh_sync_client_free (DhSyncClient *self)
{
  if (self == NULL)
    return;

  curl_easy_cleanup (self->curl);
  g_free (self->base_url);
  g_free (self->ca_file);
  g_free (self->pin);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_clear_object (&self->cancellable);
  g_free (self);
}

void
dh_sync_client_set_token (DhSyncClient *self,
                          const char   *token)
{
  g_return_if_fail (self != NULL);

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

void
dh_sync_client_set_cancellable (DhSyncClient *self,
                                GCancellable *cancellable)
{
  g_return_if_fail (self != NULL);

  g_set_object (&self->cancellable, cancellable);
}

guint
dh_sync_client_get_requests (DhSyncClient *self)
{
  /* read by another thread while a pull's reader asks */
  return (guint) g_atomic_int_get (&self->requests);
}

/* The bytes, unlike the requests, are read only by the thread that makes
 * the requests, or once it is done. */
guint64
dh_sync_client_get_bytes_sent (DhSyncClient *self)
{
  return self->bytes_sent;
}

guint64
dh_sync_client_get_bytes_received (DhSyncClient *self)
{
  return self->bytes_received;
}

/* The answer is read up to a bound: a server, or whatever poses as one,
 * cannot make the device hold more than that. */
static size_t
received_cb (char   *data,
             size_t  size,
             size_t  count,
             void   *user_data)
{
  Answer *answer = user_data;
  size_t length = size * count;

  if (answer->body->len + length > DH_SYNC_MAX_ANSWER_BYTES)
    {
      answer->too_large = TRUE;
      return 0;
    }
  g_string_append_len (answer->body, data, length);
  return length;
}

static int
transfer_cb (void       *user_data,
             curl_off_t  download_total,
             curl_off_t  downloaded,
             curl_off_t  upload_total,
             curl_off_t  uploaded)
{
  DhSyncClient *self = user_data;

  return g_cancellable_is_cancelled (self->cancellable) ? 1 : 0;
}

static json_object *
parse_object (const char *text,
              gsize       length)
{
  g_autoptr(json_tokener) tokener = json_tokener_new_ex (DH_SYNC_MAX_JSON_DEPTH);
  g_autoptr(json_object) object = NULL;

  if (length == 0 || length > G_MAXINT)
    return NULL;

  json_tokener_set_flags (tokener, JSON_TOKENER_STRICT);
  object = json_tokener_parse_ex (tokener, text, (int) length);
  if (json_tokener_get_error (tokener) != json_tokener_success ||
      !json_object_is_type (object, json_type_object))
    return NULL;
  /* one object, and nothing after it but white space */
  for (gsize i = json_tokener_get_parse_end (tokener); i < length; i++)
    {
      if (!g_ascii_isspace (text[i]))
        return NULL;
    }

  return g_steal_pointer (&object);
}

static const char *
get_string (json_object *object,
            const char  *key)
{
  json_object *value = NULL;

  if (object == NULL || !json_object_object_get_ex (object, key, &value) ||
      !json_object_is_type (value, json_type_string))
    return NULL;
  return json_object_get_string (value);
}

static void
set_transfer_error (DhSyncClient  *self,
                    CURLcode       code,
                    gboolean       too_large,
                    GError       **error)
{
  const char *detail = self->curl_error[0] != '\0' ? self->curl_error : curl_easy_strerror (code);

  if (code == CURLE_ABORTED_BY_CALLBACK)
    g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED, _("The sync was cancelled; nothing is lost, and the next sync goes on from here"));
  else if (too_large)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                 _("The server's answer is larger than %u MB, far more than any page; check the server address with the province"),
                 (guint) (DH_SYNC_MAX_ANSWER_BYTES / (1024 * 1024)));
  else if (code == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
    g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_TLS,
                         _("The server's key does not match the pin given at sign-in, so nothing was sent: check the address and the pin with the province"));
  else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
           code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_ISSUER_ERROR ||
           code == CURLE_SSL_CRL_BADFILE || code == CURLE_SSL_CIPHER ||
           code == CURLE_SSL_INVALIDCERTSTATUS || code == CURLE_SSL_SHUTDOWN_FAILED)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_TLS,
                 _("The server's certificate cannot be trusted (%s), so nothing was sent: check the server address and, if the province gave one, its certificate file"),
                 detail);
  else if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_TOO_MANY_REDIRECTS ||
           code == CURLE_URL_MALFORMAT)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                 _("The server sent the request to an address that is not HTTPS, and it was not followed (%s): check the server address with the province"),
                 detail);
  else
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NETWORK,
                 _("The server cannot be reached (%s); the changes wait on this device and are sent when the connection returns"),
                 detail);
}

static void
set_status_error (DhSyncClient   *self,
                  long            status,
                  json_object    *answer,
                  GError        **error)
{
  const char *message = get_string (answer, "message");
  const char *code = get_string (answer, "error");
  g_autofree char *said = NULL;

  /* the server's words, in its language, are what a person reads */
  said = message != NULL ? g_strdup (message) : g_strdup_printf ("HTTP %ld", status);

  if (status == 401 && g_strcmp0 (code, "wrong_credentials") == 0)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN,
                 _("The username or the password is wrong (%s): check both and try again"), said);
  else if (status == 401)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN,
                 _("Sign in again: the server did not accept this device’s session (%s). Every pending change stays on this device."),
                 said);
  else if (status >= 300 && status < 400)
    {
      char *location = NULL;

      curl_easy_getinfo (self->curl, CURLINFO_REDIRECT_URL, &location);
      g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                   _("The server sends its devices elsewhere (%s), which is not followed: check the server address with the province"),
                   location != NULL ? location : said);
    }
  else if (status == 403)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                 _("The server refused: %s. Ask the province."), said);
  else if (status == 429)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                 _("Too many tries: %s. Wait a quarter of an hour, or ask the province."), said);
  else if (status == 413)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                 _("The server found the request too large: %s. Report it: this version sends too much at a time."), said);
  else if (status >= 500)
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER,
                 _("The server cannot answer now (%s); the changes wait on this device and it is tried again later"),
                 said);
  else
    g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                 _("The server refused the request (%s%s%s): report it, with this message"),
                 said, code != NULL ? ", " : "", code != NULL ? code : "");
}

static void
set_options (DhSyncClient *self)
{
  CURL *curl = self->curl;

  curl_easy_reset (curl);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, self->curl_error);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "donghanh/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, self->plain ? "http" : "https");
  /* a redirect is never followed: a device speaks to the server it was given */
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  /* verification is always on: there is no option to turn it off */
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (curl, CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  /* the province's authority, when it has its own, is the only one
   * trusted: not also every authority of the system's directory, which
   * GnuTLS reads anew for each connection, file by file (about 600 on
   * Debian: some 180 million instructions a connection, docs/sync.md) */
  if (self->ca_file != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_CAINFO, self->ca_file);
      curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
    }
  if (self->pin != NULL)
    curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, self->pin);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BYTES);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
  curl_easy_setopt (curl, CURLOPT_TCP_KEEPALIVE, 1L);
  /* zstd, or gzip from a server that does not make zstd: read here in one
   * pass (dh_zstd_decompress_text(), dh_gzip_inflate_text()) rather than
   * by curl piece by piece, into room the size of the whole */
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "zstd, gzip");
  curl_easy_setopt (curl, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, transfer_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, self);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, received_cb);
}

/* The value of the last answer's header NAME, or NULL; curl's until the
 * next request. */
static const char *
answer_header (DhSyncClient *self,
               const char   *name)
{
  struct curl_header *header = NULL;

  if (curl_easy_header (self->curl, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK)
    return NULL;
  return header->value;
}

/**
 * dh_sync_client_get_answer_header:
 * @name: the header's name, in any case
 * @max_length: the longest value taken
 *
 * What the last answer's header @name said, read in the thread that made
 * the request, before it makes another.
 *
 * Returns: (transfer full) (nullable): its value; %NULL when the answer
 *   had no such header, or a value longer than @max_length
 */
char *
dh_sync_client_get_answer_header (DhSyncClient *self,
                                  const char   *name,
                                  gsize         max_length)
{
  const char *value;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  value = answer_header (self, name);
  return value != NULL && strlen (value) <= max_length ? g_strdup (value) : NULL;
}

typedef enum
{
  CODING_IDENTITY,
  CODING_GZIP,
  CODING_ZSTD,
  CODING_UNASKED,
} Coding;

/* How the answer came: as it is, or in one of the codings asked for. */
static Coding
read_coding (DhSyncClient *self)
{
  const char *coding = answer_header (self, "Content-Encoding");

  if (coding == NULL || g_ascii_strcasecmp (coding, "identity") == 0)
    return CODING_IDENTITY;
  if (g_ascii_strcasecmp (coding, "zstd") == 0)
    return CODING_ZSTD;
  if (g_ascii_strcasecmp (coding, "gzip") == 0)
    return CODING_GZIP;
  return CODING_UNASKED;
}

/* The request, and its answer's text (with a NUL after it, not counted in
 * OUT_LENGTH) and status; NULL when the transfer failed. */
static char *
perform (DhSyncClient  *self,
         const char    *method,
         const char    *path,
         json_object   *body,
         long          *out_status,
         gsize         *out_length,
         GError       **error)
{
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  g_autoptr(GBytes) gzipped = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  struct curl_slist *headers = NULL;
  Answer state = { received, FALSE };
  const char *text = NULL;
  gsize length = 0;
  CURLcode code;
  long header_bytes = 0;
  long request_bytes = 0;
  curl_off_t downloaded = 0;
  Coding coding;
  char *inflated = NULL;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, NULL))
    {
      set_transfer_error (self, CURLE_ABORTED_BY_CALLBACK, FALSE, error);
      return NULL;
    }

  set_options (self);
  self->curl_error[0] = '\0';
  url = g_strconcat (self->base_url, path, NULL);
  curl_easy_setopt (self->curl, CURLOPT_URL, url);
  curl_easy_setopt (self->curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt (self->curl, CURLOPT_CUSTOMREQUEST, method);

  headers = curl_slist_append (headers, "Accept: application/json");
  /* no "Expect: 100-continue": a round trip lost on a slow link */
  headers = curl_slist_append (headers, "Expect:");
  if (self->token != NULL)
    {
      authorization = g_strdup_printf ("Authorization: Bearer %s", self->token);
      headers = curl_slist_append (headers, authorization);
    }

  if (body != NULL)
    {
      text = json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
      length = strlen (text);
      headers = curl_slist_append (headers, "Content-Type: application/json");
      if (length > DH_SYNC_GZIP_THRESHOLD)
        {
          gzipped = dh_gzip_compress (text, length);
          text = g_bytes_get_data (gzipped, &length);
          headers = curl_slist_append (headers, "Content-Encoding: gzip");
        }
      curl_easy_setopt (self->curl, CURLOPT_POSTFIELDS, text);
      curl_easy_setopt (self->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) length);
    }
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);

  code = curl_easy_perform (self->curl);
  curl_slist_free_all (headers);
  if (authorization != NULL)
    memset (authorization, 0, strlen (authorization));

  g_atomic_int_inc (&self->requests);
  curl_easy_getinfo (self->curl, CURLINFO_REQUEST_SIZE, &request_bytes);
  curl_easy_getinfo (self->curl, CURLINFO_HEADER_SIZE, &header_bytes);
  curl_easy_getinfo (self->curl, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
  self->bytes_sent += (guint64) MAX (request_bytes, 0);
  self->bytes_received += (guint64) MAX (header_bytes, 0) + (guint64) MAX (downloaded, 0);

  if (code != CURLE_OK)
    {
      set_transfer_error (self, code, state.too_large, error);
      return NULL;
    }

  *out_status = 0;
  curl_easy_getinfo (self->curl, CURLINFO_RESPONSE_CODE, out_status);
  coding = read_coding (self);
  if (coding == CODING_IDENTITY)
    {
      /* given back what the string had grown beyond the text */
      *out_length = received->len;
      return g_realloc (g_string_free (g_steal_pointer (&received), FALSE), *out_length + 1);
    }
  if (coding == CODING_ZSTD)
    inflated = dh_zstd_decompress_text (received->str, received->len, DH_SYNC_MAX_ANSWER_BYTES, out_length, &state.too_large);
  else if (coding == CODING_GZIP)
    inflated = dh_gzip_inflate_text (received->str, received->len, DH_SYNC_MAX_ANSWER_BYTES, out_length, &state.too_large);
  if (inflated != NULL)
    return inflated;

  /* an answer that cannot be read: a refusal's status says enough without it */
  if (*out_status != 200)
    {
      *out_length = 0;
      return g_strdup ("");
    }
  if (state.too_large)
    set_transfer_error (self, CURLE_OK, TRUE, error);
  else
    dh_sync_set_not_json_error (error);
  return NULL;
}

/**
 * dh_sync_client_request_text:
 * @path: the address after the server's, such as "/v2/pull?after=12"
 * @body: (nullable): the JSON object sent; gzipped when larger than 1 KiB
 * @out_length: (out): the text's length, without the NUL byte after it
 *
 * Returns: (transfer full): the text of a 200's answer, for the caller to
 *   read; or NULL with an error whose code says what to do.
 */
char *
dh_sync_client_request_text (DhSyncClient  *self,
                             const char    *method,
                             const char    *path,
                             json_object   *body,
                             gsize         *out_length,
                             GError       **error)
{
  g_autofree char *received = NULL;
  long status = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);
  g_return_val_if_fail (out_length != NULL, NULL);

  received = perform (self, method, path, body, &status, out_length, error);
  if (received == NULL)
    return NULL;
  if (status != 200)
    {
      g_autoptr(json_object) answer = parse_object (received, *out_length);

      set_status_error (self, status, answer, error);
      return NULL;
    }

  return g_steal_pointer (&received);
}

/* What a 200's answer is when it is no JSON object. */
void
dh_sync_set_not_json_error (GError **error)
{
  g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER,
                       _("The server's answer is not one JSON object; it is tried again later (if it lasts, check the server address)"));
}

/**
 * dh_sync_client_request:
 * @path: the address after the server's, such as "/v2/pull?after=12"
 * @body: (nullable): the JSON object sent; gzipped when larger than 1 KiB
 *
 * Returns: (transfer full): the answer of a 200, a JSON object; or NULL
 *   with an error whose code says what to do.
 */
json_object *
dh_sync_client_request (DhSyncClient  *self,
                        const char    *method,
                        const char    *path,
                        json_object   *body,
                        GError       **error)
{
  gsize length = 0;
  g_autofree char *received = dh_sync_client_request_text (self, method, path, body, &length, error);
  json_object *answer;

  if (received == NULL)
    return NULL;
  answer = parse_object (received, length);
  if (answer == NULL)
    dh_sync_set_not_json_error (error);

  return answer;
}

/* POST /v2/sign-in: the answer holds the token and when it expires. */
json_object *
dh_sync_client_sign_in (DhSyncClient  *self,
                        const char    *username,
                        const char    *password,
                        const char    *device,
                        GError       **error)
{
  g_autoptr(json_object) body = json_object_new_object ();
  g_autoptr(json_object) answer = NULL;
  const char *token;

  json_object_object_add (body, "username", json_object_new_string (username));
  json_object_object_add (body, "password", json_object_new_string (password));
  json_object_object_add (body, "device", json_object_new_string (device));
  answer = dh_sync_client_request (self, "POST", "/v2/sign-in", body, error);
  if (answer == NULL)
    return NULL;

  token = get_string (answer, "token");
  if (token == NULL || *token == '\0')
    {
      g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER,
                           _("The server's answer to the sign-in has no token; check the server address with the province"));
      return NULL;
    }

  return g_steal_pointer (&answer);
}
