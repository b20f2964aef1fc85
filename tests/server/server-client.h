/* server-client.h – requests to donghanh-server over TLS, as the tests send them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <string.h>
#include <curl/curl.h>
#include <glib.h>
#include <json-c/json.h>

/* Where the server listens, and the certificate its name is checked against. */
typedef struct
{
  const char *base_url;   /* "https://127.0.0.1:PORT/" */
  const char *cert_file;
} ServerClient;

typedef struct
{
  long         status;
  json_object *reply;
  char        *content_encoding;  /* of the answer, NULL when plain */
  gsize        bytes;             /* of the body as it came over the wire */
} Reply;

/* What else a request carries: its own headers, and a body already encoded. */
typedef struct
{
  const char * const *headers;
  const char         *accept;       /* the codings asked for (Accept-Encoding), which curl reads; NULL: none */
  gboolean            may_fail;     /* a transfer that fails is returned, not fatal */
} RequestOptions;

static inline void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->reply, json_object_put);
  g_clear_pointer (&reply->content_encoding, g_free);
  reply->status = 0;
  reply->bytes = 0;
}

static inline size_t
server_client_received_cb (char   *data,
                           size_t  size,
                           size_t  count,
                           void   *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

static inline size_t
server_client_header_cb (char   *data,
                         size_t  size,
                         size_t  count,
                         void   *user_data)
{
  Reply *reply = user_data;
  gsize length = size * count;

  if (length > 17 && g_ascii_strncasecmp (data, "Content-Encoding:", 17) == 0)
    {
      g_free (reply->content_encoding);
      reply->content_encoding = g_strstrip (g_strndup (data + 17, length - 17));
    }
  return length;
}

/* One request over TLS, the server's certificate checked against the test's
 * CA and its address: what a device's sync does. The answer must be one
 * JSON object; curl reads a gzipped one (or zstd), and BYTES counts it as
 * sent. */
static inline CURLcode
server_request_full (const ServerClient    *client,
                     Reply                 *reply,
                     const char            *method,
                     const char            *path,
                     const char            *token,
                     const void            *body,
                     gssize                 length,
                     const RequestOptions  *options)
{
  CURL *curl = curl_easy_init ();
  g_autoptr(GString) received = g_string_new (NULL);
  g_autofree char *url = g_strconcat (client->base_url, path + 1, NULL);
  g_autofree char *authorization = NULL;
  struct curl_slist *headers = NULL;
  curl_off_t downloaded = 0;
  CURLcode code;

  reply_clear (reply);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, client->cert_file);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  /* a large body waits for the server's "100 Continue" or its refusal,
   * however slow a loaded machine makes it: a refusal before the body
   * (413) is then read, never cut by the body sent over it */
  curl_easy_setopt (curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 120000L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, server_client_received_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, received);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, server_client_header_cb);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, reply);
  if (options != NULL && options->accept != NULL)
    curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, options->accept);
  if (body != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE,
                        (curl_off_t) (length < 0 ? (gssize) strlen (body) : length));
      headers = curl_slist_append (headers, "Content-Type: application/json");
      if (length < 0 ? strlen (body) > 1024 : length > 1024)
        headers = curl_slist_append (headers, "Expect: 100-continue");
    }
  if (token != NULL)
    {
      authorization = g_strdup_printf ("Authorization: Bearer %s", token);
      headers = curl_slist_append (headers, authorization);
    }
  for (guint i = 0; options != NULL && options->headers != NULL && options->headers[i] != NULL; i++)
    headers = curl_slist_append (headers, options->headers[i]);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  code = curl_easy_perform (curl);
  if (code != CURLE_OK && options != NULL && options->may_fail)
    {
      curl_slist_free_all (headers);
      curl_easy_cleanup (curl);
      return code;
    }
  if (code != CURLE_OK)
    g_error ("%s %s: %s", method, path, curl_easy_strerror (code));
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &reply->status);
  curl_easy_getinfo (curl, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
  reply->bytes = (gsize) downloaded;
  /* a 304 has no body: the client keeps what it had */
  reply->reply = reply->status == 304 && received->len == 0 ? json_object_new_object ()
                                                            : json_tokener_parse (received->str);
  if (reply->reply == NULL || !json_object_is_type (reply->reply, json_type_object))
    g_error ("%s %s: the answer is not a JSON object: %.200s", method, path, received->str);

  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return CURLE_OK;
}

static inline void
server_request (const ServerClient *client,
                Reply              *reply,
                const char         *method,
                const char         *path,
                const char         *token,
                const char         *body,
                gssize              length)
{
  server_request_full (client, reply, method, path, token, body, length, NULL);
}

static inline const char *
reply_member (Reply      *reply,
              const char *name)
{
  json_object *value = NULL;

  if (!json_object_object_get_ex (reply->reply, name, &value) || value == NULL)
    return NULL;
  return json_object_get_string (value);
}
