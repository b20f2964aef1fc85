/* test-client.c – what the sync's HTTP client sends, and what it refuses to read, against listeners in the test */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-autocleanups.h"
#include <glib/gstdio.h>

#include "dh-catalogue.h"
#include "dh-gzip.h"
#include "dh-zstd.h"
#include "dh-sync-client.h"
#include "dh-sync-run.h"
#include "sync-proxy.h"
#include "../test-tree.h"

#define OK_ANSWER "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

static DhSyncClient *
client_for (Proxy *proxy)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", proxy->port);
  DhSyncClient *client = dh_sync_client_new (url, NULL, NULL, &error);

  g_assert_no_error (error);
  return client;
}

static char *
request_head (Proxy *proxy)
{
  const char *end;
  char *head;

  g_mutex_lock (&proxy->lock);
  end = strstr (proxy->request->str, "\r\n\r\n");
  g_assert_nonnull (end);
  head = g_ascii_strdown (proxy->request->str, end + 2 - proxy->request->str);
  g_mutex_unlock (&proxy->lock);
  return head;
}

static json_object *
changes_body (guint count)
{
  json_object *body = json_object_new_object ();
  json_object *changes = json_object_new_array ();

  for (guint i = 0; i < count; i++)
    {
      json_object *change = json_object_new_object ();

      json_object_object_add (change, "e", json_object_new_string ("household"));
      json_object_object_add (change, "r", json_object_new_string ("019ab697-0000-7000-8000-000000000000"));
      json_object_array_add (changes, change);
    }
  json_object_object_add (body, "changes", changes);
  return body;
}

static void
test_request_headers (void)
{
  Proxy *proxy = proxy_start (PROXY_CANNED, "127.0.0.1", 0, OK_ANSWER);
  g_autoptr(DhSyncClient) client = client_for (proxy);
  g_autoptr(json_object) small = changes_body (1);
  g_autoptr(json_object) large = changes_body (100);
  g_autoptr(GError) error = NULL;
  gsize large_length = strlen (json_object_to_json_string_ext (large, JSON_C_TO_STRING_PLAIN));

  dh_sync_client_set_token (client, "pQ3-token");

  /* a small body goes as it is */
  json_object_put (dh_sync_client_request (client, "POST", "/v1/push", small, &error));
  g_assert_no_error (error);
  {
    g_autofree char *head = request_head (proxy);

    g_assert_true (g_str_has_prefix (head, "post /v1/push http/1.1\r\n"));
    g_assert_nonnull (strstr (head, "\r\nauthorization: bearer pq3-token\r\n"));
    g_assert_nonnull (strstr (head, "\r\ncontent-type: application/json\r\n"));
    g_assert_nonnull (strstr (head, "\r\naccept-encoding: "));
    g_assert_nonnull (strstr (strstr (head, "\r\naccept-encoding: "), "gzip"));
    g_assert_nonnull (strstr (strstr (head, "\r\naccept-encoding: "), "zstd"));
    g_assert_null (strstr (head, "content-encoding"));
    /* no round trip lost waiting for a "100 Continue" */
    g_assert_null (strstr (head, "expect:"));
  }

  /* a large one gzipped, and announced so */
  json_object_put (dh_sync_client_request (client, "POST", "/v1/push", large, &error));
  g_assert_no_error (error);
  {
    g_autofree char *head = request_head (proxy);
    gsize sent;

    g_assert_nonnull (strstr (head, "\r\ncontent-encoding: gzip\r\n"));
    g_assert_null (strstr (head, "expect:"));
    g_mutex_lock (&proxy->lock);
    sent = proxy->request->len - strlen (head) - 2;
    /* the gzip magic, and far fewer bytes than the JSON */
    g_assert_cmpint ((guchar) proxy->request->str[strlen (head) + 2], ==, 0x1f);
    g_mutex_unlock (&proxy->lock);
    g_assert_cmpuint (sent, <, large_length / 4);
  }
  g_assert_cmpuint (dh_sync_client_get_requests (client), ==, 2);

  g_clear_pointer (&client, dh_sync_client_free);
  proxy_stop (proxy);
}

typedef struct
{
  const char  *status_line;
  const char  *headers;
  const char  *body;
  DhSyncError  code;
  const char  *in_message;
} StatusCase;

static void
test_status_codes_say_what_to_do (void)
{
  static const StatusCase cases[] = {
    { "401 Unauthorized", "Content-Type: application/json\r\n",
      "{\"error\": \"token_invalid\", \"message\": \"The session has expired: sign in\"}\n",
      DH_SYNC_ERROR_SIGN_IN, "The session has expired" },
    { "401 Unauthorized", "Content-Type: application/json\r\n",
      "{\"error\": \"wrong_credentials\", \"message\": \"Check both\"}",
      DH_SYNC_ERROR_SIGN_IN, "password is wrong (Check both)" },
    { "403 Forbidden", "Content-Type: application/json\r\n",
      "{\"error\": \"out_of_scope\", \"message\": \"Xã này không phải của bạn\"}",
      DH_SYNC_ERROR_REFUSED, "Xã này không phải của bạn" },
    { "503 Service Unavailable", "Content-Type: application/json\r\n",
      "{\"error\": \"unavailable\", \"message\": \"No database just now\"}",
      DH_SYNC_ERROR_SERVER, "No database just now" },
    { "502 Bad Gateway", "Content-Type: text/html\r\n", "<html>nginx</html>", DH_SYNC_ERROR_SERVER, "502" },
    { "413 Payload Too Large", "", "", DH_SYNC_ERROR_REFUSED, "413" },
    { "302 Found", "Location: https://elsewhere.example/\r\n", "", DH_SYNC_ERROR_REFUSED, "https://elsewhere.example/" },
    /* a body that cannot be read: the status says what to do */
    { "401 Unauthorized", "Content-Encoding: br\r\n", "\x8b\x7f{not brotli}", DH_SYNC_ERROR_SIGN_IN, "HTTP 401" },
    { "503 Service Unavailable", "Content-Encoding: gzip\r\n", "{\"error\": \"not gzip\"}", DH_SYNC_ERROR_SERVER, "HTTP 503" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("HTTP/1.1 %s\r\n%sContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s",
                                               cases[i].status_line, cases[i].headers, strlen (cases[i].body),
                                               cases[i].body);
      Proxy *proxy = proxy_start (PROXY_CANNED, "127.0.0.1", 0, text);
      g_autoptr(DhSyncClient) client = client_for (proxy);
      g_autoptr(GError) error = NULL;
      g_autoptr(json_object) answer = dh_sync_client_request (client, "GET", "/v1/pull?limit=500", NULL, &error);

      g_test_message ("%s: %s", cases[i].status_line, error != NULL ? error->message : "no error");
      g_assert_null (answer);
      g_assert_error (error, DH_SYNC_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].in_message));
      g_assert_cmpint (dh_sync_error_is_retryable (error), ==, cases[i].code == DH_SYNC_ERROR_SERVER);
      g_clear_pointer (&client, dh_sync_client_free);
      proxy_stop (proxy);
    }
}

static void
test_answer_read_up_to_a_bound (void)
{
  Proxy *proxy = proxy_start (PROXY_FLOOD, "127.0.0.1", 0, NULL);
  g_autoptr(DhSyncClient) client = client_for (proxy);
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) answer = dh_sync_client_request (client, "GET", "/v1/pull", NULL, &error);

  g_assert_null (answer);
  g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "64 MB"));
  g_assert_cmpuint (dh_sync_client_get_bytes_received (client), >=, DH_SYNC_MAX_ANSWER_BYTES);
  g_clear_pointer (&client, dh_sync_client_free);
  proxy_stop (proxy);
}

static void
test_json_too_deep_or_not_one_object (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  const char *others[] = { "[1, 2]", "{\"a\": 1} {\"b\": 2}", "{\"a\": " };

  for (guint i = 0; i < DH_SYNC_MAX_JSON_DEPTH + 8; i++)
    g_string_append (body, "{\"a\": ");
  g_string_append (body, "1");
  for (guint i = 0; i < DH_SYNC_MAX_JSON_DEPTH + 8; i++)
    g_string_append (body, "}");

  for (guint i = 0; i <= G_N_ELEMENTS (others); i++)
    {
      const char *text = i == 0 ? body->str : others[i - 1];
      g_autofree char *answer = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                 "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s", strlen (text), text);
      Proxy *proxy = proxy_start (PROXY_CANNED, "127.0.0.1", 0, answer);
      g_autoptr(DhSyncClient) client = client_for (proxy);
      g_autoptr(GError) error = NULL;
      g_autoptr(json_object) parsed = dh_sync_client_request (client, "GET", "/v1/pull", NULL, &error);

      g_assert_null (parsed);
      g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER);
      g_clear_pointer (&client, dh_sync_client_free);
      proxy_stop (proxy);
    }
}

/* The gzipped answer a server sends, its head announcing BODY */
static Proxy *
gzip_answer (const char *coding,
             GBytes     *body)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                           "Content-Encoding: %s\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                                           coding, g_bytes_get_size (body));

  return proxy_start_canned_bytes (head, body);
}

/* A pull's answer of 3,000 changes */
static GString *
page_answer (void)
{
  GString *page = g_string_new ("{\"changes\": [");

  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (page, "%s{\"e\": \"member\", \"f\": {\"full_name\": \"Nguyễn Thị %u\"}}", i > 0 ? ", " : "", i);
  g_string_append (page, "], \"more\": false}");
  return page;
}

/* 65 MiB of one letter, one JSON object: past what an answer may be */
static GString *
bomb_answer (void)
{
  GString *text = g_string_new ("{\"a\": \"");

  g_string_set_size (text, DH_SYNC_MAX_ANSWER_BYTES + 1024 * 1024);
  memset (text->str + 7, 'a', text->len - 9);
  memcpy (text->str + text->len - 2, "\"}", 2);
  return text;
}

/* BODY, sent in CODING, is read as page_answer() of PAGE_LENGTH bytes,
 * and what came is what travelled: the compressed bytes, not the text */
static void
assert_page_read (const char *coding,
                  GBytes     *body,
                  gsize       page_length)
{
  Proxy *proxy = gzip_answer (coding, body);
  g_autoptr(DhSyncClient) client = client_for (proxy);
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) answer = dh_sync_client_request (client, "GET", "/v2/pull", NULL, &error);
  json_object *changes = NULL;

  g_assert_no_error (error);
  g_assert_true (json_object_object_get_ex (answer, "changes", &changes));
  g_assert_cmpuint (json_object_array_length (changes), ==, 3000);
  g_assert_cmpstr (json_object_to_json_string_ext (json_object_array_get_idx (changes, 2999), JSON_C_TO_STRING_PLAIN),
                   ==, "{\"e\":\"member\",\"f\":{\"full_name\":\"Nguyễn Thị 2999\"}}");
  g_assert_cmpuint (dh_sync_client_get_bytes_received (client), <, page_length / 4);
  g_clear_pointer (&client, dh_sync_client_free);
  proxy_stop (proxy);
}

/* BODY, sent in CODING, is refused with the sync error CODE and a
 * message that says WHAT */
static void
assert_answer_refused (const char *coding,
                       GBytes     *body,
                       int         code,
                       const char *what)
{
  Proxy *proxy = gzip_answer (coding, body);
  g_autoptr(DhSyncClient) client = client_for (proxy);
  g_autoptr(GError) error = NULL;

  g_assert_null (dh_sync_client_request (client, "GET", "/v2/pull", NULL, &error));
  g_assert_error (error, DH_SYNC_ERROR, code);
  g_assert_nonnull (strstr (error->message, what));
  g_clear_pointer (&client, dh_sync_client_free);
  proxy_stop (proxy);
}

/* A gzipped answer is inflated whole; one that would inflate past the
 * bound stops there, whatever its trailer says, and a coding that was
 * not asked for is no JSON */
static void
test_gzipped_answers (void)
{
  g_autoptr(GString) page = page_answer ();
  g_autoptr(GString) bomb_text = bomb_answer ();
  g_autoptr(GBytes) gzipped = dh_gzip_compress (page->str, page->len);
  g_autoptr(GBytes) plain = g_bytes_new_static (page->str, page->len);
  g_autoptr(GBytes) bomb = dh_gzip_compress (bomb_text->str, bomb_text->len);

  assert_page_read ("gzip", gzipped, page->len);

  /* the bomb, a few tens of kilobytes of gzip, said to be 1 KiB or its length */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GByteArray) told = g_byte_array_new ();
      guint32 length = GUINT32_TO_LE (i == 0 ? (guint32) bomb_text->len : 1024);
      g_autoptr(GBytes) body = NULL;

      g_byte_array_append (told, g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb));
      memcpy (told->data + told->len - sizeof length, &length, sizeof length);
      body = g_byte_array_free_to_bytes (g_steal_pointer (&told));
      assert_answer_refused ("gzip", body, DH_SYNC_ERROR_REFUSED, "64 MB");
    }

  /* gzip announced as something else, and a coding not asked for */
  assert_answer_refused ("br", gzipped, DH_SYNC_ERROR_SERVER, "not one JSON object");
  assert_answer_refused ("gzip", plain, DH_SYNC_ERROR_SERVER, "not one JSON object");
}

/* A zstd answer is read whole; one whose frame says it makes more than
 * the bound is not read, and one that is not zstd though it says so is
 * no JSON */
static void
test_zstd_answers (void)
{
  g_autoptr(GString) page = page_answer ();
  g_autoptr(GString) bomb_text = bomb_answer ();
  g_autoptr(GBytes) frame = dh_zstd_compress (page->str, page->len);
  g_autoptr(GBytes) gzipped = dh_gzip_compress (page->str, page->len);
  g_autoptr(GBytes) plain = g_bytes_new_static (page->str, page->len);
  g_autoptr(GBytes) bomb = dh_zstd_compress (bomb_text->str, bomb_text->len);

  assert_page_read ("zstd", frame, page->len);
  /* the bomb in a few kilobytes, which its frame says */
  assert_answer_refused ("zstd", bomb, DH_SYNC_ERROR_REFUSED, "64 MB");
  /* gzip or plain text announced as zstd, and zstd announced as gzip */
  assert_answer_refused ("zstd", gzipped, DH_SYNC_ERROR_SERVER, "not one JSON object");
  assert_answer_refused ("zstd", plain, DH_SYNC_ERROR_SERVER, "not one JSON object");
  assert_answer_refused ("gzip", frame, DH_SYNC_ERROR_SERVER, "not one JSON object");
}

static void
test_cancelled_before_a_request (void)
{
  Proxy *proxy = proxy_start (PROXY_CANNED, "127.0.0.1", 0, OK_ANSWER);
  g_autoptr(DhSyncClient) client = client_for (proxy);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  dh_sync_client_set_cancellable (client, cancellable);
  g_cancellable_cancel (cancellable);
  g_assert_null (dh_sync_client_request (client, "GET", "/v1/pull", NULL, &error));
  g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED);
  g_assert_cmpint (g_atomic_int_get (&proxy->connections), ==, 0);
  g_clear_pointer (&client, dh_sync_client_free);
  proxy_stop (proxy);
}

typedef struct
{
  DhSyncClient *client;
  GError       *error;
  json_object  *answer;
} Waiting;

static gpointer
request_thread (gpointer data)
{
  Waiting *waiting = data;

  waiting->answer = dh_sync_client_request (waiting->client, "GET", "/v1/pull", NULL, &waiting->error);
  return NULL;
}

/* A server that never answers: cancelling ends the transfer under way. */
static void
test_cancelled_during_a_request (void)
{
  Proxy *proxy = proxy_start (PROXY_COUNT, "127.0.0.1", 0, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Waiting waiting = { client_for (proxy), NULL, NULL };
  GThread *thread;

  dh_sync_client_set_cancellable (waiting.client, cancellable);
  thread = g_thread_new ("request", request_thread, &waiting);
  /* the request is sent and waits for an answer that does not come */
  while (g_atomic_int_get (&proxy->bytes_in) == 0)
    g_usleep (1000);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);

  g_assert_null (waiting.answer);
  g_assert_error (waiting.error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED);
  g_clear_error (&waiting.error);
  dh_sync_client_free (waiting.client);
  proxy_stop (proxy);
}

/* Every answer names the catalogues the server checks with; a sync that
 * meets other ones than this build's says so. */
static void
test_catalogues_compared (void)
{
  const char *versions[] = { "0000000000000000000000000000000000000000000000000000000000000000",
                             dh_catalogues_get_version (dh_catalogues_get_default ()) };

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"changes\": [], \"cursor\": \"0\", \"more\": false, "
                                               "\"now\": %" G_GINT64_FORMAT ", \"catalogues\": \"%s\"}",
                                               g_get_real_time () / 1000, versions[i]);
      g_autofree char *answer = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                                 "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s", strlen (body), body);
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = g_dir_make_tmp ("dh-sync-catalogues-XXXXXX", &error);
      g_autofree char *path = g_build_filename (dir, "device.db", NULL);
      g_autoptr(DhStore) store = dh_store_open_full (path, DH_STORE_OPEN_CREATE, &error);
      Proxy *proxy = proxy_start (PROXY_CANNED, "127.0.0.1", 0, answer);
      g_autoptr(DhSyncClient) client = client_for (proxy);
      g_auto(DhSyncReport) report = { 0 };

      g_assert_no_error (error);
      dh_sync_client_set_token (client, "pQ3-token");
      g_assert_true (dh_sync_run (store, client, &report, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (report.catalogues_differ, ==, i == 0);
      g_clear_pointer (&client, dh_sync_client_free);
      g_clear_object (&store);
      proxy_stop (proxy);
      test_remove_tree (dir);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/client/request-headers", test_request_headers);
  g_test_add_func ("/sync/client/status-codes-say-what-to-do", test_status_codes_say_what_to_do);
  g_test_add_func ("/sync/client/answer-read-up-to-a-bound", test_answer_read_up_to_a_bound);
  g_test_add_func ("/sync/client/json-too-deep-or-not-one-object", test_json_too_deep_or_not_one_object);
  g_test_add_func ("/sync/client/gzipped-answers", test_gzipped_answers);
  g_test_add_func ("/sync/client/zstd-answers", test_zstd_answers);
  g_test_add_func ("/sync/client/cancelled-before-a-request", test_cancelled_before_a_request);
  g_test_add_func ("/sync/client/cancelled-during-a-request", test_cancelled_during_a_request);
  g_test_add_func ("/sync/client/catalogues-compared", test_catalogues_compared);

  return g_test_run ();
}
