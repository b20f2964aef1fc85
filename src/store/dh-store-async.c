/* dh-store-async.c – the store's long work in worker threads, with progress and cancellation */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include "dh-store-private.h"

/* Progress travels from the worker to the caller's main context the way
 * the result does, by an idle source; reports made faster than the main
 * context runs are folded into the latest, so a worker may report after
 * each record without flooding the user interface. */
struct _DhProgress
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GMainContext    *context;
  DhProgressFunc   func;
  gpointer         func_data;
  guint64          done;
  guint64          total;
  gboolean         scheduled;
};

static DhProgress *
dh_progress_new (GMainContext   *context,
                 DhProgressFunc  func,
                 gpointer        func_data)
{
  DhProgress *self = g_new0 (DhProgress, 1);

  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref (context);
  self->func = func;
  self->func_data = func_data;

  return self;
}

static DhProgress *
dh_progress_ref (DhProgress *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
dh_progress_unref (DhProgress *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static gboolean
deliver_progress_cb (gpointer user_data)
{
  DhProgress *self = user_data;
  guint64 done, total;

  g_mutex_lock (&self->lock);
  done = self->done;
  total = self->total;
  self->scheduled = FALSE;
  g_mutex_unlock (&self->lock);

  self->func (done, total, self->func_data);

  return G_SOURCE_REMOVE;
}

/**
 * dh_progress_report:
 * @progress: (nullable): the progress a #DhStoreThreadFunc was given
 * @done: how many units are done
 * @total: how many there are, or 0 when not known
 *
 * Tells the caller how far the work has come; called from the worker
 * thread, as often as is convenient.
 */
void
dh_progress_report (DhProgress *progress,
                    guint64     done,
                    guint64     total)
{
  if (progress == NULL || progress->func == NULL)
    return;

  g_mutex_lock (&progress->lock);
  progress->done = done;
  progress->total = total;
  if (!progress->scheduled)
    {
      /* the same priority as the task's result, and attached before it:
       * the last report reaches the caller before the result does */
      g_autoptr(GSource) source = g_idle_source_new ();

      progress->scheduled = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[dh-store] progress");
      g_source_set_callback (source, deliver_progress_cb, dh_progress_ref (progress),
                             (GDestroyNotify) dh_progress_unref);
      g_source_attach (source, progress->context);
    }
  g_mutex_unlock (&progress->lock);
}

/* Reads */

typedef struct
{
  DhStoreReadFunc func;
  gpointer        args;
  GDestroyNotify  args_free;
  GDestroyNotify  result_free;
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  if (job->args_free != NULL && job->args != NULL)
    job->args_free (job->args);
  g_free (job);
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ReadJob *job = task_data;
  GError *error = NULL;
  gpointer result = job->func (source_object, job->args, cancellable, &error);

  if (result == NULL)
    {
      g_assert (error != NULL);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, result, job->result_free);
}

void
dh_store_read_in_thread (DhStore             *self,
                         gpointer             source_tag,
                         DhStoreReadFunc      func,
                         gpointer             args,
                         GDestroyNotify       args_free,
                         GDestroyNotify       result_free,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadJob *job;

  g_assert (DH_IS_STORE (self));
  g_assert (func != NULL);

  job = g_new0 (ReadJob, 1);
  job->func = func;
  job->args = args;
  job->args_free = args_free;
  job->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  (g_task_set_source_tag) (task, source_tag);
  g_task_set_name (task, "[dh-store] read");
  g_task_set_task_data (task, job, (GDestroyNotify) read_job_free);
  g_task_run_in_thread (task, read_in_thread);
}

gpointer
dh_store_read_finish (DhStore       *self,
                      GAsyncResult  *result,
                      gpointer       source_tag,
                      GError       **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Writes */

typedef struct
{
  DhStoreThreadFunc  func;
  gpointer           data;
  GDestroyNotify     data_destroy;
  DhProgress        *progress;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  if (job->data_destroy != NULL)
    job->data_destroy (job->data);
  g_clear_pointer (&job->progress, dh_progress_unref);
  g_free (job);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!job->func (source_object, job->data, job->progress, cancellable, &error))
    {
      g_assert (error != NULL);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * dh_store_run_write_in_thread:
 * @func: the work: it writes with dh_store_begin() and dh_store_commit()
 *   (or any write of the store), reports with dh_progress_report(), and
 *   looks at @cancellable between two batches
 * @data: (closure func): what @func works on
 * @data_destroy: (nullable): frees @data once the work is over
 * @progress_func: (nullable) (scope call): called with @func's reports
 * @progress_data: (closure progress_func): valid until @callback runs
 * @cancellable: (nullable): stops the work between two batches
 *
 * Runs long work on the store – a page of changes from the server, an
 * import, an export – in a worker thread, so that the user interface
 * never waits for it; the lists read on their own connections meanwhile.
 * @progress_func and @callback run on the thread-default main context of
 * the caller, every report before the result.
 *
 * Cancelled before it starts, @func does not run; cancelled during it,
 * the batches @func committed stay, and the one in progress is rolled back
 * if @func gives up with %G_IO_ERROR_CANCELLED. The result is what @func
 * returned: a work that finished though cancelled late says so.
 */
void
dh_store_run_write_in_thread (DhStore             *self,
                              DhStoreThreadFunc    func,
                              gpointer             data,
                              GDestroyNotify       data_destroy,
                              DhProgressFunc       progress_func,
                              gpointer             progress_data,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteJob *job;

  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (func != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dh_store_run_write_in_thread);
  /* what committed did: the result must not pretend otherwise */
  g_task_set_check_cancellable (task, FALSE);

  job = g_new0 (WriteJob, 1);
  job->func = func;
  job->data = data;
  job->data_destroy = data_destroy;
  job->progress = dh_progress_new (g_task_get_context (task), progress_func, progress_data);
  g_task_set_task_data (task, job, (GDestroyNotify) write_job_free);

  g_task_run_in_thread (task, write_in_thread);
}

/* What dh_store_run_write_in_thread() was given to work on, for the
 * _finish functions that read their results from it. */
gpointer
dh_store_run_write_get_data (GAsyncResult *result)
{
  WriteJob *job = g_task_get_task_data (G_TASK (result));

  return job->data;
}

gboolean
dh_store_run_write_finish (DhStore       *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dh_store_run_write_in_thread, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
