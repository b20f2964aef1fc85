/* dh-store-private.h – what the files of DhStore share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <sqlite3.h>

#include "dh-autocleanups.h"
#include "dh-change.h"
#include "dh-hlc.h"
#include "dh-merge.h"
#include "dh-store.h"

G_BEGIN_DECLS

typedef struct
{
  int         version;
  const char *sql;
} DhMigration;

extern const DhMigration dh_store_migrations[];
extern const guint dh_store_n_migrations;

/* A connection to the store's file and the statements prepared on it.
 * The writer's is used under the store's lock; a reader's by one thread
 * at a time, taken from the store's pool and given back with
 * dh_connection_release(). */
typedef struct _DhConnection DhConnection;

struct _DhConnection
{
  DhStore      *store;
  sqlite3      *db;
  GHashTable   *statements;  /* SQL -> sqlite3_stmt, prepared on db */
  GHashTable   *by_address;  /* SQL text that lives as long as the program, by its address -> the same statements */
  gboolean      is_writer;
  GCancellable *cancellable; /* interrupts the reads while set */
};

typedef enum
{
  DH_SYNC_SYNCED   = 0,
  DH_SYNC_CREATED  = 1,
  DH_SYNC_MODIFIED = 2,
  DH_SYNC_DELETED  = 3,
} DhSyncState;

struct _DhStore
{
  GObject      parent_instance;

  char        *path;
  sqlite3     *db;           /* the writer's connection: used under the lock alone, it has no mutex of SQLite's */
  GRecMutex    lock;
  GThread     *lock_owner;  /* the thread that holds the lock, or NULL */
  guint        lock_depth;  /* how many times it took it */
  /* readers and main context */
  GMutex         readers_lock;
  GPtrArray     *idle_readers;      /* DhConnection *, read-only, not in use */
  DhConnection   writer_connection; /* db and statements, for reads in the writer's own transaction */
  GThread       *writer_thread;     /* the thread inside a write transaction, or NULL */
  GMainContext  *main_context;      /* where "changed" is emitted */
  GMutex         changed_lock;
  GHashTable    *changed_pending;   /* entity names committed, not yet announced */
  GSource       *changed_source;
  GMutex         clock_lock;
  DhHlcWallClock wall_clock;
  gpointer       wall_clock_data;
  GDate          fixed_today;       /* dh_store_set_today(), or invalid: from the wall clock */
  GDate          cached_today;      /* the local day of the wall clock, */
  gint64         cached_day_start;  /* valid from this millisecond */
  gint64         cached_day_end;    /* up to this one */
  const DhMigration *migrations;
  guint          n_migrations;
  gboolean       initialized;
  DhStoreOpenFlags open_flags;
  gboolean       created;           /* this opening made the file */
  gboolean       needs_stamp;       /* a store of an earlier version, without its application id */
  char          *read_uri;          /* how readers open the file: a URI for a folder we cannot write, else NULL */
  DhHlc       *hlc;
  char        *user;          /* interned: a reader on another thread never sees it freed */
  DhValidator  validator;
  GHashTable  *statements;
  guint        batch_depth;   /* dh_store_begin() levels */
  guint        write_depth;   /* dh_store_write_begin() levels */
  guint        pulled_depth;  /* write_depth of the transaction dh_store_begin_pulled() opened, 0 if none */
  gboolean     commits_unsynced; /* the connection is at synchronous=NORMAL, for dh_store_write_begin_unsynced() */
  gboolean     log_unsynced;     /* the last commit did not wait for the disk */
  int          log_pages_unsynced; /* how long the log of such commits grows before it is folded */
  struct _DhCheckpointer *checkpointer; /* folds the log of a store opened to write */
  GHashTable  *changed_entities; /* names of the entities the transaction changes */
  GHashTable  *search_pending;   /* ids of the households whose search entry the transaction changes */
  GHashTable  *search_absent;    /* gint64 rowids of search entries that cannot be there: of rows the transaction made */
  gboolean     held_possible;    /* held_change may have rows: arrivals may release some */
  GHashTable  *known_ids;        /* while a page is applied: id -> the DhEntity whose table has it, or NULL when none does */
  gboolean     known_ids_complete; /* known_ids holds every id the store has: an id it lacks is no record's */
  gboolean     search_deferred;  /* a first sync's page: the search entries wait for dh_store_complete_search() */
  gboolean     search_emptied;   /* the transaction emptied the search index: no entry is looked for before it is written */
  GHashTable  *first_sync_ids;   /* between the pages of a first sync into a store that had no record: id -> the DhEntity of every record */
  struct _DhSearchKept *first_sync_search; /* with first_sync_ids: what the search entries are made of, kept as the rows are written; NULL once a write other than a new row's touched them */
  gboolean     search_from_kept; /* the last rebuild of the search entries wrote what a first sync kept (for the tests) */
  sqlite3_int64 first_sync_changes;      /* sqlite3_total_changes64() when its last page committed */
  sqlite3_int64 first_sync_data_version; /* PRAGMA data_version just before that commit */
};

/* The store's lock, which the writer's connection is used under, and by
 * whom it is held: the connection has no mutex of its own. */
static inline void
dh_store_lock (DhStore *self)
{
  g_rec_mutex_lock (&self->lock);
  if (self->lock_depth++ == 0)
    g_atomic_pointer_set (&self->lock_owner, g_thread_self ());
}

static inline void
dh_store_unlock (DhStore *self)
{
  if (--self->lock_depth == 0)
    g_atomic_pointer_set (&self->lock_owner, NULL);
  g_rec_mutex_unlock (&self->lock);
}

static inline gboolean
dh_store_is_locked_here (DhStore *self)
{
  return g_atomic_pointer_get (&self->lock_owner) == g_thread_self ();
}

/* How long a write waits for another program's write, unless told. */
#define DH_STORE_BUSY_TIMEOUT_MS 10000

/* Number of columns before an entity's fields in every SELECT of a record. */
#define DH_RECORD_N_META 9

DhStore      *dh_store_open_with_migrations (const char         *path,
                                             const DhMigration  *migrations,
                                             guint               n_migrations,
                                             GError            **error);

/* The store's mark in the SQLite header (PRAGMA application_id): the bytes
 * "DHnh", set when the store is made, so that no other file is taken for one. */
#define DH_STORE_APPLICATION_ID 0x44486E68
sqlite3_stmt *dh_store_prepare              (DhStore            *self,
                                             const char         *sql,
                                             GError            **error);
sqlite3_stmt *dh_store_prepare_static       (DhStore            *self,
                                             const char         *sql,
                                             GError            **error);
gboolean      dh_store_exec                 (DhStore            *self,
                                             const char         *sql,
                                             GError            **error);
gboolean      dh_store_step_done            (DhStore            *self,
                                             sqlite3_stmt       *stmt,
                                             GError            **error);
void          dh_store_set_sqlite_error     (DhStore            *self,
                                             GError            **error);
const char   *dh_store_select_columns       (const DhEntity     *entity);

/* The statements every write of an entity runs, built once per entity
 * and kept for the program's life (so that dh_store_prepare_static()
 * finds them by address). */
typedef struct
{
  const char *select_by_id;  /* the row's columns, ?1 the id */
  const char *exists;        /* 1 when the id is there */
  const char *insert;        /* a new row: ?1..?9 bookkeeping, ?10.. the fields, then the sort keys */
  const char *making;        /* the clock and author of the row's making */
  const char *taken;         /* 1 when a record of another kind has the id ?1 */
} DhEntitySql;

/* @entity: (nullable): with NULL, "taken" looks at every kind */
const DhEntitySql *dh_store_entity_sql      (const DhEntity     *entity);
json_object  *dh_store_row_to_json          (const DhEntity     *entity,
                                             sqlite3_stmt       *stmt);
json_object  *dh_store_column_to_json       (const DhField      *field,
                                             sqlite3_stmt       *stmt,
                                             int                 column);
void          dh_store_bind_json            (sqlite3_stmt       *stmt,
                                             int                 index,
                                             json_object        *value);
gboolean      dh_store_write_begin          (DhStore            *self,
                                             GError            **error);
guint         dh_store_wait_checkpoints     (DhStore            *self);
void          dh_store_set_log_pages_unsynced (DhStore          *self,
                                               int               n_pages);
gboolean      dh_store_write_begin_unsynced (DhStore            *self,
                                             GError            **error);
gboolean      dh_store_write_end            (DhStore            *self,
                                             gboolean            success,
                                             GError            **error);
sqlite3_stmt *dh_connection_prepare_static  (DhConnection       *connection,
                                             const char         *sql,
                                             GError            **error);
json_object  *dh_store_get_row              (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             gboolean            include_deleted,
                                             GError            **error);
/* household_search holds, besides each household's entry at its own
 * rowid, one entry per person at a negative rowid: a member's at minus
 * the member's rowid, a head's below DH_SEARCH_HEAD_BASE. */
#define DH_SEARCH_HEAD_BASE            (G_GINT64_CONSTANT (1) << 40)
#define DH_SEARCH_HEAD_ROWID(household) (-DH_SEARCH_HEAD_BASE - (household))
#define DH_SEARCH_MEMBER_ROWID(member)  (-(member))

char         *dh_store_now_iso              (DhStore            *self);
const DhValidator *dh_store_get_validator   (DhStore            *self);
void          dh_store_note_change          (DhStore            *self,
                                             const DhEntity     *entity);
gboolean      dh_store_exists               (DhStore            *self,
                                             const char         *sql,
                                             const char         *a,
                                             const char         *b,
                                             const char         *c);
gboolean      dh_store_insert_row_full      (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             const char         *made_at,
                                             const char         *author,
                                             const char         *updated_at,
                                             const char         *updated_by,
                                             const char         *clock,
                                             const char         *clocks,
                                             DhSyncState         sync_state,
                                             json_object        *fields,
                                             GError            **error);
gboolean      dh_store_insert_row           (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             const char         *made_at,
                                             const char         *author,
                                             const char         *clock,
                                             DhSyncState         sync_state,
                                             json_object        *fields,
                                             GError            **error);
char         *dh_store_live_condition       (const DhEntity     *entity);
char         *dh_store_overdue_condition    (const char         *household_id,
                                             guint               cutoff_parameter,
                                             guint               today_parameter);
gpointer      dh_store_run_write_get_data   (GAsyncResult       *result);
const DhEntity *dh_store_lookup_entity      (const char         *name,
                                             const char        **out_unit_kind,
                                             GError            **error);
GPtrArray    *dh_store_select_ids           (DhStore            *self,
                                             const char         *sql,
                                             const char         *bound,
                                             GError            **error);
json_object  *dh_store_load_state_if_any    (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             gboolean           *out_found,
                                             GError            **error);
json_object  *dh_store_load_state           (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             GError            **error);
json_object  *dh_store_state_values         (json_object        *state,
                                             GPtrArray          *only);
char         *dh_store_state_commune        (DhStore            *self,
                                             const DhEntity     *entity,
                                             json_object        *state);
gboolean      dh_store_save_state           (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             json_object        *state,
                                             GPtrArray          *taken,
                                             gboolean            exists,
                                             int                 sync_state,
                                             json_object        *values_of_all,
                                             GError            **error);
gboolean      dh_store_set_aside            (DhStore            *self,
                                             const char         *entity,
                                             const char         *record_id,
                                             const char         *reason,
                                             const char         *text,
                                             DhApplyReport      *report,
                                             GError            **error);
gboolean      dh_store_count_held           (DhStore            *self,
                                             gint64              after_seq,
                                             gint64             *out_count,
                                             gint64             *out_last_seq,
                                             GError            **error);
gboolean      dh_store_refuse_ledger_change (json_object        *existing,
                                             GError            **error);
gboolean      dh_store_write_changed_fields (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             json_object        *existing,
                                             json_object        *changed,
                                             const char         *clock,
                                             gboolean            deleting,
                                             GError            **error);
gboolean      dh_store_id_taken             (DhStore            *self,
                                             const char         *id,
                                             const DhEntity     *other_than,
                                             gboolean           *out_taken,
                                             GError            **error);
gboolean      dh_store_base_of              (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *record_id,
                                             const char         *field,
                                             const DhWrite      *stored,
                                             char              **out_base,
                                             GError            **error);
gboolean      dh_store_queue_change         (DhStore            *self,
                                             const DhChange     *change,
                                             gboolean            new_record,
                                             GError            **error);
gboolean      dh_store_flush_search         (DhStore            *self,
                                             GError            **error);
gboolean      dh_store_rebuild_search       (DhStore            *self,
                                             GError            **error);
/* The meta key set while some records may have no search entry: a first
 * sync's pages leave them out (dh_store_apply_changes()), and the entries
 * are written all at once by dh_store_complete_search(). */
#define DH_STORE_SEARCH_INCOMPLETE "search_incomplete"

typedef struct _DhSearchKept DhSearchKept;

DhSearchKept *dh_search_kept_new            (void);
void          dh_search_kept_free           (DhSearchKept       *kept);
gboolean      dh_store_complete_search      (DhStore            *self,
                                             DhSearchKept       *kept,
                                             GError            **error);
gboolean      dh_store_search_is_complete   (DhStore            *self,
                                             gboolean           *out_complete,
                                             GError            **error);
gboolean      dh_store_ensure_search        (DhStore            *self,
                                             GError            **error);
void          dh_store_mark_search          (DhStore            *self,
                                             const char         *household_id);
void          dh_store_note_new_search_row  (DhStore            *self,
                                             const DhEntity     *entity,
                                             sqlite3_int64       rowid);
void          dh_store_sort_keys            (const DhEntity     *entity,
                                             const char         *id,
                                             json_object        *fields,
                                             char              **out_full,
                                             char              **out_given);
void          dh_store_sort_keys_of_name    (const DhEntity     *entity,
                                             const char         *id,
                                             const char         *name,
                                             char              **out_full,
                                             char              **out_given);
gboolean      dh_store_insert_state         (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             json_object        *state,
                                             GError            **error);
/* One field's write of a record's state, read from it */
typedef struct
{
  const char *key;
  DhWrite     write;
} DhStateWrite;

/* What the row of a record not seen before holds besides its values */
typedef struct
{
  DhMergeDescription  description;
  char               *created_at;
  char               *updated_at;
  char               *clocks;
  char               *sort_full;
  char               *sort_given;
  int                 slots[];  /* each field's write, then "deleted"'s; -1: none */
} DhNewRow;

DhNewRow     *dh_store_new_row_prepare      (const DhEntity     *entity,
                                             const char         *id,
                                             const DhStateWrite *writes,
                                             guint               n_writes);
void          dh_store_new_row_free         (DhNewRow           *row);
void          dh_store_keep_search_row      (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             sqlite3_int64       rowid,
                                             const DhStateWrite *writes,
                                             const DhNewRow     *row);
gboolean      dh_store_insert_new_row       (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             const DhStateWrite *writes,
                                             const DhNewRow     *row,
                                             GError            **error);
gboolean      dh_store_insert_writes        (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             const DhStateWrite *writes,
                                             guint               n_writes,
                                             GError            **error);
gboolean      dh_store_refresh_search_for   (DhStore            *self,
                                             const DhEntity     *entity,
                                             json_object        *record,
                                             GError            **error);
gboolean      dh_store_refresh_derived      (DhStore            *self,
                                             const DhEntity     *entity,
                                             json_object        *record,
                                             gboolean            name_changed,
                                             GError            **error);
gboolean      dh_store_check_exists         (DhStore            *self,
                                             const char         *sql,
                                             const char         *a,
                                             const char         *b,
                                             const char         *c,
                                             gboolean           *out_found,
                                             GError            **error);
gboolean      dh_store_read_meta            (DhStore            *self,
                                             const char         *key,
                                             char              **out_value,
                                             GError            **error);

/* Reads: on a reader connection of their own, or on the writer's when the
 * calling thread is inside its own write transaction. */
void          dh_connection_close           (DhConnection       *connection);
gboolean      dh_connection_exec            (DhConnection       *connection,
                                             const char         *sql,
                                             GError            **error);
DhConnection *dh_store_acquire_reader       (DhStore            *self,
                                             GCancellable       *cancellable,
                                             GError            **error);
void          dh_connection_release         (DhConnection       *connection);
sqlite3_stmt *dh_connection_prepare         (DhConnection       *connection,
                                             const char         *sql,
                                             GError            **error);
void          dh_connection_set_error       (DhConnection       *connection,
                                             GError            **error);
gboolean      dh_connection_begin_read      (DhConnection       *connection,
                                             GError            **error);
gboolean      dh_connection_end_read        (DhConnection       *connection,
                                             GError            **error);
gboolean      dh_connection_step_text       (DhConnection       *connection,
                                             sqlite3_stmt       *stmt,
                                             char              **out_text,
                                             GError            **error);
json_object  *dh_connection_get_row         (DhConnection       *connection,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             gboolean            include_deleted,
                                             GError            **error);
gboolean      dh_connection_annotate        (DhConnection       *connection,
                                             const DhEntity     *entity,
                                             json_object        *record,
                                             GError            **error);
gboolean      dh_connection_read_meta       (DhConnection       *connection,
                                             const char         *key,
                                             char              **out_value,
                                             GError            **error);
int           dh_connection_get_schema_version (DhConnection    *connection);

/* Places as people name them (dh-store-places.c) */
char         *dh_connection_resolve_place   (DhConnection       *connection,
                                             const char         *kind,
                                             const char         *text,
                                             const char         *within,
                                             GError            **error);
const char   *dh_place_kind_of_field        (const DhField      *field,
                                             const char         *record_kind);
gboolean      dh_store_resolve_place_fields (DhStore            *self,
                                             const DhEntity     *entity,
                                             json_object        *input,
                                             const char         *record_kind,
                                             json_object       **out_input,
                                             GError            **error);
gboolean      dh_store_check_place_kind     (DhStore            *self,
                                             const char         *unit_kind,
                                             const char         *id,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhConnection, dh_connection_release)

/* The ids of a list in its order, each with a version that changes
 * whenever something a list shows of the record does: what a list model
 * diffs on reload. */
typedef struct
{
  gatomicrefcount refs;
  GStringChunk   *chunk;
  GPtrArray      *ids;       /* const char *, in chunk */
  GArray         *versions;  /* guint64, one per id */
} DhListKeys;

DhListKeys   *dh_store_list_keys            (DhStore            *self,
                                             const DhQuery      *query,
                                             GCancellable       *cancellable,
                                             GError            **error);
DhListKeys   *dh_list_keys_ref              (DhListKeys         *keys);
void          dh_list_keys_free             (DhListKeys         *keys);
GPtrArray    *dh_store_get_records          (DhStore            *self,
                                             const char         *entity,
                                             const char * const *ids,
                                             guint               n_ids,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhListKeys, dh_list_keys_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhNewRow, dh_store_new_row_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhSearchKept, dh_search_kept_free)

/* Runs func in a worker thread on a reader, and hands its result to the
 * callback on the thread-default main context of the caller. */
typedef gpointer (*DhStoreReadFunc) (DhStore       *self,
                                     gpointer       args,
                                     GCancellable  *cancellable,
                                     GError       **error);

void          dh_store_read_in_thread       (DhStore            *self,
                                             gpointer            source_tag,
                                             DhStoreReadFunc     func,
                                             gpointer            args,
                                             GDestroyNotify      args_free,
                                             GDestroyNotify      result_free,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
gpointer      dh_store_read_finish          (DhStore            *self,
                                             GAsyncResult       *result,
                                             gpointer            source_tag,
                                             GError            **error);

/* The reports of dh-store-report.c, whose statements stop when
 * CANCELLABLE is cancelled (dh-report-table.c reads them so). */
json_object  *dh_store_read_classes_by_village (DhStore       *self,
                                                const char    *commune_id,
                                                GCancellable  *cancellable,
                                                GError       **error);
json_object  *dh_store_read_support_totals  (DhStore            *self,
                                             const char         *commune_id,
                                             int                 year,
                                             GCancellable       *cancellable,
                                             GError            **error);
json_object  *dh_store_read_overdue         (DhStore            *self,
                                             const char         *commune_id,
                                             guint               days,
                                             GCancellable       *cancellable,
                                             GError            **error);

gboolean      dh_store_import_in_thread     (DhStore         *self,
                                            gboolean         members,
                                            const char      *path,
                                            gboolean         dry_run,
                                            DhProgress      *progress,
                                            GCancellable    *cancellable,
                                            DhImportReport  *report,
                                            GError         **error);

gboolean      dh_store_export_csv_in_thread (DhStore         *self,
                                            const char      *entity_name,
                                            const char      *path,
                                            DhProgress      *progress,
                                            GCancellable    *cancellable,
                                            guint           *out_written,
                                            GError         **error);

G_END_DECLS
