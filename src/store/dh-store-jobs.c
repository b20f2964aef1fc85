/* dh-store-jobs.c – the long writes an application runs off its main thread: a page, a bundle, imports, exports */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "dh-store-private.h"

/* Each job keeps what it was given and what it found in one structure:
 * the worker fills it, the _finish function hands the results over. */

typedef struct
{
  GPtrArray     *changes;
  char          *cursor;
  DhApplyReport  report;
} ApplyJob;

static void
apply_job_free (ApplyJob *job)
{
  g_ptr_array_unref (job->changes);
  g_free (job->cursor);
  g_free (job);
}

static gboolean
apply_in_thread (DhStore       *store,
                 gpointer       data,
                 DhProgress    *progress,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ApplyJob *job = data;

  if (!dh_store_apply_changes (store, job->changes, job->cursor, &job->report, error))
    return FALSE;
  dh_progress_report (progress, job->changes->len, job->changes->len);

  return TRUE;
}

/**
 * dh_store_apply_changes_async:
 * @changes: (element-type json_object): a page of changes as received
 * @cursor: (nullable): where the page ends, kept with it
 *
 * dh_store_apply_changes() in a worker thread: the lists of the user
 * interface keep reading while the page lands.
 */
void
dh_store_apply_changes_async (DhStore             *self,
                              GPtrArray           *changes,
                              const char          *cursor,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  ApplyJob *job;

  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (changes != NULL);

  job = g_new0 (ApplyJob, 1);
  job->changes = g_ptr_array_ref (changes);
  job->cursor = g_strdup (cursor);
  dh_store_run_write_in_thread (self, apply_in_thread, job, (GDestroyNotify) apply_job_free,
                                NULL, NULL, cancellable, callback, user_data);
}

gboolean
dh_store_apply_changes_finish (DhStore        *self,
                               GAsyncResult   *result,
                               DhApplyReport  *out_report,
                               GError        **error)
{
  ApplyJob *job;

  if (!dh_store_run_write_finish (self, result, error))
    return FALSE;

  job = dh_store_run_write_get_data (result);
  if (out_report != NULL)
    *out_report = job->report;
  return TRUE;
}

typedef struct
{
  char           *path;
  DhBundleReport  report;
  DhProgress     *progress;
} BundleJob;

static void
bundle_job_free (BundleJob *job)
{
  g_free (job->path);
  dh_bundle_report_clear (&job->report);
  g_free (job);
}

static void
bundle_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  BundleJob *job = user_data;

  dh_progress_report (job->progress, done, total);
}

static gboolean
apply_bundle_in_thread (DhStore       *store,
                        gpointer       data,
                        DhProgress    *progress,
                        GCancellable  *cancellable,
                        GError       **error)
{
  BundleJob *job = data;

  job->progress = progress;
  return dh_store_apply_bundle (store, job->path, bundle_progress_cb, job, &job->report, error);
}

/**
 * dh_store_apply_bundle_async:
 * @progress_func: (nullable) (scope call): told how many changes were read
 *   of how many the bundle carries, on the caller's main context
 *
 * dh_store_apply_bundle() in a worker thread.
 */
void
dh_store_apply_bundle_async (DhStore             *self,
                             const char          *path,
                             DhProgressFunc       progress_func,
                             gpointer             progress_data,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  BundleJob *job;

  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (BundleJob, 1);
  job->path = g_strdup (path);
  dh_store_run_write_in_thread (self, apply_bundle_in_thread, job, (GDestroyNotify) bundle_job_free,
                                progress_func, progress_data, cancellable, callback, user_data);
}

/* out_report: (out caller-allocates) (transfer full): what the bundle
 * held and what became of it, also when the bundle was cut short */
gboolean
dh_store_apply_bundle_finish (DhStore         *self,
                              GAsyncResult    *result,
                              DhBundleReport  *out_report,
                              GError         **error)
{
  BundleJob *job = dh_store_run_write_get_data (result);
  gboolean ok = dh_store_run_write_finish (self, result, error);

  if (out_report != NULL)
    {
      *out_report = job->report;
      memset (&job->report, 0, sizeof job->report);
    }
  return ok;
}

typedef struct
{
  char           *path;
  gboolean        members;  /* a list of members, else of households */
  gboolean        dry_run;
  DhImportReport  report;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_free (job->path);
  dh_import_report_clear (&job->report);
  g_free (job);
}

static gboolean
import_in_thread (DhStore       *store,
                  gpointer       data,
                  DhProgress    *progress,
                  GCancellable  *cancellable,
                  GError       **error)
{
  ImportJob *job = data;

  return dh_store_import_in_thread (store, job->members, job->path, job->dry_run,
                                    progress, cancellable, &job->report, error);
}

static void
import_async (DhStore             *self,
              const char          *path,
              gboolean             members,
              gboolean             dry_run,
              DhProgressFunc       progress_func,
              gpointer             progress_data,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  ImportJob *job;

  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (ImportJob, 1);
  job->path = g_strdup (path);
  job->members = members;
  job->dry_run = dry_run;
  dh_store_run_write_in_thread (self, import_in_thread, job, (GDestroyNotify) import_job_free,
                                progress_func, progress_data, cancellable, callback, user_data);
}

/**
 * dh_store_import_households_async:
 * @progress_func: (nullable): told how far the import has come, in
 *   thousandths (reading and checking the rows, then writing them)
 *
 * dh_store_import_households() in a worker thread. Cancelled, it stops
 * at the next few rows and writes nothing, even halfway through writing.
 */
void
dh_store_import_households_async (DhStore             *self,
                                  const char          *path,
                                  gboolean             dry_run,
                                  DhProgressFunc       progress_func,
                                  gpointer             progress_data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  import_async (self, path, FALSE, dry_run, progress_func, progress_data, cancellable, callback, user_data);
}

/* dh_store_import_members() in a worker thread; its result, as a
 * household list's, with dh_store_import_households_finish(). */
void
dh_store_import_members_async (DhStore             *self,
                               const char          *path,
                               gboolean             dry_run,
                               DhProgressFunc       progress_func,
                               gpointer             progress_data,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  import_async (self, path, TRUE, dry_run, progress_func, progress_data, cancellable, callback, user_data);
}

/* out_report: (out caller-allocates) (transfer full): every bad row, also
 * when the import failed because of them */
gboolean
dh_store_import_households_finish (DhStore         *self,
                                   GAsyncResult    *result,
                                   DhImportReport  *out_report,
                                   GError         **error)
{
  ImportJob *job = dh_store_run_write_get_data (result);
  gboolean ok = dh_store_run_write_finish (self, result, error);

  if (out_report != NULL)
    {
      *out_report = job->report;
      memset (&job->report, 0, sizeof job->report);
    }
  return ok;
}

typedef struct
{
  char     *entity;  /* NULL: a bundle of the waiting changes */
  char     *path;
  gboolean  replace;
  guint     written;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->entity);
  g_free (job->path);
  g_free (job);
}

static gboolean
export_in_thread (DhStore       *store,
                  gpointer       data,
                  DhProgress    *progress,
                  GCancellable  *cancellable,
                  GError       **error)
{
  ExportJob *job = data;

  if (job->entity != NULL)
    return dh_store_export_csv_in_thread (store, job->entity, job->path, progress, cancellable,
                                          &job->written, error);

  return dh_store_export_bundle (store, job->path, job->replace, &job->written, error);
}

static void
export_async (DhStore             *self,
              const char          *entity,
              const char          *path,
              gboolean             replace,
              DhProgressFunc       progress_func,
              gpointer             progress_data,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  ExportJob *job;

  g_return_if_fail (DH_IS_STORE (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (ExportJob, 1);
  job->entity = g_strdup (entity);
  job->path = g_strdup (path);
  job->replace = replace;
  dh_store_run_write_in_thread (self, export_in_thread, job, (GDestroyNotify) export_job_free,
                                progress_func, progress_data, cancellable, callback, user_data);
}

/**
 * dh_store_export_csv_async:
 * @progress_func: (nullable): told how many rows of how many are written
 *
 * dh_store_export_csv() in a worker thread. Cancelled, it stops at the
 * next page of rows and leaves no file behind (an existing one as it was).
 */
void
dh_store_export_csv_async (DhStore             *self,
                           const char          *entity,
                           const char          *path,
                           DhProgressFunc       progress_func,
                           gpointer             progress_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (entity != NULL);

  export_async (self, entity, path, TRUE, progress_func, progress_data, cancellable, callback, user_data);
}

/* dh_store_export_bundle() in a worker thread. */
void
dh_store_export_bundle_async (DhStore             *self,
                              const char          *path,
                              gboolean             replace,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  export_async (self, NULL, path, replace, NULL, NULL, cancellable, callback, user_data);
}

/* Either export's result: how many records or changes were written. */
gboolean
dh_store_export_finish (DhStore       *self,
                        GAsyncResult  *result,
                        guint         *out_written,
                        GError       **error)
{
  ExportJob *job = dh_store_run_write_get_data (result);

  if (!dh_store_run_write_finish (self, result, error))
    return FALSE;
  if (out_written != NULL)
    *out_written = job->written;
  return TRUE;
}
