/* dh-store-schema.c – the versioned migrations of the store's schema */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store-schema"

#include "config.h"

#include "dh-store-private.h"

/* Every record table starts with the same bookkeeping columns:
 * sync_state is 0 synced, 1 created here, 2 modified here, 3 deleted here;
 * clock is the hybrid-logical-clock timestamp of the record's creation and
 * clocks a JSON object of the fields changed since, each with its own
 * timestamp: the field-level last-writer-wins merge reads them. */
#define RECORD_COLUMNS \
  "id TEXT PRIMARY KEY NOT NULL," \
  "created_at TEXT NOT NULL," \
  "created_by TEXT," \
  "updated_at TEXT NOT NULL," \
  "updated_by TEXT," \
  "deleted INTEGER NOT NULL DEFAULT 0," \
  "sync_state INTEGER NOT NULL DEFAULT 1," \
  "clock TEXT NOT NULL," \
  "clocks TEXT,"

#define REF(table) " TEXT REFERENCES " table " (id) DEFERRABLE INITIALLY DEFERRED"

static const char migration_1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) WITHOUT ROWID;"

  "CREATE TABLE admin_unit (" RECORD_COLUMNS
  "  code TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,"
  "  parent" REF ("admin_unit") ","
  "  area TEXT, valid_from TEXT, valid_to TEXT,"
  "  successor" REF ("admin_unit") ","
  "  sort_full TEXT);"
  "CREATE INDEX admin_unit_by_parent ON admin_unit (parent, deleted, sort_full);"
  "CREATE INDEX admin_unit_by_kind ON admin_unit (kind, deleted, sort_full);"

  "CREATE TABLE household (" RECORD_COLUMNS
  "  code TEXT,"
  "  village" REF ("admin_unit") " NOT NULL,"
  "  commune" REF ("admin_unit") ","
  "  address TEXT, head_name TEXT NOT NULL, phone TEXT, ethnicity TEXT,"
  "  classification TEXT, classification_year INTEGER, recognized_on TEXT,"
  "  poverty_causes TEXT, assigned_to TEXT, notes TEXT,"
  "  sort_given TEXT, sort_full TEXT);"
  "CREATE INDEX household_by_given ON household (deleted, sort_given);"
  "CREATE INDEX household_by_full ON household (deleted, sort_full);"
  "CREATE INDEX household_by_commune ON household (commune, deleted, sort_given);"
  "CREATE INDEX household_by_village ON household (village, deleted, sort_given);"
  "CREATE INDEX household_by_code ON household (commune, code);"

  "CREATE TABLE member (" RECORD_COLUMNS
  "  household" REF ("household") " NOT NULL,"
  "  full_name TEXT NOT NULL, relation TEXT, sex TEXT, birth_date TEXT, ethnicity TEXT,"
  "  citizen_id TEXT, health_insurance INTEGER, schooling TEXT, employment TEXT,"
  "  disability INTEGER, social_allowance INTEGER, notes TEXT,"
  "  sort_given TEXT, sort_full TEXT);"
  "CREATE INDEX member_by_household ON member (household, deleted, sort_given);"
  "CREATE INDEX member_by_given ON member (deleted, sort_given);"
  "CREATE INDEX member_by_citizen_id ON member (citizen_id) WHERE citizen_id IS NOT NULL;"

  "CREATE TABLE exit_plan (" RECORD_COLUMNS
  "  household" REF ("household") " NOT NULL,"
  "  registered_on TEXT NOT NULL, target_year INTEGER NOT NULL, commitments TEXT,"
  "  support_needed TEXT, status TEXT);"
  "CREATE INDEX exit_plan_by_household ON exit_plan (household, deleted, registered_on);"

  "CREATE TABLE visit (" RECORD_COLUMNS
  "  household" REF ("household") " NOT NULL,"
  "  visited_on TEXT NOT NULL, visitor TEXT, purpose TEXT, notes TEXT, next_visit_on TEXT,"
  "  location TEXT);"
  "CREATE INDEX visit_by_household ON visit (household, deleted, visited_on);"
  "CREATE INDEX visit_by_date ON visit (deleted, visited_on);"

  "CREATE TABLE assessment (" RECORD_COLUMNS
  "  household" REF ("household") " NOT NULL,"
  "  standard TEXT, review_kind TEXT, reviewed_on TEXT NOT NULL, area TEXT,"
  "  income_per_capita INTEGER, score_a INTEGER, deprived TEXT, proposed_class TEXT,"
  "  official_class TEXT, decided_on TEXT, reviewer TEXT, notes TEXT);"
  "CREATE INDEX assessment_by_household ON assessment (household, deleted, reviewed_on);"

  "CREATE TABLE support (" RECORD_COLUMNS
  "  household" REF ("household") " NOT NULL,"
  "  member" REF ("member") ","
  "  delivered_on TEXT, programme TEXT, project TEXT, support_type TEXT NOT NULL,"
  "  description TEXT, quantity INTEGER, unit TEXT, amount_vnd INTEGER,"
  "  state_share_vnd INTEGER, household_share_vnd INTEGER, funding_source TEXT, status TEXT,"
  "  voids" REF ("support") ","
  "  void_reason TEXT);"
  "CREATE INDEX support_by_household ON support (household, deleted, delivered_on);"
  "CREATE INDEX support_by_date ON support (deleted, delivered_on);"
  "CREATE UNIQUE INDEX support_voided_once ON support (voids) WHERE voids IS NOT NULL AND deleted = 0;"

  "CREATE TABLE user (" RECORD_COLUMNS
  "  username TEXT NOT NULL, full_name TEXT NOT NULL, role TEXT NOT NULL,"
  "  commune" REF ("admin_unit") ","
  "  active INTEGER);"
  "CREATE UNIQUE INDEX user_by_username ON user (username) WHERE deleted = 0;"

  "CREATE TABLE conflict (" RECORD_COLUMNS
  "  entity TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,"
  "  kept_value TEXT, lost_value TEXT, kept_clock TEXT, lost_clock TEXT,"
  "  kept_by TEXT, lost_by TEXT, settled_by TEXT, settled_on TEXT);"
  "CREATE INDEX conflict_open ON conflict (deleted, settled_on, entity, record_id);"

  /* The queue of changes made here and not yet acknowledged by the
   * server; seq keeps them in the order they were made. */
  "CREATE TABLE pending_change ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  change_id TEXT NOT NULL UNIQUE,"
  "  entity TEXT NOT NULL, record_id TEXT NOT NULL, clock TEXT NOT NULL,"
  "  author TEXT, made_at TEXT NOT NULL, fields TEXT NOT NULL);"
  "CREATE INDEX pending_change_by_record ON pending_change (entity, record_id);"

  /* Remote changes already merged, so that a replayed page is a no-op. */
  "CREATE TABLE applied_change (change_id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;"

  /* Households found by the folded text of their head, members, code,
   * citizen IDs, phone and village; rowid is the household's rowid. */
  "CREATE VIRTUAL TABLE household_search USING fts5 ("
  "  doc, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');";

/* The merge of docs/sync.md: each field's write is [base, clock, author]
 * in "clocks" (a field absent from it was written at the record's making,
 * by its creator, replacing nothing); a change is named by its record and
 * clock, so applied_change goes; changes wait whole in the queue, with the
 * commune they belong to; what cannot apply yet is held, what is refused
 * is kept with its reason; two voids of one entry may both arrive. */
#define CLOCKS_TO_WRITES(table) \
  "UPDATE " table " SET clocks = (SELECT json_group_object (key, json_array ('', value, " table ".updated_by)) " \
  "FROM json_each (" table ".clocks)) WHERE clocks IS NOT NULL;"

static const char migration_2[] =
  CLOCKS_TO_WRITES ("admin_unit")
  CLOCKS_TO_WRITES ("household")
  CLOCKS_TO_WRITES ("member")
  CLOCKS_TO_WRITES ("exit_plan")
  CLOCKS_TO_WRITES ("visit")
  CLOCKS_TO_WRITES ("assessment")
  CLOCKS_TO_WRITES ("support")
  CLOCKS_TO_WRITES ("user")
  CLOCKS_TO_WRITES ("conflict")

  "ALTER TABLE conflict ADD COLUMN commune TEXT;"
  "DROP TABLE applied_change;"
  "DROP INDEX support_voided_once;"
  "CREATE INDEX support_by_voids ON support (voids) WHERE voids IS NOT NULL;"

  "CREATE TABLE change_queue ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  entity TEXT NOT NULL, record_id TEXT NOT NULL, clock TEXT NOT NULL,"
  "  commune TEXT, author TEXT, fields TEXT NOT NULL,"
  "  sent INTEGER NOT NULL DEFAULT 0,"   /* it left the device: it never changes again */
  "  rejected TEXT,"                     /* the server's reason, when it refused it */
  "  UNIQUE (record_id, clock));"
  "CREATE INDEX change_queue_by_record ON change_queue (entity, record_id);"
  "INSERT INTO change_queue (entity, record_id, clock, commune, author, fields) "
  "  SELECT entity, record_id, clock, NULL, author, "
  "    (SELECT json_group_object (key, json_array (json (CASE WHEN type IN ('text') THEN json_quote (value) "
  "                                                      WHEN type = 'null' THEN 'null' "
  "                                                      WHEN type = 'true' THEN 'true' WHEN type = 'false' THEN 'false' "
  "                                                      ELSE CAST (value AS TEXT) END), '', p.clock, p.author)) "
  "     FROM json_each (p.fields)) "
  "  FROM pending_change p ORDER BY seq;"
  "DROP TABLE pending_change;"

  "CREATE TABLE held_change ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  record_id TEXT NOT NULL, waiting_for TEXT, change TEXT NOT NULL);"
  "CREATE INDEX held_change_by_record ON held_change (record_id);"
  "CREATE INDEX held_change_by_wait ON held_change (waiting_for);"

  "CREATE TABLE quarantine ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  received_at TEXT NOT NULL, entity TEXT, record_id TEXT, reason TEXT NOT NULL, change TEXT NOT NULL);";

/* A queue can hold a million changes (a commune imported and never
 * synced): what the window asks of it at each edit and each page a sync
 * commits is answered without reading it. The refused changes, few, have
 * an index of their own; the count of those waiting is kept by triggers,
 * whoever writes the queue. */
static const char migration_3[] =
  "CREATE INDEX change_queue_refused ON change_queue (seq) WHERE rejected IS NOT NULL;"
  "CREATE TABLE queue_count (id INTEGER PRIMARY KEY CHECK (id = 1), pending INTEGER NOT NULL);"
  "INSERT INTO queue_count (id, pending) SELECT 1, count(*) FROM change_queue WHERE rejected IS NULL;"
  "CREATE TRIGGER queue_count_insert AFTER INSERT ON change_queue WHEN NEW.rejected IS NULL "
  "  BEGIN UPDATE queue_count SET pending = pending + 1; END;"
  "CREATE TRIGGER queue_count_delete AFTER DELETE ON change_queue WHEN OLD.rejected IS NULL "
  "  BEGIN UPDATE queue_count SET pending = pending - 1; END;"
  "CREATE TRIGGER queue_count_update AFTER UPDATE OF rejected ON change_queue "
  "  WHEN (OLD.rejected IS NULL) <> (NEW.rejected IS NULL) "
  "  BEGIN UPDATE queue_count SET pending = pending + (CASE WHEN NEW.rejected IS NULL THEN 1 ELSE -1 END); END;";

const DhMigration dh_store_migrations[] = {
  { 1, migration_1 },
  { 2, migration_2 },
  { 3, migration_3 },
};

const guint dh_store_n_migrations = G_N_ELEMENTS (dh_store_migrations);
