/* dh-store.h – the local store: one SQLite file that never loses an acknowledged record */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>
#include <json-c/json.h>

#include "dh-entity.h"
#include "dh-hlc.h"
#include "dh-page-check.h"

G_BEGIN_DECLS

#define DH_STORE_ERROR (dh_store_error_quark ())

typedef enum
{
  DH_STORE_ERROR_OPEN,        /* the file cannot be opened or created */
  DH_STORE_ERROR_CORRUPT,     /* the file is not a store, or is damaged */
  DH_STORE_ERROR_TOO_NEW,     /* written by a newer Đồng Hành */
  DH_STORE_ERROR_NOT_FOUND,   /* no live record with that id */
  DH_STORE_ERROR_LEDGER,      /* a delivered support entry cannot be changed */
  DH_STORE_ERROR_DUPLICATE,   /* a code or citizen ID already in use */
  DH_STORE_ERROR_REFERENCE,   /* refers to a record that does not exist or does not fit */
  DH_STORE_ERROR_BUSY,        /* another program writes to the store, for longer than the wait */
  DH_STORE_ERROR_FAILED,      /* SQLite failed: disk full, I/O error */
  DH_STORE_ERROR_DEMO,        /* demo data never leaves the store */
  DH_STORE_ERROR_AMBIGUOUS,   /* a name that more than one record bears: give its code */
} DhStoreError;

/**
 * DhStoreOpenFlags:
 * @DH_STORE_OPEN_DEFAULT: open an existing store to read and write
 * @DH_STORE_OPEN_CREATE: make the store when the file is missing
 * @DH_STORE_OPEN_READ_ONLY: only read it: nothing is written, not even an upgrade
 *
 * How dh_store_open_full() opens its file. A file that is there and is not
 * a Đồng Hành store is refused whatever the flags, and never changed.
 */
typedef enum
{
  DH_STORE_OPEN_DEFAULT   = 0,
  DH_STORE_OPEN_CREATE    = 1 << 0,
  DH_STORE_OPEN_READ_ONLY = 1 << 1,
} DhStoreOpenFlags;

/* The order of a list: how Vietnamese lists sort people by default
 * (given name first), or by the full name as written. */
typedef enum
{
  DH_SORT_DEFAULT,    /* each entity's natural order (see dh_store_list) */
  DH_SORT_GIVEN_NAME, /* households, members: given name, then family and middle name */
  DH_SORT_FULL_NAME,  /* households, members, places: the whole name as written */
  DH_SORT_NEWEST,     /* the date of the record's event, newest first */
} DhSort;

typedef struct
{
  const char *entity;        /* "household", ..., or "commune" / "village" for places */
  const char * const *filters; /* NULL-terminated "field=value" pairs, values compared as written */
  DhSort      sort;
  guint       offset;
  guint       limit;         /* 0: DH_STORE_DEFAULT_LIMIT */
  gboolean    include_deleted;
} DhQuery;

/* A household filter that is no field: "not_visited_for=DAYS" lists the
 * households never visited, not visited for DAYS days, or whose planned
 * next visit has passed (the rule of dh_store_report_overdue()). */
#define DH_FILTER_NOT_VISITED_FOR  "not_visited_for"
#define DH_MAX_VISIT_INTERVAL_DAYS 36500

#define DH_STORE_DEFAULT_LIMIT 100
#define DH_STORE_MAX_LIMIT     10000

#define DH_TYPE_STORE (dh_store_get_type ())

G_DECLARE_FINAL_TYPE (DhStore, dh_store, DH, STORE, GObject)

/* How far a long operation has come: done of total units (records,
 * changes, rows); total is 0 while it is not known. Called on the
 * thread-default main context of the caller of the _async function, never
 * after its callback. */
typedef void (*DhProgressFunc) (guint64  done,
                                guint64  total,
                                gpointer user_data);

typedef struct _DhProgress DhProgress;

/* Work on the store that runs in a worker thread; see
 * dh_store_run_write_in_thread(). */
typedef gboolean (*DhStoreThreadFunc) (DhStore       *store,
                                       gpointer       data,
                                       DhProgress    *progress,
                                       GCancellable  *cancellable,
                                       GError       **error);

GQuark       dh_store_error_quark            (void);
char        *dh_store_default_path           (void);
DhStore     *dh_store_open                   (const char    *path,
                                              GError       **error);
DhStore     *dh_store_open_full              (const char       *path,
                                              DhStoreOpenFlags  flags,
                                              GError          **error);
gboolean     dh_store_is_read_only           (DhStore       *self);
const char  *dh_store_get_path               (DhStore       *self);
const char  *dh_store_get_device_id          (DhStore       *self);
int          dh_store_get_schema_version     (DhStore       *self);
const char  *dh_store_get_user               (DhStore       *self);
void         dh_store_set_user               (DhStore       *self,
                                              const char    *username);
void         dh_store_set_wall_clock         (DhStore       *self,
                                              DhHlcWallClock wall_clock,
                                              gpointer       user_data);
gint64       dh_store_get_wall_clock_ms      (DhStore       *self);
void         dh_store_get_today              (DhStore       *self,
                                              GDate         *out_today);
void         dh_store_set_today              (DhStore       *self,
                                              const GDate   *today);
void         dh_store_set_busy_timeout       (DhStore       *self,
                                              guint          milliseconds);

/* Writes made between begin and commit share one transaction: all land or none. */
gboolean     dh_store_begin                  (DhStore       *self,
                                              GError       **error);
gboolean     dh_store_commit                 (DhStore       *self,
                                              GError       **error);
void         dh_store_rollback               (DhStore       *self);

json_object *dh_store_create                 (DhStore       *self,
                                              const char    *entity,
                                              json_object   *fields,
                                              GError       **error);
json_object *dh_store_update                 (DhStore       *self,
                                              const char    *entity,
                                              const char    *id,
                                              json_object   *changes,
                                              GError       **error);
gboolean     dh_store_delete                 (DhStore       *self,
                                              const char    *entity,
                                              const char    *id,
                                              GError       **error);
json_object *dh_store_get                    (DhStore       *self,
                                              const char    *entity,
                                              const char    *id,
                                              GError       **error);
json_object *dh_store_void_support           (DhStore       *self,
                                              const char    *id,
                                              const char    *reason,
                                              GError       **error);

GPtrArray   *dh_store_list                   (DhStore       *self,
                                              const DhQuery *query,
                                              GError       **error);
gint64       dh_store_count                  (DhStore       *self,
                                              const DhQuery *query,
                                              GError       **error);
GPtrArray   *dh_store_list_values            (DhStore       *self,
                                              const char    *entity,
                                              const char    *field,
                                              GError       **error);
char        *dh_store_resolve_place          (DhStore       *self,
                                              const char    *kind,
                                              const char    *text,
                                              const char    *within,
                                              GError       **error);

/* The places of one kind read once, for many look-ups (an import). */
typedef struct _DhPlaces DhPlaces;

DhPlaces    *dh_store_load_places            (DhStore       *self,
                                              const char    *kind,
                                              GError       **error);
char        *dh_places_resolve               (DhPlaces      *places,
                                              const char    *text,
                                              const char    *within,
                                              GError       **error);
void         dh_places_free                  (DhPlaces      *places);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhPlaces, dh_places_free)

GPtrArray   *dh_store_search_households      (DhStore       *self,
                                              const char    *text,
                                              guint          limit,
                                              GError       **error);
GPtrArray   *dh_store_search_households_full (DhStore      *self,
                                              const char    *text,
                                              guint          limit,
                                              gboolean      *more,
                                              GError       **error);

/* What became of a batch of changes made elsewhere. */
typedef struct
{
  guint applied;    /* set at least one field */
  guint already;    /* had nothing new: an echo, a replay, or an older write */
  guint held;       /* wait for the record they complete or refer to */
  guint conflicts;  /* conflict records found here */
  guint rejected;   /* set aside with their reason (dh_store_list_quarantine) */
} DhApplyReport;

/* Sync: the changes waiting to be pushed, their acknowledgement, and the
 * merge of changes pulled from the server. */
GPtrArray   *dh_store_get_pending_changes    (DhStore       *self,
                                              guint          limit,
                                              GError       **error);
gint64       dh_store_count_pending_changes  (DhStore       *self,
                                              GError       **error);
gint64       dh_store_count_set_aside        (DhStore       *self,
                                              GError       **error);
gboolean     dh_store_acknowledge_changes    (DhStore       *self,
                                              const char * const *change_ids,
                                              GError       **error);
gboolean     dh_store_apply_remote_changes   (DhStore       *self,
                                              GPtrArray     *changes,
                                              GError       **error);
gboolean     dh_store_apply_changes          (DhStore       *self,
                                              GPtrArray     *changes,
                                              const char    *cursor,
                                              DhApplyReport *report,
                                              GError       **error);
DhPageCheck *dh_store_check_page            (DhStore       *self,
                                              DhPageChecker *checker,
                                              DhWirePage    *page,
                                              gboolean       first_sync);
gboolean     dh_store_apply_checked_changes  (DhStore       *self,
                                              DhWirePage    *page,
                                              DhPageCheck   *check,
                                              const char    *cursor,
                                              DhApplyReport *report,
                                              GError       **error);
/* A first sync is the pages of a pull into a store that had no pull
 * cursor: they leave their records' search entries out (a search meanwhile
 * writes them first), and when the store had no record at all, they know
 * its ids from memory. The engine calls dh_store_finish_first_sync() once
 * the last page landed: the entries are then written in one transaction.
 * A store opened with entries missing writes them at opening. */
gboolean     dh_store_finish_first_sync      (DhStore       *self,
                                              GError       **error);
gboolean     dh_store_begin_pulled           (DhStore       *self,
                                              GError       **error);
gboolean     dh_store_end_pulled             (DhStore       *self,
                                              gboolean       success,
                                              GError       **error);
gboolean     dh_store_is_in_first_sync       (DhStore       *self);
GPtrArray   *dh_store_list_queue             (DhStore       *self,
                                              gboolean       rejected_only,
                                              guint          limit,
                                              GError       **error);
gboolean     dh_store_mark_changes_sent      (DhStore       *self,
                                              const char * const *change_ids,
                                              GError       **error);
gboolean     dh_store_reject_changes         (DhStore       *self,
                                              const char * const *change_ids,
                                              const char * const *reasons,
                                              GError       **error);
gboolean     dh_store_retry_rejected         (DhStore       *self,
                                              guint         *out_count,
                                              GError       **error);
GPtrArray   *dh_store_list_conflicts         (DhStore       *self,
                                              gboolean       include_settled,
                                              GError       **error);
gboolean     dh_store_is_demo                (DhStore       *self);
gboolean     dh_store_check_can_send         (DhStore       *self,
                                              GError       **error);
GPtrArray   *dh_store_list_quarantine        (DhStore       *self,
                                              guint          limit,
                                              GError       **error);
gboolean     dh_store_apply_set_aside        (DhStore       *self,
                                              DhApplyReport *report,
                                              GError       **error);
GPtrArray   *dh_store_export_state           (DhStore       *self,
                                              const char    *entity,
                                              GError       **error);
gboolean     dh_store_restore                (DhStore       *self,
                                              const char    *entity,
                                              const char    *id,
                                              GError       **error);
char        *dh_store_get_meta               (DhStore       *self,
                                              const char    *key);
gboolean     dh_store_set_meta               (DhStore       *self,
                                              const char    *key,
                                              const char    *value,
                                              GError       **error);

gboolean     dh_store_vacuum                 (DhStore       *self,
                                              GError       **error);

/* Long work in a worker thread: the callback runs on the thread-default
 * main context of the caller. */
void         dh_progress_report              (DhProgress    *progress,
                                              guint64        done,
                                              guint64        total);
void         dh_store_run_write_in_thread    (DhStore            *self,
                                              DhStoreThreadFunc   func,
                                              gpointer            data,
                                              GDestroyNotify      data_destroy,
                                              DhProgressFunc      progress_func,
                                              gpointer            progress_data,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean     dh_store_run_write_finish       (DhStore            *self,
                                              GAsyncResult       *result,
                                              GError            **error);

void         dh_store_list_async             (DhStore            *self,
                                              const DhQuery      *query,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
GPtrArray   *dh_store_list_finish            (DhStore            *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void         dh_store_count_async            (DhStore            *self,
                                              const DhQuery      *query,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gint64       dh_store_count_finish           (DhStore            *self,
                                              GAsyncResult       *result,
                                              GError            **error);
void         dh_store_search_households_async (DhStore           *self,
                                              const char         *text,
                                              guint               limit,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
GPtrArray   *dh_store_search_households_finish (DhStore          *self,
                                              GAsyncResult       *result,
                                              GError            **error);

/* Aggregates for status lines and reports. */
json_object *dh_store_get_status             (DhStore       *self,
                                              GError       **error);
json_object *dh_store_report_classes_by_village (DhStore    *self,
                                              const char    *commune_id,
                                              GError       **error);
json_object *dh_store_report_overdue         (DhStore       *self,
                                              const char    *commune_id,
                                              guint          days,
                                              GError       **error);
json_object *dh_store_report_support_totals  (DhStore       *self,
                                              const char    *commune_id,
                                              int            year,
                                              GError       **error);
json_object *dh_store_household_support     (DhStore       *self,
                                              const char    *household_id,
                                              GError       **error);

/* The commune's lists in, and lists out, as CSV (dh-store-csv.c). */
typedef enum
{
  DH_IMPORT_ROW_PROBLEM,    /* the row is bad (or a note on the file) */
  DH_IMPORT_ROW_NEW,        /* the row makes a new record */
  DH_IMPORT_ROW_UPDATE,     /* the row changes a record the store has */
  DH_IMPORT_ROW_UNCHANGED,  /* the row is a record the store has, as it is */
} DhImportRowKind;

typedef struct
{
  guint            line;     /* 0: the file as a whole */
  char            *column;   /* the column's heading as the file writes it, or NULL: the row as a whole */
  char            *message;
  DhImportRowKind  kind;     /* in DhImportReport.rows: what becomes of the row */
} DhImportProblem;

typedef struct
{
  guint      good;       /* rows that are right: created + updated + unchanged */
  guint      bad;
  guint      created;    /* rows that make a new record */
  guint      updated;    /* rows that change a record the store has */
  guint      unchanged;  /* rows that match a record the store has, as it is */
  GPtrArray *problems;   /* DhImportProblem *, in the order of the file: every problem of every bad row */
  GPtrArray *warnings;   /* DhImportProblem *: the columns the import leaves out */
  GPtrArray *changes;    /* DhImportProblem *: what each update changes, in words */
  GPtrArray *rows;       /* DhImportProblem *: what becomes of each good row, in words
                          * ("new: …", "unchanged: …", or its changes), in the order of the file */
} DhImportReport;

void         dh_import_report_clear          (DhImportReport *report);
gboolean     dh_store_import_households      (DhStore       *self,
                                              const char    *path,
                                              gboolean       dry_run,
                                              DhImportReport *report,
                                              GError       **error);
gboolean     dh_store_import_members         (DhStore       *self,
                                              const char    *path,
                                              gboolean       dry_run,
                                              DhImportReport *report,
                                              GError       **error);
gboolean     dh_store_export_csv             (DhStore       *self,
                                              const char    *entity,
                                              const char    *path,
                                              guint         *out_written,
                                              GError       **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DhImportReport, dh_import_report_clear)
/* Bundles: the changes of a device carried as a file, on a USB stick where
 * no signal reaches (README, "Changes on a USB stick"). A bundle is JSON
 * lines: {"donghanh": "changes", "version": 2, "device": ..., "made_at": ...,
 * "count": N}, the N changes as they travel (dh-change.h), then {"end": N},
 * so that a bundle cut short is recognised. Version 2 writes a field that
 * is its value alone without a list, which version 1 could not read;
 * bundles of version 1 are read as ever. */

#define DH_BUNDLE_VERSION    2
#define DH_BUNDLE_BATCH_SIZE 500   /* changes applied per transaction */

typedef struct
{
  char          *device;      /* the device that made it */
  char          *user;        /* who was signed in there, or NULL */
  char          *made_at;     /* when, in ISO 8601 (UTC) */
  guint          count;       /* the changes it says it carries */
  guint          received;    /* the changes read whole from it */
  gboolean       complete;    /* it ends with its last line, and the counts agree */
  gboolean       nothing_new; /* the store had all of it already and wrote nothing */
  DhApplyReport  changes;     /* what became of the changes */
  GPtrArray     *set_aside;   /* (element-type json_object): {"reason", and "entity" +
                               * "record_id" or the "line" that is not a change} */
} DhBundleReport;

typedef void (*DhBundleProgress) (guint    done,
                                  guint    total,
                                  gpointer user_data);

gboolean     dh_store_export_bundle          (DhStore          *self,
                                              const char       *path,
                                              gboolean          replace,
                                              guint            *out_count,
                                              GError          **error);
gboolean     dh_store_apply_bundle           (DhStore          *self,
                                              const char       *path,
                                              DhBundleProgress  progress,
                                              gpointer          user_data,
                                              DhBundleReport   *report,
                                              GError          **error);
void         dh_bundle_report_clear          (DhBundleReport   *report);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DhBundleReport, dh_bundle_report_clear)

/* The long writes, in a worker thread (dh-store-jobs.c): the callback and
 * any progress run on the caller's main context. */
void         dh_store_apply_changes_async    (DhStore            *self,
                                              GPtrArray          *changes,
                                              const char         *cursor,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean     dh_store_apply_changes_finish   (DhStore            *self,
                                              GAsyncResult       *result,
                                              DhApplyReport      *out_report,
                                              GError            **error);
void         dh_store_apply_bundle_async     (DhStore            *self,
                                              const char         *path,
                                              DhProgressFunc      progress_func,
                                              gpointer            progress_data,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean     dh_store_apply_bundle_finish    (DhStore            *self,
                                              GAsyncResult       *result,
                                              DhBundleReport     *out_report,
                                              GError            **error);
void         dh_store_import_households_async (DhStore           *self,
                                              const char         *path,
                                              gboolean            dry_run,
                                              DhProgressFunc      progress_func,
                                              gpointer            progress_data,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
void         dh_store_import_members_async   (DhStore            *self,
                                              const char         *path,
                                              gboolean            dry_run,
                                              DhProgressFunc      progress_func,
                                              gpointer            progress_data,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean     dh_store_import_households_finish (DhStore          *self,
                                              GAsyncResult       *result,
                                              DhImportReport     *out_report,
                                              GError            **error);
void         dh_store_export_csv_async       (DhStore            *self,
                                              const char         *entity,
                                              const char         *path,
                                              DhProgressFunc      progress_func,
                                              gpointer            progress_data,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
void         dh_store_export_bundle_async    (DhStore            *self,
                                              const char         *path,
                                              gboolean            replace,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean     dh_store_export_finish          (DhStore            *self,
                                              GAsyncResult       *result,
                                              guint              *out_written,
                                              GError            **error);
void         dh_store_get_status_async       (DhStore            *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
json_object *dh_store_get_status_finish      (DhStore            *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS
