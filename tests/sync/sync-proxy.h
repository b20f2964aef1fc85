/* sync-proxy.h – a TCP forwarder that cuts a transfer after N bytes, and listeners that answer a redirect or count connections */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <glib.h>

typedef enum
{
  PROXY_FORWARD,   /* to upstream, cut after cut_after bytes of a connection (both ways) */
  PROXY_REDIRECT,  /* answers every request with 302 to redirect_to */
  PROXY_COUNT,     /* accepts, counts, reads what comes, closes */
  PROXY_CANNED,    /* reads a request whole, keeps it, answers with answer */
  PROXY_FLOOD,     /* reads a request's head, then answers 200 with a body that never ends */
  PROXY_REWRITE,   /* to upstream, plain HTTP: each answer's head as rewrite_head() makes it */
} ProxyMode;

/* Changes the head of an answer (its status line and headers, the blank
 * line after them included); its body must keep its length. */
typedef void (*ProxyRewriteFunc) (GString *head);

typedef struct
{
  ProxyMode  mode;
  int        listen_fd;
  guint16    port;
  guint16    upstream_port;      /* on 127.0.0.1 */
  char      *redirect_to;
  char      *answer;             /* PROXY_CANNED, answer_length bytes */
  gsize      answer_length;
  GString   *request;            /* the last request read whole, under lock */
  gint       cut_after;          /* atomic; < 0: never */
  gint       connections;        /* atomic */
  gint       bytes_in;           /* atomic: bytes read from clients */
  gint       stop;               /* atomic */
  /* PROXY_FORWARD as a slow link: each way at most this many bytes a
   * second (0: as fast as the loopback), and a message that starts after a
   * pause waits this long first, its share of a round trip */
  guint      bytes_per_second;
  guint      one_way_delay_ms;
  ProxyRewriteFunc rewrite_head; /* PROXY_REWRITE */
  GThread   *thread;
  GMutex     lock;
  GPtrArray *workers;            /* GThread *, joined at the end */
} Proxy;

typedef struct
{
  Proxy *proxy;
  int    client;
} ProxyConnection;

static inline gboolean
proxy_write_all (int          fd,
                 const char  *data,
                 gsize        length)
{
  while (length > 0)
    {
      ssize_t n = send (fd, data, length, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

static inline int
proxy_connect_upstream (guint16 port)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  inet_pton (AF_INET, "127.0.0.1", &address.sin_addr);
  if (fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* The answers of UPSTREAM to CLIENT, one after the other, each head
 * rewritten, each body (as long as its Content-Length says) as it is; the
 * requests go the other way as they are. */
static inline void
proxy_rewrite_answers (Proxy *proxy,
                       int    client,
                       int    upstream)
{
  g_autoptr(GString) in = g_string_new (NULL);   /* what came from upstream, not yet passed on */
  guint64 body_left = 0;
  char buffer[16384];

  while (!g_atomic_int_get (&proxy->stop))
    {
      struct pollfd fds[2] = { { client, POLLIN, 0 }, { upstream, POLLIN, 0 } };
      ssize_t n;

      if (poll (fds, 2, 100) < 0 && errno != EINTR)
        return;
      if (fds[0].revents != 0)
        {
          n = recv (client, buffer, sizeof buffer, 0);
          if (n <= 0 || !proxy_write_all (upstream, buffer, (gsize) n))
            return;
        }
      if (fds[1].revents == 0)
        continue;
      n = recv (upstream, buffer, sizeof buffer, 0);
      if (n <= 0)
        return;
      g_string_append_len (in, buffer, n);
      for (;;)
        {
          const char *end;
          gsize head_length;
          g_autofree char *lower = NULL;
          g_autoptr(GString) head = NULL;
          const char *length;

          if (body_left > 0)
            {
              gsize part = (gsize) MIN ((guint64) in->len, body_left);

              if (part == 0)
                break;
              if (!proxy_write_all (client, in->str, part))
                return;
              body_left -= part;
              g_string_erase (in, 0, (gssize) part);
              continue;
            }
          /* a head comes first, before any byte of its body */
          end = strstr (in->str, "\r\n\r\n");
          if (end == NULL)
            break;
          head_length = (gsize) (end + 4 - in->str);
          head = g_string_new_len (in->str, (gssize) head_length);
          g_string_erase (in, 0, (gssize) head_length);
          lower = g_ascii_strdown (head->str, (gssize) head->len);
          length = strstr (lower, "\r\ncontent-length:");
          body_left = length != NULL ? g_ascii_strtoull (length + 17, NULL, 10) : 0;
          proxy->rewrite_head (head);
          if (!proxy_write_all (client, head->str, head->len))
            return;
        }
    }
}

static inline gpointer
proxy_connection_thread (gpointer data)
{
  ProxyConnection *connection = data;
  Proxy *proxy = connection->proxy;
  int client = connection->client;
  int upstream = -1;
  gint64 forwarded = 0;
  gint cut_after = g_atomic_int_get (&proxy->cut_after);
  gint64 last_sent[2] = { 0, 0 };
  char buffer[16384];

  g_free (connection);

  if (proxy->mode == PROXY_REDIRECT)
    {
      /* the request's head, then the answer: the body is never read */
      g_autoptr(GString) head = g_string_new (NULL);
      g_autofree char *answer = g_strdup_printf ("HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
                                                 "Connection: close\r\n\r\n", proxy->redirect_to);

      while (strstr (head->str, "\r\n\r\n") == NULL && head->len < 65536)
        {
          ssize_t n = recv (client, buffer, sizeof buffer, 0);

          if (n <= 0)
            break;
          g_atomic_int_add (&proxy->bytes_in, (gint) n);
          g_string_append_len (head, buffer, n);
        }
      proxy_write_all (client, answer, strlen (answer));
      close (client);
      return NULL;
    }

  if (proxy->mode == PROXY_CANNED || proxy->mode == PROXY_FLOOD)
    {
      g_autoptr(GString) request = g_string_new (NULL);
      const char *end = NULL;
      gsize wanted = G_MAXSIZE;

      /* the head, then as many bytes of body as it announces */
      while (request->len < wanted)
        {
          ssize_t n = recv (client, buffer, sizeof buffer, 0);

          if (n <= 0)
            break;
          g_string_append_len (request, buffer, n);
          end = strstr (request->str, "\r\n\r\n");
          if (end != NULL && wanted == G_MAXSIZE)
            {
              g_autofree char *head = g_ascii_strdown (request->str, end - request->str);
              const char *length = strstr (head, "\r\ncontent-length:");

              wanted = (gsize) (end + 4 - request->str);
              if (length != NULL)
                wanted += (gsize) g_ascii_strtoull (length + 17, NULL, 10);
            }
        }
      g_mutex_lock (&proxy->lock);
      g_string_assign (proxy->request, "");
      g_string_append_len (proxy->request, request->str, request->len);
      g_mutex_unlock (&proxy->lock);

      if (proxy->mode == PROXY_CANNED)
        proxy_write_all (client, proxy->answer, proxy->answer_length);
      else
        {
          const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n";

          memset (buffer, '[', sizeof buffer);
          if (proxy_write_all (client, head, strlen (head)))
            while (!g_atomic_int_get (&proxy->stop) && proxy_write_all (client, buffer, sizeof buffer))
              ;
        }
      close (client);
      return NULL;
    }

  if (proxy->mode == PROXY_COUNT)
    {
      struct pollfd one = { client, POLLIN, 0 };

      while (!g_atomic_int_get (&proxy->stop) && poll (&one, 1, 100) >= 0)
        {
          ssize_t n;

          if (one.revents == 0)
            continue;
          n = recv (client, buffer, sizeof buffer, 0);
          if (n <= 0)
            break;
          g_atomic_int_add (&proxy->bytes_in, (gint) n);
        }
      close (client);
      return NULL;
    }

  upstream = proxy_connect_upstream (proxy->upstream_port);
  if (upstream < 0)
    {
      close (client);
      return NULL;
    }

  if (proxy->mode == PROXY_REWRITE)
    {
      proxy_rewrite_answers (proxy, client, upstream);
      close (client);
      close (upstream);
      return NULL;
    }

  while (!g_atomic_int_get (&proxy->stop))
    {
      struct pollfd fds[2] = { { client, POLLIN, 0 }, { upstream, POLLIN, 0 } };
      gboolean closed = FALSE;

      if (poll (fds, 2, 100) < 0 && errno != EINTR)
        break;
      for (guint i = 0; i < 2 && !closed; i++)
        {
          int from = i == 0 ? client : upstream;
          int to = i == 0 ? upstream : client;
          ssize_t n;

          if (fds[i].revents == 0)
            continue;
          n = recv (from, buffer, sizeof buffer, 0);
          if (n <= 0)
            {
              closed = TRUE;
              break;
            }
          if (i == 0)
            g_atomic_int_add (&proxy->bytes_in, (gint) n);
          /* the cut: the bytes up to it pass, then both ends are closed */
          if (cut_after >= 0 && forwarded + n >= cut_after)
            {
              proxy_write_all (to, buffer, (gsize) (cut_after - forwarded));
              closed = TRUE;
              break;
            }
          forwarded += n;
          if (proxy->bytes_per_second > 0)
            {
              gint64 now = g_get_monotonic_time ();

              if (now - last_sent[i] > (gint64) proxy->one_way_delay_ms * 1000)
                g_usleep ((gulong) proxy->one_way_delay_ms * 1000);
              g_usleep ((gulong) (n * G_USEC_PER_SEC / proxy->bytes_per_second));
              last_sent[i] = g_get_monotonic_time ();
            }
          if (!proxy_write_all (to, buffer, (gsize) n))
            closed = TRUE;
        }
      if (closed)
        break;
    }

  close (client);
  close (upstream);
  return NULL;
}

static inline gpointer
proxy_accept_thread (gpointer data)
{
  Proxy *proxy = data;

  while (!g_atomic_int_get (&proxy->stop))
    {
      struct pollfd one = { proxy->listen_fd, POLLIN, 0 };
      ProxyConnection *connection;
      int client;

      if (poll (&one, 1, 100) <= 0)
        continue;
      client = accept (proxy->listen_fd, NULL, NULL);
      if (client < 0)
        continue;
      g_atomic_int_inc (&proxy->connections);
      connection = g_new0 (ProxyConnection, 1);
      connection->proxy = proxy;
      connection->client = client;
      g_mutex_lock (&proxy->lock);
      g_ptr_array_add (proxy->workers, g_thread_new ("proxy-connection", proxy_connection_thread, connection));
      g_mutex_unlock (&proxy->lock);
    }
  return NULL;
}

/* Listens on HOST (a loopback address) on a free port; REDIRECT_TO is
 * where PROXY_REDIRECT points, or the whole answer of PROXY_CANNED. */
static inline Proxy *
proxy_start (ProxyMode   mode,
             const char *host,
             guint16     upstream_port,
             const char *redirect_to)
{
  Proxy *proxy = g_new0 (Proxy, 1);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = 0 };
  socklen_t length = sizeof address;
  int one = 1;

  proxy->mode = mode;
  proxy->upstream_port = upstream_port;
  proxy->redirect_to = g_strdup (redirect_to);
  proxy->answer = g_strdup (redirect_to);
  proxy->answer_length = redirect_to != NULL ? strlen (redirect_to) : 0;
  proxy->request = g_string_new (NULL);
  proxy->cut_after = -1;
  proxy->workers = g_ptr_array_new ();
  g_mutex_init (&proxy->lock);

  proxy->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (proxy->listen_fd, >=, 0);
  setsockopt (proxy->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  g_assert_cmpint (inet_pton (AF_INET, host, &address.sin_addr), ==, 1);
  g_assert_cmpint (bind (proxy->listen_fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (proxy->listen_fd, 16), ==, 0);
  g_assert_cmpint (getsockname (proxy->listen_fd, (struct sockaddr *) &address, &length), ==, 0);
  proxy->port = ntohs (address.sin_port);

  proxy->thread = g_thread_new ("proxy", proxy_accept_thread, proxy);
  return proxy;
}

static inline void
proxy_stop (Proxy *proxy)
{
  g_atomic_int_set (&proxy->stop, 1);
  g_thread_join (proxy->thread);
  for (guint i = 0; i < proxy->workers->len; i++)
    g_thread_join (g_ptr_array_index (proxy->workers, i));
  g_ptr_array_unref (proxy->workers);
  close (proxy->listen_fd);
  g_mutex_clear (&proxy->lock);
  g_free (proxy->redirect_to);
  g_free (proxy->answer);
  g_string_free (proxy->request, TRUE);
  g_free (proxy);
}

/* PROXY_CANNED on 127.0.0.1 whose answer is a head, then BODY as it is
 * (binary: gzip) */
static inline Proxy *
proxy_start_canned_bytes (const char *head,
                          GBytes     *body)
{
  Proxy *proxy = proxy_start (PROXY_CANNED, "127.0.0.1", 0, head);
  gsize length = 0;
  const void *data = g_bytes_get_data (body, &length);

  proxy->answer = g_realloc (proxy->answer, proxy->answer_length + length);
  memcpy (proxy->answer + proxy->answer_length, data, length);
  proxy->answer_length += length;
  return proxy;
}

/* A forwarder to UPSTREAM_PORT on 127.0.0.1 that behaves as a slow link
 * (a 2G connection): BYTES_PER_SECOND each way, and ONE_WAY_DELAY_MS
 * before each message that follows a pause. One thread a connection
 * carries both ways, so a transfer one way holds the other back: a
 * half-duplex approximation, slower than a real link, not faster. */
static inline Proxy *
proxy_start_throttled (guint16 upstream_port,
                       guint   bytes_per_second,
                       guint   one_way_delay_ms)
{
  Proxy *proxy = proxy_start (PROXY_FORWARD, "127.0.0.1", upstream_port, NULL);

  proxy->bytes_per_second = bytes_per_second;
  proxy->one_way_delay_ms = one_way_delay_ms;
  return proxy;
}
