/* dh-sync-engine.c – syncs a store with its server off the caller's thread, by itself and on demand */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-sync"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-sync-engine.h"
#include "dh-thread.h"

G_DEFINE_ENUM_TYPE (DhSyncState, dh_sync_state,
  G_DEFINE_ENUM_VALUE (DH_SYNC_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (DH_SYNC_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (DH_SYNC_STATE_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (DH_SYNC_STATE_UP_TO_DATE, "up-to-date"),
  G_DEFINE_ENUM_VALUE (DH_SYNC_STATE_ERROR, "error"),
  G_DEFINE_ENUM_VALUE (DH_SYNC_STATE_SIGN_IN_NEEDED, "sign-in-needed"))

struct _DhSyncEngine
{
  GObject          parent_instance;

  DhStore         *store;
  GMainContext    *context;        /* where signals and the callbacks are emitted */
  GNetworkMonitor *monitor;
  gulong           network_changed_id;
  GSource         *retry_source;
  GCancellable    *automatic_cancellable;

  DhSyncState      state;
  gint64           pending;
  double           progress;
  GDateTime       *last_sync;
  char            *last_error;
  gint64           clock_offset;
  guint            failures;       /* syncs that failed in a row on the network or the server */
  guint            automatic : 1;
  guint            running : 1;
};

G_DEFINE_FINAL_TYPE (DhSyncEngine, dh_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_STATE,
  PROP_PENDING,
  PROP_PROGRESS,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  PROP_CLOCK_OFFSET,
  PROP_CLOCK_IS_WRONG,
  PROP_AUTOMATIC,
  PROP_NETWORK_MONITOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  DhStore      *store;
  DhSyncEngine *engine;      /* for progress, on the engine's context */
  DhSyncReport  report;
  gint64        pending;     /* what waits after the sync */
} SyncJob;

typedef struct
{
  DhSyncEngine *engine;
  double        progress;
} ProgressUpdate;

static void start_automatic_sync (DhSyncEngine *self);

static void
sync_job_free (SyncJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->engine);
  dh_sync_report_clear (&job->report);
  g_free (job);
}

static void
report_free (gpointer data)
{
  DhSyncReport *report = data;

  dh_sync_report_clear (report);
  g_free (report);
}

static void
set_state (DhSyncEngine *self,
           DhSyncState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_pending (DhSyncEngine *self,
             gint64        pending)
{
  if (pending < 0 || self->pending == pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
set_progress (DhSyncEngine *self,
              double        progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
set_last_error (DhSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_clock_offset (DhSyncEngine *self,
                  gint64        offset)
{
  gboolean was_wrong = dh_sync_engine_get_clock_is_wrong (self);

  if (self->clock_offset == offset)
    return;
  self->clock_offset = offset;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_OFFSET]);
  if (was_wrong != dh_sync_engine_get_clock_is_wrong (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_IS_WRONG]);
}

/* Whether a sync could run: a server is set and someone is signed in. */
static gboolean
is_set_up (DhSyncEngine *self)
{
  g_autoptr(DhSyncSettings) settings = dh_sync_settings_load (self->store);
  g_autofree char *token = NULL;

  if (settings->server == NULL)
    return FALSE;
  token = dh_sync_token_load (dh_store_get_device_id (self->store), NULL);
  return token != NULL;
}

static gboolean
network_is_up (DhSyncEngine *self)
{
  return self->monitor == NULL || g_network_monitor_get_network_available (self->monitor);
}

/* What the engine shows when no sync is under way. */
static DhSyncState
resting_state (DhSyncEngine *self)
{
  if (!is_set_up (self))
    return DH_SYNC_STATE_SIGN_IN_NEEDED;
  if (!network_is_up (self))
    return DH_SYNC_STATE_OFFLINE;
  return DH_SYNC_STATE_IDLE;
}

/* Reads again what the store holds: the pending changes after an edit,
 * the settings after a sign-in. */
void
dh_sync_engine_refresh (DhSyncEngine *self)
{
  g_return_if_fail (DH_IS_SYNC_ENGINE (self));

  set_pending (self, dh_store_count_pending_changes (self->store, NULL));
  if (!self->running &&
      (self->state != DH_SYNC_STATE_UP_TO_DATE || self->pending > 0) &&
      (self->state != DH_SYNC_STATE_ERROR || !is_set_up (self)))
    set_state (self, resting_state (self));
}

/* The worker */

static gboolean
progress_in_context_cb (gpointer data)
{
  ProgressUpdate *update = data;

  if (update->engine->running)
    set_progress (update->engine, update->progress);
  return G_SOURCE_REMOVE;
}

static void
progress_update_free (gpointer data)
{
  ProgressUpdate *update = data;

  g_object_unref (update->engine);
  g_free (update);
}

/* Pushing is the first half of the bar, pulling the rest: the whole bar
 * when there was nothing to push (a first sync). The pull goes by the
 * records received of those the server counted when it began; a server
 * that did not count leaves its length unknown, and each page then takes
 * the bar half-way to the end. */
static void
sync_progress_cb (DhSyncPhase phase,
                  guint64     done,
                  guint64     total,
                  gpointer    user_data)
{
  SyncJob *job = user_data;
  ProgressUpdate *update = g_new0 (ProgressUpdate, 1);
  double start = job->report.batches > 0 ? 0.5 : 0.0;

  if (phase == DH_SYNC_PHASE_PUSH)
    update->progress = total > 0 ? 0.5 * (double) done / (double) total : 0.0;
  else if (total > 0)
    /* records written meanwhile can come beyond the count: the bar
     * stops short of the end, which the sync's end reaches */
    update->progress = start + (1.0 - start) * MIN (0.99, (double) done / (double) total);
  else
    update->progress = 1.0 - (1.0 - start) / (double) (1 + job->report.pages);
  update->engine = g_object_ref (job->engine);
  g_main_context_invoke_full (job->engine->context, G_PRIORITY_DEFAULT, progress_in_context_cb,
                              update, progress_update_free);
}

static void
record_outcome (DhStore            *store,
                const DhSyncReport *report,
                const GError       *error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);

  dh_store_set_meta (store, "sync_last_attempt_at", when, NULL);
  dh_store_set_meta (store, "sync_last_error", error != NULL ? error->message : "", NULL);
  if (error == NULL)
    dh_store_set_meta (store, "last_sync", when, NULL);
  if (report->clock_known)
    {
      g_autofree char *offset = g_strdup_printf ("%" G_GINT64_FORMAT, report->clock_offset_ms);

      dh_store_set_meta (store, "sync_clock_offset", offset, NULL);
      dh_store_set_meta (store, "sync_catalogues_differ", report->catalogues_differ ? "1" : "0", NULL);
    }
}

/* A sync as the nicer thread runs it */
typedef struct
{
  SyncJob      *job;
  DhSyncClient *client;
  GCancellable *cancellable;
  gboolean      ok;
  GError       *error;
} SyncWork;

static gpointer
run_sync (gpointer data)
{
  SyncWork *work = data;

  work->ok = dh_sync_run (work->job->store, work->client, &work->job->report, sync_progress_cb, work->job,
                          work->cancellable, &work->error);
  return NULL;
}

/* The sync runs in a thread of its own, nicer than the interface's, and
 * so do the threads it makes (its reader, its pages' checkers): on two
 * processors, the window keeps its pace while a sync writes, and the sync
 * takes all the rest. The task's thread, of a pool, waits for it, having
 * read the token first: the keyring is asked over D-Bus, whose threads
 * would otherwise be made nicer for good. */
static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SyncJob *job = task_data;
  g_autoptr(DhSyncSettings) settings = dh_sync_settings_load (job->store);
  g_autoptr(DhSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gboolean ok = FALSE;

  token = dh_sync_token_load (dh_store_get_device_id (job->store), &error);
  if (error != NULL)
    {
      /* a token file nobody should trust: sign in again */
      g_autofree char *message = g_strdup (error->message);

      g_clear_error (&error);
      g_set_error_literal (&error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN, message);
    }
  else if (settings->server == NULL || token == NULL)
    g_set_error_literal (&error, DH_SYNC_ERROR, DH_SYNC_ERROR_NOT_SET_UP,
                         _("Nobody is signed in on this device: sign in to the province’s server first"));
  else
    client = dh_sync_client_new (settings->server, settings->ca_file, settings->pin, &error);

  if (client != NULL)
    {
      SyncWork work = { .job = job, .client = client, .cancellable = cancellable };
      g_autoptr(GError) thread_error = NULL;
      GThread *thread;

      dh_sync_client_set_token (client, token);
      thread = dh_thread_try_new_nicer ("dh-sync", run_sync, &work, &thread_error);
      if (thread != NULL)
        g_thread_join (thread);
      else
        {
          /* no thread to be had: the sync runs here, at this thread's priority */
          g_debug ("The sync runs on the task's thread: %s", thread_error->message);
          run_sync (&work);
        }
      ok = work.ok;
      error = g_steal_pointer (&work.error);
      if (!ok && error == NULL)
        g_set_error_literal (&error, DH_SYNC_ERROR, DH_SYNC_ERROR_SERVER,
                             _("The sync stopped without a reason it could name; nothing is lost, and the next sync tries again"));
      record_outcome (job->store, &job->report, ok ? NULL : error);
    }
  job->pending = dh_store_count_pending_changes (job->store, NULL);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Back on the engine's context */

static gboolean
retry_cb (gpointer user_data)
{
  DhSyncEngine *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  start_automatic_sync (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (DhSyncEngine *self)
{
  gint64 delay;

  if (!self->automatic || self->retry_source != NULL)
    return;

  delay = dh_sync_backoff_delay_ms (self->failures, NULL, NULL);
  self->retry_source = g_timeout_source_new ((guint) delay);
  g_source_set_callback (self->retry_source, retry_cb, self, NULL);
  g_source_set_static_name (self->retry_source, "[dh] sync retry");
  g_source_attach (self->retry_source, self->context);
}

static void
cancel_retry (DhSyncEngine *self)
{
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
}

static void
finish_sync (DhSyncEngine *self,
             SyncJob      *job,
             const GError *error)
{
  self->running = FALSE;
  set_pending (self, job->pending);
  if (job->report.clock_known)
    set_clock_offset (self, job->report.clock_offset_ms);

  if (error == NULL)
    {
      self->failures = 0;
      g_clear_pointer (&self->last_sync, g_date_time_unref);
      self->last_sync = g_date_time_new_now_utc ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      set_last_error (self, NULL);
      set_progress (self, 1.0);
      set_state (self, job->pending > 0 ? DH_SYNC_STATE_IDLE : DH_SYNC_STATE_UP_TO_DATE);
      return;
    }

  set_progress (self, 0.0);
  if (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED))
    {
      set_state (self, resting_state (self));
      return;
    }

  set_last_error (self, error->message);
  if (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN) ||
      g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NOT_SET_UP))
    set_state (self, DH_SYNC_STATE_SIGN_IN_NEEDED);
  else if (dh_sync_error_is_retryable (error))
    {
      self->failures++;
      set_state (self, network_is_up (self) ? DH_SYNC_STATE_ERROR : DH_SYNC_STATE_OFFLINE);
      schedule_retry (self);
    }
  else
    set_state (self, DH_SYNC_STATE_ERROR);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  DhSyncEngine *self = DH_SYNC_ENGINE (source);
  g_autoptr(GTask) outer = user_data;
  SyncJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  DhSyncReport *report;

  g_task_propagate_boolean (G_TASK (result), &error);
  finish_sync (self, job, error);

  /* the report goes to whoever asked, also when the sync failed midway */
  report = g_new0 (DhSyncReport, 1);
  *report = job->report;
  memset (&job->report, 0, sizeof job->report);
  g_task_set_task_data (outer, report, report_free);
  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_boolean (outer, TRUE);
}

/**
 * dh_sync_engine_sync_async:
 *
 * Syncs now: pushes what waits, then pulls what is new, in a worker
 * thread; @callback runs on the thread-default main context of the
 * caller. One sync at a time: a second one asked for while the first runs
 * fails with %G_IO_ERROR_PENDING.
 */
void
dh_sync_engine_sync_async (DhSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  SyncJob *job;

  g_return_if_fail (DH_IS_SYNC_ENGINE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, dh_sync_engine_sync_async);
  /* a cancelled sync ends with DH_SYNC_ERROR_CANCELLED and its report */
  g_task_set_check_cancellable (outer, FALSE);

  if (self->running)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_PENDING,
                               _("A sync is under way already; wait for it to end"));
      return;
    }

  cancel_retry (self);
  self->running = TRUE;
  set_progress (self, 0.0);
  set_state (self, DH_SYNC_STATE_SYNCING);

  job = g_new0 (SyncJob, 1);
  job->store = g_object_ref (self->store);
  job->engine = g_object_ref (self);
  inner = g_task_new (self, cancellable, sync_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, dh_sync_engine_sync_async);
  g_task_set_task_data (inner, job, (GDestroyNotify) sync_job_free);
  g_task_set_check_cancellable (inner, FALSE);
  g_task_run_in_thread (inner, sync_thread);
}

/**
 * dh_sync_engine_sync_finish:
 * @out_report: (out caller-allocates) (optional): what the sync did, also
 *   when it failed midway; clear it with dh_sync_report_clear()
 */
gboolean
dh_sync_engine_sync_finish (DhSyncEngine  *self,
                            GAsyncResult  *result,
                            DhSyncReport  *out_report,
                            GError       **error)
{
  DhSyncReport *report;

  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  report = g_task_get_task_data (G_TASK (result));
  if (out_report != NULL)
    {
      memset (out_report, 0, sizeof *out_report);
      if (report != NULL)
        {
          *out_report = *report;
          memset (report, 0, sizeof *report);
        }
    }

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* By itself */

static void
automatic_sync_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dh_sync_engine_sync_finish (DH_SYNC_ENGINE (source), result, NULL, &error) &&
      !g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_CANCELLED))
    g_debug ("A sync failed: %s", error->message);
}

static void
start_automatic_sync (DhSyncEngine *self)
{
  if (!self->automatic || self->running || !network_is_up (self) || !is_set_up (self))
    return;

  g_clear_object (&self->automatic_cancellable);
  self->automatic_cancellable = g_cancellable_new ();
  dh_sync_engine_sync_async (self, self->automatic_cancellable, automatic_sync_done_cb, NULL);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    DhSyncEngine    *self)
{
  if (!available)
    {
      if (!self->running && self->state != DH_SYNC_STATE_SIGN_IN_NEEDED)
        set_state (self, DH_SYNC_STATE_OFFLINE);
      return;
    }

  if (self->state == DH_SYNC_STATE_OFFLINE)
    set_state (self, resting_state (self));
  /* a connection that comes back is worth a try at once */
  cancel_retry (self);
  start_automatic_sync (self);
}

gboolean
dh_sync_engine_get_automatic (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), FALSE);

  return self->automatic;
}

/* Whether the engine syncs by itself: at once when a connection is there,
 * whenever one appears, and again after a failure of the network or the
 * server, with backoff. */
void
dh_sync_engine_set_automatic (DhSyncEngine *self,
                              gboolean      automatic)
{
  g_return_if_fail (DH_IS_SYNC_ENGINE (self));

  automatic = !!automatic;
  if (self->automatic == automatic)
    return;
  self->automatic = automatic;

  if (automatic)
    {
      if (self->monitor == NULL)
        self->monitor = g_object_ref (g_network_monitor_get_default ());
      self->network_changed_id = g_signal_connect (self->monitor, "network-changed",
                                                   G_CALLBACK (network_changed_cb), self);
      if (!self->running)
        set_state (self, resting_state (self));
      /* a connection that is there already counts as one that appears */
      start_automatic_sync (self);
    }
  else
    {
      cancel_retry (self);
      g_clear_signal_handler (&self->network_changed_id, self->monitor);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTOMATIC]);
}

/* Getters */

DhStore *
dh_sync_engine_get_store (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), NULL);
  return self->store;
}

DhSyncState
dh_sync_engine_get_state (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), DH_SYNC_STATE_IDLE);
  return self->state;
}

gint64
dh_sync_engine_get_pending (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), 0);
  return self->pending;
}

double
dh_sync_engine_get_progress (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), 0.0);
  return self->progress;
}

/* Returns: (transfer none) (nullable): when the last sync that succeeded ended */
GDateTime *
dh_sync_engine_get_last_sync (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), NULL);
  return self->last_sync;
}

const char *
dh_sync_engine_get_last_error (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

/* The server's clock minus this device's, in milliseconds, as last seen. */
gint64
dh_sync_engine_get_clock_offset (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), 0);
  return self->clock_offset;
}

gboolean
dh_sync_engine_get_clock_is_wrong (DhSyncEngine *self)
{
  g_return_val_if_fail (DH_IS_SYNC_ENGINE (self), FALSE);
  return ABS (self->clock_offset) > DH_SYNC_CLOCK_WARNING_MS;
}

/* GObject */

static void
dh_sync_engine_constructed (GObject *object)
{
  DhSyncEngine *self = DH_SYNC_ENGINE (object);
  g_autofree char *last = NULL;
  g_autofree char *offset = NULL;
  g_autofree char *last_error = NULL;

  G_OBJECT_CLASS (dh_sync_engine_parent_class)->constructed (object);

  g_assert (self->store != NULL);

  last = dh_store_get_meta (self->store, "last_sync");
  if (last != NULL && *last != '\0')
    self->last_sync = g_date_time_new_from_iso8601 (last, NULL);
  offset = dh_store_get_meta (self->store, "sync_clock_offset");
  if (offset != NULL)
    self->clock_offset = g_ascii_strtoll (offset, NULL, 10);
  last_error = dh_store_get_meta (self->store, "sync_last_error");
  if (last_error != NULL && *last_error != '\0')
    self->last_error = g_steal_pointer (&last_error);

  self->pending = MAX (dh_store_count_pending_changes (self->store, NULL), 0);
  self->state = resting_state (self);
}

static void
dh_sync_engine_dispose (GObject *object)
{
  DhSyncEngine *self = DH_SYNC_ENGINE (object);

  cancel_retry (self);
  if (self->automatic_cancellable != NULL)
    g_cancellable_cancel (self->automatic_cancellable);
  g_clear_object (&self->automatic_cancellable);
  g_clear_signal_handler (&self->network_changed_id, self->monitor);
  g_clear_object (&self->monitor);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dh_sync_engine_parent_class)->dispose (object);
}

static void
dh_sync_engine_finalize (GObject *object)
{
  DhSyncEngine *self = DH_SYNC_ENGINE (object);

  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (dh_sync_engine_parent_class)->finalize (object);
}

static void
dh_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DhSyncEngine *self = DH_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_CLOCK_OFFSET:
      g_value_set_int64 (value, self->clock_offset);
      break;
    case PROP_CLOCK_IS_WRONG:
      g_value_set_boolean (value, dh_sync_engine_get_clock_is_wrong (self));
      break;
    case PROP_AUTOMATIC:
      g_value_set_boolean (value, self->automatic);
      break;
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_sync_engine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DhSyncEngine *self = DH_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_AUTOMATIC:
      dh_sync_engine_set_automatic (self, g_value_get_boolean (value));
      break;
    case PROP_NETWORK_MONITOR:
      g_set_object (&self->monitor, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_sync_engine_class_init (DhSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dh_sync_engine_constructed;
  object_class->dispose = dh_sync_engine_dispose;
  object_class->finalize = dh_sync_engine_finalize;
  object_class->get_property = dh_sync_engine_get_property;
  object_class->set_property = dh_sync_engine_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, DH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, DH_TYPE_SYNC_STATE, DH_SYNC_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOCK_OFFSET] =
    g_param_spec_int64 ("clock-offset", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLOCK_IS_WRONG] =
    g_param_spec_boolean ("clock-is-wrong", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTOMATIC] =
    g_param_spec_boolean ("automatic", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* which monitor says whether there is a network: GLib's default unless given */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dh_sync_engine_init (DhSyncEngine *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->state = DH_SYNC_STATE_IDLE;
}

/**
 * dh_sync_engine_new:
 *
 * An engine that syncs only when asked; dh_sync_engine_set_automatic()
 * makes it sync by itself when a connection appears and retry failures.
 */
DhSyncEngine *
dh_sync_engine_new (DhStore *store)
{
  g_return_val_if_fail (DH_IS_STORE (store), NULL);

  return g_object_new (DH_TYPE_SYNC_ENGINE, "store", store, NULL);
}
