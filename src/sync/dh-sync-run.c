/* dh-sync-run.c – one sync of a store with its server: push, then pull */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-sync-run.h"
#include "dh-wire.h"

typedef struct
{
  DhStore            *store;
  DhSyncClient       *client;
  DhSyncReport       *report;
  DhSyncProgressFunc  progress;
  gpointer            progress_data;
  GCancellable       *cancellable;
} Sync;

void
dh_sync_report_clear (DhSyncReport *report)
{
  g_clear_pointer (&report->rejections, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

/* The conflicts a sync brought: the conflict records it added to the
 * store. One conflict is one record, whether the server found it when this
 * device pushed, or this device found it again when it pulled the write
 * that beat its own (each copy finds it; its id is the same). */
guint
dh_sync_report_conflicts (const DhSyncReport *report)
{
  if (report->conflicts_counted)
    return report->new_conflicts;
  return report->push_conflicts + report->applied.conflicts;
}

static gint64
count_conflict_records (DhStore *store)
{
  DhQuery query = { .entity = "conflict" };

  return dh_store_count (store, &query, NULL);
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
set_bad_answer (GError     **error,
                const char  *what)
{
  g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER,
               /* Translators: %s says what is wrong with the answer, in English, for a report */
               _("The server's answer makes no sense (%s); nothing was lost, and it is tried again later"),
               what);
}

/* The server's clock, from the "now" of each answer. */
static void
note_clock (Sync        *sync,
            json_object *answer)
{
  json_object *now = NULL;
  json_object *catalogues = NULL;

  /* docs/sync.md, "Catalogues": every answer names the server's */
  if (json_object_object_get_ex (answer, "catalogues", &catalogues) && json_object_is_type (catalogues, json_type_string))
    sync->report->catalogues_differ = g_strcmp0 (json_object_get_string (catalogues),
                                                 dh_catalogues_get_version (dh_catalogues_get_default ())) != 0;
  if (!json_object_object_get_ex (answer, "now", &now) || !json_object_is_type (now, json_type_int))
    return;

  sync->report->clock_known = TRUE;
  sync->report->clock_offset_ms = json_object_get_int64 (now) - dh_store_get_wall_clock_ms (sync->store);
}

static void
count_traffic (Sync *sync)
{
  sync->report->requests = dh_sync_client_get_requests (sync->client);
  sync->report->bytes_sent = dh_sync_client_get_bytes_sent (sync->client);
  sync->report->bytes_received = dh_sync_client_get_bytes_received (sync->client);
}

static void
report_progress (Sync        *sync,
                 DhSyncPhase  phase,
                 guint64      done,
                 guint64      total)
{
  if (sync->progress != NULL)
    sync->progress (phase, done, total, sync->progress_data);
}

static char *
change_id (json_object *wire)
{
  const char *record = get_string (wire, "r");
  const char *clock = get_string (wire, "k");

  if (record == NULL || clock == NULL)
    return NULL;
  return g_strconcat (record, "@", clock, NULL);
}

/* The oldest pending changes that fit in one request. */
static json_object *
make_batch (GPtrArray  *pending,
            GPtrArray  *ids)
{
  json_object *changes = json_object_new_array ();
  gsize bytes = 0;

  for (guint i = 0; i < pending->len; i++)
    {
      json_object *wire = g_ptr_array_index (pending, i);
      gsize size = strlen (json_object_to_json_string_ext (wire, JSON_C_TO_STRING_PLAIN)) + 1;
      char *id;

      if (ids->len > 0 && bytes + size > DH_SYNC_BATCH_MAX_BYTES)
        break;
      id = change_id (wire);
      if (id == NULL)
        continue;
      json_object_array_add (changes, json_object_get (wire));
      g_ptr_array_add (ids, id);
      bytes += size;
    }

  return changes;
}

static gboolean
push_batch (Sync       *sync,
            GPtrArray  *pending,
            guint      *out_resolved,
            GError    **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new ();
  g_autoptr(GPtrArray) rejected = g_ptr_array_new ();
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(json_object) body = json_object_new_object ();
  g_autoptr(json_object) answer = NULL;
  json_object *changes = make_batch (pending, ids);
  json_object *results = NULL;
  gboolean ok;

  json_object_object_add (body, "changes", changes);
  *out_resolved = 0;
  if (ids->len == 0)
    return TRUE;

  /* once sent they never change: an edit made meanwhile is a change of
   * its own, and a replay of this batch is the same writes again */
  g_ptr_array_add (ids, NULL);
  if (!dh_store_mark_changes_sent (sync->store, (const char * const *) ids->pdata, error))
    return FALSE;
  g_ptr_array_set_size (ids, ids->len - 1);

  answer = dh_sync_client_request (sync->client, "POST", "/v2/push", body, error);
  sync->report->batches++;
  count_traffic (sync);
  if (answer == NULL)
    return FALSE;
  note_clock (sync, answer);

  if (!json_object_object_get_ex (answer, "results", &results) ||
      !json_object_is_type (results, json_type_array) ||
      json_object_array_length (results) != ids->len)
    {
      set_bad_answer (error, "push: not one result per change");
      return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      json_object *result = json_object_array_get_idx (results, i);
      json_object *wire = json_object_array_get_idx (changes, i);
      const char *id = g_ptr_array_index (ids, i);
      const char *status = get_string (result, "status");
      const char *answered_id = get_string (result, "id");

      /* results come in the order sent; one that names another change is
       * not taken for this one */
      if (status == NULL || (answered_id != NULL && !g_str_equal (answered_id, id)))
        continue;

      if (g_str_equal (status, "applied") || g_str_equal (status, "already") || g_str_equal (status, "conflict"))
        {
          g_ptr_array_add (acknowledged, (gpointer) id);
          sync->report->pushed++;
          if (g_str_equal (status, "conflict"))
            sync->report->push_conflicts++;
        }
      else if (g_str_equal (status, "rejected"))
        {
          const char *code = get_string (result, "code");
          const char *message = get_string (result, "message");
          json_object *entry = json_object_new_object ();

          g_ptr_array_add (rejected, (gpointer) id);
          g_ptr_array_add (reasons, g_strdup (message != NULL ? message : code != NULL ? code : _("refused by the server")));
          json_object_object_add (entry, "id", json_object_new_string (id));
          json_object_object_add (entry, "entity", json_object_get (json_object_object_get (wire, "e")));
          json_object_object_add (entry, "record_id", json_object_get (json_object_object_get (wire, "r")));
          json_object_object_add (entry, "code", code != NULL ? json_object_new_string (code) : NULL);
          json_object_object_add (entry, "message", message != NULL ? json_object_new_string (message) : NULL);
          g_ptr_array_add (sync->report->rejections, entry);
          sync->report->rejected++;
        }
    }

  ok = TRUE;
  if (acknowledged->len > 0)
    {
      g_ptr_array_add (acknowledged, NULL);
      ok = dh_store_acknowledge_changes (sync->store, (const char * const *) acknowledged->pdata, error);
      g_ptr_array_set_size (acknowledged, acknowledged->len - 1);
    }
  if (ok && rejected->len > 0)
    {
      g_ptr_array_add (rejected, NULL);
      g_ptr_array_add (reasons, NULL);
      ok = dh_store_reject_changes (sync->store, (const char * const *) rejected->pdata,
                                    (const char * const *) reasons->pdata, error);
    }

  *out_resolved = acknowledged->len + (rejected->len > 0 ? rejected->len - 1 : 0);
  return ok;
}

static gboolean
push (Sync    *sync,
      GError **error)
{
  gint64 total = dh_store_count_pending_changes (sync->store, error);
  guint64 done = 0;

  if (total < 0)
    return FALSE;

  report_progress (sync, DH_SYNC_PHASE_PUSH, 0, (guint64) total);
  while (TRUE)
    {
      g_autoptr(GPtrArray) pending = NULL;
      guint resolved = 0;

      if (g_cancellable_is_cancelled (sync->cancellable))
        {
          g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED,
                               _("The sync was cancelled; nothing is lost, and the next sync goes on from here"));
          return FALSE;
        }

      pending = dh_store_get_pending_changes (sync->store, DH_SYNC_BATCH_MAX_CHANGES, error);
      if (pending == NULL)
        return FALSE;
      if (pending->len == 0)
        return TRUE;

      if (!push_batch (sync, pending, &resolved, error))
        return FALSE;
      /* the same batch would come back again: never loop on it */
      if (resolved == 0)
        {
          set_bad_answer (error, "push: no change was acknowledged or refused");
          return FALSE;
        }
      done += resolved;
      report_progress (sync, DH_SYNC_PHASE_PUSH, done, MAX ((guint64) total, done));
    }
}

/* A page of a pull as it came, before it is read: what the asking thread
 * hands the reading one. */
typedef struct
{
  char    *text;            /* the answer, with a NUL after it */
  gsize    length;
  char    *cursor;          /* the one it was asked after, NULL for the first */
  char    *next;            /* the next page's, as the answer's header named it ahead; NULL if it named none */
  guint    requests;
  guint64  bytes_sent;
  guint64  bytes_received;
} Asked;

static void
asked_free (Asked *asked)
{
  g_free (asked->text);
  g_free (asked->cursor);
  g_free (asked->next);
  g_free (asked);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Asked, asked_free)

/* A page of a pull, read: its changes, the cursor after it, whether more
 * follow, and the client's counts once it was asked for. */
typedef struct
{
  json_object *answer;     /* its members but the changes */
  DhWirePage  *page;
  DhPageCheck *check;     /* begun as soon as the page was read */
  const char  *next;
  gboolean     more;
  guint64      total;     /* the records from the pull's cursor on, when asked; 0 if not told */
  guint        requests;
  guint64      bytes_sent;
  guint64      bytes_received;
} Fetched;

static void
fetched_free (Fetched *fetched)
{
  /* its checker first: it reads the changes */
  g_clear_pointer (&fetched->check, dh_page_check_free);
  g_clear_pointer (&fetched->page, dh_wire_page_unref);
  g_clear_pointer (&fetched->answer, json_object_put);
  g_free (fetched);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetched, fetched_free)

/* The pages of a pull come through two threads of their own while the
 * store writes the one before, on the second core: one asks for them,
 * the other reads them (parses them and begins their checks). A page's
 * answer names the next page's cursor in a header, ahead of its text, so
 * the server makes page n + 2 and it travels while page n + 1 is read and
 * page n written. An answer that names none (the last page, or a server
 * that does not) is read before the next is asked for, after the cursor
 * its text gives.
 *
 * Each hands on one page at a time: the asker asks for the next once the
 * reader took the last, and the reader takes it once the writer took the
 * page read before. The writer hands each page back, written, for the
 * reader to free (the thread that made a page's many small blocks frees
 * them faster), and the reader frees them while it waits, not before it
 * reads the next: reading is what a first sync waits for. So six pages
 * are held at most: one asked for, one as it came, one read, the one
 * written, and two written but not yet freed. */
typedef struct
{
  Sync         *sync;
  guint         max_pages;
  const char   *cursor;
  gboolean      first_sync;  /* the store's, when the pull began: its pages' rows are made as they are checked */
  DhPageChecker *checker;   /* the pages' checks, one after the other; NULL (one processor, no thread): each as dh_page_check_start() checks it alone */
  GMutex        lock;
  GCond         cond;
  Asked        *asked;      /* as it came, for the reader */
  gboolean      asked_all;  /* the asker stopped: the last page, max_pages, a failure or a stop */
  GError       *ask_error;
  guint         read;       /* pages the reader read, or failed to */
  gboolean      read_more;  /* of the last read: whether more follow, */
  char         *read_next;  /* and after which cursor */
  Fetched      *waiting;    /* read, for the writer */
  GPtrArray    *spent;      /* Fetched, written, for the reader to free */
  gboolean      done;       /* the reader stopped */
  gboolean      stop;
  GError       *error;
} Pipe;

/* The asker or the reader stopped: its FLAG is set and why (ERROR, NULL
 * if nothing failed) kept in SLOT, for the other threads to see. */
static void
side_stopped (Pipe      *pipe,
              gboolean  *flag,
              GError   **slot,
              GError    *error)
{
  g_mutex_lock (&pipe->lock);
  *flag = TRUE;
  *slot = error;
  g_cond_broadcast (&pipe->cond);
  g_mutex_unlock (&pipe->lock);
}

/**
 * dh_sync_pull_page_limit:
 * @page: which page of a pull, from 0
 *
 * How many records a pull asks for in its @page-th page. The first is
 * small: the store waits for it alone, and the server, the transfer and
 * the check make it in a few milliseconds. Each after it is twice the one
 * before, about as many as are made while the store writes the one
 * before, up to %DH_SYNC_PULL_LIMIT.
 */
guint
dh_sync_pull_page_limit (guint page)
{
  guint limit = DH_SYNC_PULL_FIRST_LIMIT;

  for (guint i = 0; i < page && limit < DH_SYNC_PULL_LIMIT; i++)
    limit *= 2;

  return MIN (limit, DH_SYNC_PULL_LIMIT);
}

/* The page after CURSOR, as it came, of at most LIMIT records; with
 * COUNT, the server also says how many records there are from CURSOR on,
 * which the pull's progress is measured by. */
static Asked *
ask_page (DhSyncClient  *client,
          const char    *cursor,
          guint          limit,
          gboolean       count,
          GError       **error)
{
  g_autofree char *escaped = cursor != NULL && *cursor != '\0' ? g_uri_escape_string (cursor, NULL, FALSE) : NULL;
  g_autofree char *after = escaped != NULL ? g_strconcat ("after=", escaped, "&", NULL) : g_strdup ("");
  g_autofree char *path = g_strdup_printf ("/v2/pull?%slimit=%u%s", after, limit, count ? "&count=1" : "");
  g_autoptr(Asked) asked = g_new0 (Asked, 1);

  asked->text = dh_sync_client_request_text (client, "GET", path, NULL, &asked->length, error);
  asked->requests = dh_sync_client_get_requests (client);
  asked->bytes_sent = dh_sync_client_get_bytes_sent (client);
  asked->bytes_received = dh_sync_client_get_bytes_received (client);
  if (asked->text == NULL)
    return NULL;
  asked->cursor = g_strdup (cursor);
  /* a cursor is a few digits; a longer one is not taken ahead, and the
   * text's is read */
  asked->next = dh_sync_client_get_answer_header (client, DH_WIRE_NEXT_CURSOR_HEADER, 256);

  return g_steal_pointer (&asked);
}

/* The asker's thread: page after page from the cursor, each handed to the
 * reader, until the last, max_pages, a failure or a stop. */
static gpointer
ask_pages (gpointer data)
{
  Pipe *pipe = data;
  g_autofree char *cursor = g_strdup (pipe->cursor);
  GError *error = NULL;
  guint asked = 0;

  while (pipe->max_pages == 0 || asked < pipe->max_pages)
    {
      Asked *page;
      gboolean ahead, more = TRUE, stop;

      /* until the reader took the last */
      g_mutex_lock (&pipe->lock);
      while (!pipe->stop && pipe->asked != NULL)
        g_cond_wait (&pipe->cond, &pipe->lock);
      stop = pipe->stop;
      g_mutex_unlock (&pipe->lock);
      if (stop)
        break;

      page = ask_page (pipe->sync->client, cursor, dh_sync_pull_page_limit (asked), asked == 0, &error);
      if (page == NULL)
        break;
      asked++;
      /* a header that names the same cursor would loop: the text is read first */
      ahead = page->next != NULL && g_strcmp0 (page->next, cursor) != 0;
      if (ahead)
        {
          g_free (cursor);
          cursor = g_strdup (page->next);
        }

      g_mutex_lock (&pipe->lock);
      pipe->asked = page;
      g_cond_broadcast (&pipe->cond);
      /* no cursor ahead: the reader says whether more follow, and after which */
      if (!ahead)
        {
          while (!pipe->stop && pipe->read < asked)
            g_cond_wait (&pipe->cond, &pipe->lock);
          more = !pipe->stop && pipe->read_more;
          if (more)
            {
              g_free (cursor);
              cursor = g_strdup (pipe->read_next);
            }
        }
      g_mutex_unlock (&pipe->lock);
      if (!more)
        break;
    }

  side_stopped (pipe, &pipe->asked_all, &pipe->ask_error, error);

  return NULL;
}

/* ASKED, read, with its check begun for STORE (dh_store_check_page()): a
 * page is checked while the store writes the one before. */
static Fetched *
read_page (Pipe     *pipe,
           Asked    *asked,
           GError  **error)
{
  g_autoptr(Fetched) fetched = g_new0 (Fetched, 1);
  json_object *more = NULL;
  json_object *total = NULL;

  fetched->requests = asked->requests;
  fetched->bytes_sent = asked->bytes_sent;
  fetched->bytes_received = asked->bytes_received;

  /* read in place: only the fields' values are made JSON objects; the
   * page keeps the text */
  fetched->page = dh_wire_page_parse_answer (g_steal_pointer (&asked->text), asked->length, DH_SYNC_MAX_JSON_DEPTH,
                                             &fetched->answer);
  if (fetched->page == NULL && fetched->answer == NULL)
    {
      dh_sync_set_not_json_error (error);
      return NULL;
    }
  if (fetched->page == NULL)
    {
      set_bad_answer (error, "pull: no list of changes");
      return NULL;
    }
  fetched->next = get_string (fetched->answer, "cursor");
  fetched->more = json_object_object_get_ex (fetched->answer, "more", &more) && json_object_get_boolean (more);
  /* a server that does not count, or a count that is not one, leaves the progress unknown */
  if (json_object_object_get_ex (fetched->answer, "total", &total) &&
      json_object_is_type (total, json_type_int) && json_object_get_int64 (total) > 0)
    fetched->total = (guint64) json_object_get_int64 (total);

  fetched->check = dh_store_check_page (pipe->sync->store, pipe->checker, fetched->page, pipe->first_sync);

  return g_steal_pointer (&fetched);
}

/* What is wrong with FETCHED's cursor, asked after ASKED's: the page
 * lands, and the pull stops after it. NULL if nothing. */
static const char *
check_cursor (const Fetched *fetched,
              const Asked   *asked)
{
  /* the page lands; asking for it again would loop */
  if (fetched->more && (fetched->next == NULL || g_strcmp0 (fetched->next, asked->cursor) == 0))
    return "pull: more pages, but the same cursor";
  /* the page after the header's cursor is not the one after the text's */
  if (asked->next != NULL && (!fetched->more || g_strcmp0 (fetched->next, asked->next) != 0))
    return "pull: the header and the answer name different cursors";
  return NULL;
}

/* The reader's thread: each page as it came read and handed to the
 * writer, until the asker stopped, a page could not be read, or a stop. */
static gpointer
read_pages (gpointer data)
{
  Pipe *pipe = data;
  GError *error = NULL;

  for (;;)
    {
      g_autoptr(Asked) asked = NULL;
      Fetched *fetched;
      const char *wrong;

      g_mutex_lock (&pipe->lock);
      /* while the writer has not taken the last page, or none came; and
       * before reading the next, the pages written but one */
      for (;;)
        {
          gboolean can_read = pipe->waiting == NULL && (pipe->asked != NULL || pipe->asked_all);
          Fetched *spent;

          if (pipe->stop)
            break;
          if (pipe->spent->len <= (can_read ? 1 : 0))
            {
              if (can_read)
                break;
              g_cond_wait (&pipe->cond, &pipe->lock);
              continue;
            }
          /* one at a time: the writer may take the page meanwhile */
          spent = g_ptr_array_steal_index_fast (pipe->spent, pipe->spent->len - 1);
          g_mutex_unlock (&pipe->lock);
          fetched_free (spent);
          g_mutex_lock (&pipe->lock);
        }
      if (!pipe->stop)
        {
          asked = g_steal_pointer (&pipe->asked);
          /* none, and none to come: whatever stopped the asker stops the pull */
          if (asked == NULL)
            error = g_steal_pointer (&pipe->ask_error);
          g_cond_broadcast (&pipe->cond);
        }
      g_mutex_unlock (&pipe->lock);
      if (asked == NULL)
        break;

      fetched = read_page (pipe, asked, &error);
      wrong = fetched != NULL ? check_cursor (fetched, asked) : NULL;
      if (wrong != NULL)
        set_bad_answer (&error, wrong);

      g_mutex_lock (&pipe->lock);
      /* for an asker that waits to be told */
      pipe->read++;
      pipe->read_more = fetched != NULL && fetched->more && wrong == NULL;
      g_free (pipe->read_next);
      pipe->read_next = fetched != NULL ? g_strdup (fetched->next) : NULL;
      if (fetched != NULL)
        pipe->waiting = fetched;
      g_cond_broadcast (&pipe->cond);
      g_mutex_unlock (&pipe->lock);
      if (fetched == NULL || wrong != NULL)
        break;
    }

  side_stopped (pipe, &pipe->done, &pipe->error, error);

  return NULL;
}

/* The pages that landed together commit (dh_store_begin_pulled()); a
 * page that failed among them was undone alone. */
static gboolean
end_pulled (Sync    *sync,
            GError **error)
{
  if (!dh_store_end_pulled (sync->store, TRUE, error))
    return FALSE;
  sync->report->pull_commits++;
  return TRUE;
}

/* The next page the reader handed over, or NULL once it stopped (and
 * then why, in ERROR, if it failed); with NOW, NULL too if none is there
 * yet. */
static Fetched *
take_page (Pipe     *pipe,
           gboolean  now,
           GError  **error)
{
  Fetched *fetched;

  g_mutex_lock (&pipe->lock);
  while (!now && pipe->waiting == NULL && !pipe->done)
    g_cond_wait (&pipe->cond, &pipe->lock);
  fetched = g_steal_pointer (&pipe->waiting);
  if (fetched != NULL)
    g_cond_broadcast (&pipe->cond);
  else if (pipe->error != NULL)
    g_propagate_error (error, g_steal_pointer (&pipe->error));
  g_mutex_unlock (&pipe->lock);

  return fetched;
}

static void
cancel_pipe (GCancellable *cancellable,
             gpointer      data)
{
  g_cancellable_cancel (data);
}

static gboolean
pull (Sync    *sync,
      guint    max_pages,
      GError **error)
{
  g_autofree char *cursor = dh_store_get_meta (sync->store, "pull_cursor");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Pipe pipe = {
    .sync = sync,
    .max_pages = max_pages,
    .cursor = cursor,
    .first_sync = dh_store_is_in_first_sync (sync->store),
    /* made here, as nice as the reader: a sync's thread is nicer than the interface's */
    .checker = dh_page_checker_new (),
    .spent = g_ptr_array_new_with_free_func ((GDestroyNotify) fetched_free),
  };
  gulong handler = 0;
  GThread *asker;
  GThread *reader;
  guint64 total = 0;
  gboolean ok = TRUE;
  gboolean pulled = FALSE;  /* pages land together (dh_store_begin_pulled()) */
  gint64 pulled_since = 0;
  guint written = 0;

  /* the asker's transfer stops with the sync, or when the writer fails */
  if (sync->cancellable != NULL)
    handler = g_cancellable_connect (sync->cancellable, G_CALLBACK (cancel_pipe), cancellable, NULL);
  dh_sync_client_set_cancellable (sync->client, cancellable);
  g_mutex_init (&pipe.lock);
  g_cond_init (&pipe.cond);
  asker = g_thread_new ("dh-sync-ask", ask_pages, &pipe);
  reader = g_thread_new ("dh-sync-pull", read_pages, &pipe);

  while (ok)
    {
      g_autoptr(Fetched) fetched = NULL;
      g_autoptr(GError) read_error = NULL;
      DhApplyReport applied = { 0 };
      gboolean last;

      if (g_cancellable_is_cancelled (sync->cancellable))
        {
          g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED,
                               _("The sync was cancelled; nothing is lost, and the next sync goes on from here"));
          ok = FALSE;
          break;
        }

      /* the pages written land, before this thread waits for the next */
      if (pulled)
        {
          fetched = take_page (&pipe, TRUE, &read_error);
          if (fetched == NULL)
            {
              pulled = FALSE;
              ok = end_pulled (sync, error);
              if (!ok)
                break;
            }
        }
      /* none: max_pages were read, or the reader failed */
      if (fetched == NULL && read_error == NULL)
        fetched = take_page (&pipe, FALSE, &read_error);
      if (fetched == NULL)
        {
          ok = read_error == NULL;
          if (!ok)
            g_propagate_error (error, g_steal_pointer (&read_error));
          break;
        }
      sync->report->requests = fetched->requests;
      sync->report->bytes_sent = fetched->bytes_sent;
      sync->report->bytes_received = fetched->bytes_received;
      note_clock (sync, fetched->answer);

      /* after the first page, which lands alone, those that come while
       * one is written land with it, for DH_SYNC_PULLED_TOGETHER_MS at
       * most: the interface's writes wait for no more */
      if (!pulled && written > 0)
        {
          if (!dh_store_begin_pulled (sync->store, error))
            {
              ok = FALSE;
              break;
            }
          pulled = TRUE;
          pulled_since = g_get_monotonic_time ();
        }

      /* the page and its cursor land together, or neither does */
      if (!dh_store_apply_checked_changes (sync->store, fetched->page, fetched->check, fetched->next, &applied, error))
        {
          ok = FALSE;
          break;
        }
      written++;
      last = !fetched->more;
      if (!pulled)
        sync->report->pull_commits++;
      else if (last || g_get_monotonic_time () - pulled_since >= DH_SYNC_PULLED_TOGETHER_MS * 1000)
        {
          pulled = FALSE;
          if (!end_pulled (sync, error))
            {
              ok = FALSE;
              break;
            }
        }

      sync->report->pages++;
      sync->report->received += dh_wire_page_get_length (fetched->page);
      sync->report->applied.applied += applied.applied;
      sync->report->applied.already += applied.already;
      sync->report->applied.held += applied.held;
      sync->report->applied.conflicts += applied.conflicts;
      sync->report->applied.rejected += applied.rejected;
      /* done of how many there were when the pull began, if the server
       * said so with the first page, the one that asks (0: not known) */
      if (fetched->total > 0)
        total = fetched->total;
      report_progress (sync, DH_SYNC_PHASE_PULL, sync->report->received, total);

      /* the page goes back to the reader, which frees it while this
       * thread writes the next; the last, which nothing follows, is freed
       * here */
      if (!last)
        {
          g_mutex_lock (&pipe.lock);
          g_ptr_array_add (pipe.spent, g_steal_pointer (&fetched));
          g_cond_broadcast (&pipe.cond);
          g_mutex_unlock (&pipe.lock);
        }

      /* the last page: what a first sync left for the end (its search
       * entries, written once) is written now */
      if (last)
        {
          ok = dh_store_finish_first_sync (sync->store, error);
          break;
        }
    }
  /* what landed before a failure or a stop stays, with its cursor */
  if (pulled)
    {
      g_autoptr(GError) end_error = NULL;

      if (!end_pulled (sync, ok ? error : &end_error))
        ok = FALSE;
    }

  /* an asker and a reader still at work stop, and what they held goes */
  g_mutex_lock (&pipe.lock);
  pipe.stop = TRUE;
  g_cond_broadcast (&pipe.cond);
  g_mutex_unlock (&pipe.lock);
  /* a transfer under way stops at curl's next progress call (about a
   * second at most, or once a name lookup ends); after the last page,
   * none is */
  g_cancellable_cancel (cancellable);
  g_thread_join (asker);
  g_thread_join (reader);
  if (handler != 0)
    g_cancellable_disconnect (sync->cancellable, handler);
  dh_sync_client_set_cancellable (sync->client, sync->cancellable);
  g_clear_pointer (&pipe.asked, asked_free);
  g_clear_pointer (&pipe.waiting, fetched_free);
  g_clear_pointer (&pipe.spent, g_ptr_array_unref);
  /* after every page, whose checks are its */
  g_clear_pointer (&pipe.checker, dh_page_checker_free);
  g_clear_pointer (&pipe.read_next, g_free);
  g_clear_error (&pipe.ask_error);
  g_clear_error (&pipe.error);
  g_mutex_clear (&pipe.lock);
  g_cond_clear (&pipe.cond);
  count_traffic (sync);

  return ok;
}

/**
 * dh_sync_run:
 * @client: speaks to the server, with the token set
 * @report: (out caller-allocates): what was done, also when it fails
 *   midway: what landed before the failure stays landed
 *
 * One sync: the pending changes pushed, oldest first, then the commune's
 * changes pulled after the store's cursor until the server has no more.
 * Runs in the calling thread, which it blocks: the engine calls it in a
 * worker.
 */
gboolean
dh_sync_run (DhStore             *store,
             DhSyncClient        *client,
             DhSyncReport        *report,
             DhSyncProgressFunc   progress,
             gpointer             progress_data,
             GCancellable        *cancellable,
             GError             **error)
{
  Sync sync = { store, client, report, progress, progress_data, cancellable };
  GError *store_error = NULL;

  g_return_val_if_fail (DH_IS_STORE (store), FALSE);
  g_return_val_if_fail (client != NULL && report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  report->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);

  if (!dh_store_check_can_send (store, &store_error))
    {
      g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED, store_error->message);
      g_error_free (store_error);
      return FALSE;
    }

  dh_sync_client_set_cancellable (client, cancellable);
  {
    gint64 before = count_conflict_records (store);
    /* what was set aside here may apply now: the server will not send it again */
    gboolean ok = push (&sync, error) && pull (&sync, 0, error) &&
                  dh_store_apply_set_aside (store, &report->set_aside, error);
    gint64 after = count_conflict_records (store);

    /* what landed counts, also when the sync failed after it */
    if (before >= 0 && after >= 0)
      {
        report->new_conflicts = after > before ? (guint) (after - before) : 0;
        report->conflicts_counted = TRUE;
      }
    return ok;
  }
}

/**
 * dh_sync_pull_pages:
 * @max_pages: at most this many pages, 0 for all
 *
 * Only pulls: what a sign-in does on an empty store, so that it can name
 * the commune (its places come first). The rest comes with the next sync,
 * after the cursor this leaves.
 */
gboolean
dh_sync_pull_pages (DhStore       *store,
                    DhSyncClient  *client,
                    guint          max_pages,
                    DhSyncReport  *report,
                    GCancellable  *cancellable,
                    GError       **error)
{
  Sync sync = { store, client, report, NULL, NULL, cancellable };

  g_return_val_if_fail (DH_IS_STORE (store), FALSE);
  g_return_val_if_fail (client != NULL && report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  report->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  dh_sync_client_set_cancellable (client, cancellable);
  return pull (&sync, max_pages, error);
}

/* The difference of the clocks in words: "3 minutes behind the server". */
char *
dh_sync_describe_offset (gint64 offset_ms)
{
  gint64 minutes = ABS (offset_ms) / 60000;
  gint64 hours = minutes / 60;
  gint64 days = hours / 24;
  g_autofree char *amount = NULL;

  if (days >= 2)
    amount = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", (gulong) days), (guint) days);
  else if (hours >= 2)
    amount = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", (gulong) hours), (guint) hours);
  else
    amount = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes", (gulong) minutes), (guint) minutes);

  /* the server's clock is ahead: this device's is behind */
  if (offset_ms > 0)
    return g_strdup_printf (_("This computer’s clock is %s behind the server’s: set its date and time"), amount);
  return g_strdup_printf (_("This computer’s clock is %s ahead of the server’s: set its date and time"), amount);
}
