/* dh-store-private.h – what the files of DhStore share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <sqlite3.h>

#include "dh-autocleanups.h"
#include "dh-change.h"
#include "dh-hlc.h"
#include "dh-store.h"

G_BEGIN_DECLS

typedef struct
{
  int         version;
  const char *sql;
} DhMigration;

extern const DhMigration dh_store_migrations[];
extern const guint dh_store_n_migrations;

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
  sqlite3     *db;
  GRecMutex    lock;
  DhHlc       *hlc;
  char        *user;
  DhValidator  validator;
  GHashTable  *statements;
  guint        batch_depth;   /* dh_store_begin() levels */
  guint        write_depth;   /* dh_store_write_begin() levels */
  GHashTable  *changed_entities; /* names of the entities the transaction changes */
};

/* Number of columns before an entity's fields in every SELECT of a record. */
#define DH_RECORD_N_META 9

DhStore      *dh_store_open_with_migrations (const char         *path,
                                             const DhMigration  *migrations,
                                             guint               n_migrations,
                                             GError            **error);
sqlite3_stmt *dh_store_prepare              (DhStore            *self,
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
gboolean      dh_store_write_end            (DhStore            *self,
                                             gboolean            success,
                                             GError            **error);
json_object  *dh_store_get_row              (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             gboolean            include_deleted,
                                             GError            **error);
gboolean      dh_store_refresh_search       (DhStore            *self,
                                             const char         *household_id,
                                             GError            **error);
char         *dh_store_now_iso              (void);
void          dh_store_note_change          (DhStore            *self,
                                             const DhEntity     *entity);
void          dh_store_annotate             (DhStore            *self,
                                             const DhEntity     *entity,
                                             json_object        *record);
json_object  *dh_store_get_clocks           (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             char              **out_created_clock);
gboolean      dh_store_update_columns       (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             const char         *assignments,
                                             const char * const *values,
                                             json_object        *fields,
                                             GError            **error);
gboolean      dh_store_exists               (DhStore            *self,
                                             const char         *sql,
                                             const char         *a,
                                             const char         *b,
                                             const char         *c);
gboolean      dh_store_insert_row           (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             const char         *made_at,
                                             const char         *author,
                                             const char         *clock,
                                             DhSyncState         sync_state,
                                             json_object        *fields,
                                             GError            **error);
json_object  *dh_store_load_state           (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             GError            **error);
gboolean      dh_store_save_state           (DhStore            *self,
                                             const DhEntity     *entity,
                                             const char         *id,
                                             json_object        *state,
                                             GPtrArray          *taken,
                                             gboolean            exists,
                                             int                 sync_state,
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
gboolean      dh_store_queue_change         (DhStore            *self,
                                             const DhChange     *change,
                                             GError            **error);
gboolean      dh_store_refresh_search_for   (DhStore            *self,
                                             const DhEntity     *entity,
                                             json_object        *record,
                                             GError            **error);
gboolean      dh_store_refresh_derived      (DhStore            *self,
                                             const DhEntity     *entity,
                                             json_object        *record,
                                             GError            **error);

G_END_DECLS
