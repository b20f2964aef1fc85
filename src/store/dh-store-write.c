/* dh-store-write.c – creating, changing and deleting records, each with its pending change */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-classify.h"
#include "dh-date.h"
#include "dh-error.h"
#include "dh-store-private.h"
#include "dh-text.h"
#include "dh-uuid.h"

static const DhEntity *
lookup_entity (const char  *name,
               GError     **error)
{
  const DhEntity *entity = dh_entity_lookup (name);

  if (entity == NULL)
    {
      g_autofree char *names = dh_entity_list_names ();

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE,
                   _("There is no kind of record called “%s”; use one of: %s"),
                   name != NULL ? name : "", names);
    }

  return entity;
}

static json_object *
get_live (DhStore     *self,
          const char  *entity_name,
          const char  *id,
          GError     **error)
{
  return dh_store_get_row (self, dh_entity_lookup (entity_name), id, FALSE, error);
}

/* The name a record is sorted and searched by, if it has one. */
static const char *
name_field (const DhEntity *entity)
{
  if (g_str_equal (entity->name, "household"))
    return "head_name";
  if (g_str_equal (entity->name, "member"))
    return "full_name";
  if (g_str_equal (entity->name, "admin_unit"))
    return "name";
  return NULL;
}

static gboolean
has_given_name_key (const DhEntity *entity)
{
  return g_str_equal (entity->name, "household") || g_str_equal (entity->name, "member");
}

static gboolean
update_sort_keys (DhStore         *self,
                  const DhEntity  *entity,
                  const char      *id,
                  json_object     *record,
                  GError         **error)
{
  const char *name = dh_json_get_string (record, name_field (entity));
  g_autofree char *full_key = dh_text_sort_key (name != NULL ? name : "");
  g_autofree char *given_key = NULL;
  g_autofree char *full = NULL;
  g_autofree char *given = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  /* The id ends every key: two people of the same name still have an
   * order, and a page of a list is read from the index alone, without a
   * sort of every row before it. */
  full = g_strconcat (full_key, " ", id, NULL);
  if (has_given_name_key (entity))
    {
      given_key = dh_text_name_sort_key (name != NULL ? name : "");
      given = g_strconcat (given_key, " ", id, NULL);
      sql = g_strdup_printf ("UPDATE \"%s\" SET sort_full = ?1, sort_given = ?2 WHERE id = ?3", entity->name);
    }
  else
    sql = g_strdup_printf ("UPDATE \"%s\" SET sort_full = ?1 WHERE id = ?3", entity->name);

  stmt = dh_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, full, -1, SQLITE_TRANSIENT);
  if (given != NULL)
    sqlite3_bind_text (stmt, 2, given, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

gboolean
dh_store_refresh_search (DhStore     *self,
                         const char  *household_id,
                         GError     **error)
{
  g_autoptr(GString) doc = g_string_new (NULL);
  g_autofree char *folded = NULL;
  sqlite3_stmt *stmt;
  sqlite3_int64 rowid;
  gboolean live;
  int rc;

  stmt = dh_store_prepare (self,
                           "SELECT h.rowid, h.deleted, h.head_name, h.code, h.phone, v.name "
                           "FROM household h LEFT JOIN admin_unit v ON v.id = h.village WHERE h.id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        return TRUE;
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  rowid = sqlite3_column_int64 (stmt, 0);
  live = sqlite3_column_int (stmt, 1) == 0;
  for (int column = 2; column <= 5; column++)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, column);

      if (text != NULL)
        g_string_append_printf (doc, "%s ", text);
    }
  sqlite3_reset (stmt);

  if (live)
    {
      stmt = dh_store_prepare (self,
                               "SELECT full_name, citizen_id FROM member WHERE household = ? AND deleted = 0",
                               error);
      if (stmt == NULL)
        return FALSE;

      sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          for (int column = 0; column <= 1; column++)
            {
              const char *text = (const char *) sqlite3_column_text (stmt, column);

              if (text != NULL)
                g_string_append_printf (doc, "%s ", text);
            }
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          dh_store_set_sqlite_error (self, error);
          return FALSE;
        }
    }

  stmt = dh_store_prepare (self, "DELETE FROM household_search WHERE rowid = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (!dh_store_step_done (self, stmt, error))
    return FALSE;

  if (!live)
    return TRUE;

  folded = dh_text_fold (doc->str);
  stmt = dh_store_prepare (self, "INSERT INTO household_search (rowid, doc) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_bind_text (stmt, 2, folded, -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

static gboolean
refresh_search_for (DhStore         *self,
                    const DhEntity  *entity,
                    json_object     *record,
                    GError         **error)
{
  if (g_str_equal (entity->name, "household"))
    return dh_store_refresh_search (self, dh_json_get_string (record, DH_RECORD_ID), error);
  if (g_str_equal (entity->name, "member"))
    return dh_store_refresh_search (self, dh_json_get_string (record, "household"), error);

  return TRUE;
}

/* The sort keys and the search entry that follow from a record's fields. */
gboolean
dh_store_refresh_derived (DhStore         *self,
                          const DhEntity  *entity,
                          json_object     *record,
                          GError         **error)
{
  const char *id = dh_json_get_string (record, DH_RECORD_ID);

  return (name_field (entity) == NULL || update_sort_keys (self, entity, id, record, error)) &&
         refresh_search_for (self, entity, record, error);
}

static gboolean
record_pending_change (DhStore         *self,
                       const DhEntity  *entity,
                       const char      *id,
                       const char      *clock,
                       const char      *now,
                       json_object     *fields,
                       GError         **error)
{
  g_autofree char *change_id = dh_uuid_new ();
  sqlite3_stmt *stmt;

  dh_store_note_change (self, entity);

  stmt = dh_store_prepare (self,
                           "INSERT INTO pending_change (change_id, entity, record_id, clock, author, made_at, fields) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, entity->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, clock, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, self->user, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, json_object_to_json_string_ext (fields, JSON_C_TO_STRING_PLAIN), -1, SQLITE_TRANSIENT);

  return dh_store_step_done (self, stmt, error);
}

/* References and the rules that need other records */

static gboolean
check_reference (DhStore        *self,
                 const DhField  *field,
                 const char     *id,
                 json_object   **out_target,
                 GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  json_object *target = get_live (self, field->target, id, &local_error);

  if (target == NULL)
    {
      if (g_error_matches (local_error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND))
        g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                     _("%s: there is no %s with id “%s”; list them with: donghanh-cli list %s"),
                     field->name, dh_entity_get_label (dh_entity_lookup (field->target)), id, field->target);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (out_target != NULL)
    *out_target = target;
  else
    json_object_put (target);

  return TRUE;
}

static gboolean
check_unit_kind (json_object  *unit,
                 const char   *field_name,
                 const char   *wanted_kind,
                 GError      **error)
{
  const char *kind = dh_json_get_string (unit, "kind");

  if (g_strcmp0 (kind, wanted_kind) == 0)
    return TRUE;

  g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
               /* Translators: "village: “Xã Minh Tiến” is not a village; give the id of one (donghanh-cli list village prints them)" */
               _("%s: “%s” is not a %s; give the id of one (donghanh-cli list %s prints them)"),
               field_name, dh_json_get_string (unit, "name"), dh_entity_unit_kind_label (wanted_kind), wanted_kind);
  return FALSE;
}

static const char *
unit_area (DhStore    *self,
           json_object *village,
           char      **out_province_code)
{
  const char *area = dh_json_get_string (village, "area");
  g_autoptr(json_object) commune = NULL;
  g_autoptr(json_object) province = NULL;
  const char *parent = dh_json_get_string (village, "parent");

  if (parent != NULL)
    commune = get_live (self, "admin_unit", parent, NULL);
  if (area == NULL && commune != NULL)
    area = dh_json_get_string (commune, "area");
  if (commune != NULL && dh_json_get_string (commune, "parent") != NULL)
    province = get_live (self, "admin_unit", dh_json_get_string (commune, "parent"), NULL);
  if (out_province_code != NULL && province != NULL)
    *out_province_code = g_strdup (dh_json_get_string (province, "code"));

  return g_strcmp0 (area, "urban") == 0 ? "urban" : (g_strcmp0 (area, "rural") == 0 ? "rural" : NULL);
}

static gboolean
classify_assessment (DhStore      *self,
                     json_object  *record,
                     GError      **error)
{
  g_autoptr(json_object) household = NULL;
  g_autoptr(json_object) village = NULL;
  g_autoptr(DhClassification) result = NULL;
  g_autoptr(GPtrArray) deprived = g_ptr_array_new ();
  g_autofree char *province_code = NULL;
  DhClassifyInput input = { 0 };
  json_object *codes;
  const char *area;

  household = get_live (self, "household", dh_json_get_string (record, "household"), NULL);
  if (household != NULL)
    village = get_live (self, "admin_unit", dh_json_get_string (household, "village"), NULL);

  area = dh_json_get_string (record, "area");
  if (village != NULL)
    {
      const char *village_area = unit_area (self, village, &province_code);

      if (area == NULL)
        area = village_area;
    }
  if (area == NULL)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("area: the household's village and commune have no area set; give \"rural\" or \"urban\""));
      return FALSE;
    }
  json_object_object_add (record, "area", json_object_new_string (area));

  g_date_clear (&input.reviewed_on, 1);
  dh_date_parse (dh_json_get_string (record, "reviewed_on"), &input.reviewed_on, NULL);
  input.province_code = province_code;
  dh_area_from_string (area, &input.area);
  input.has_income = dh_json_get_int (record, "income_per_capita", -1) >= 0;
  input.income_per_capita = dh_json_get_int (record, "income_per_capita", 0);
  input.has_score_a = dh_json_get_int (record, "score_a", -1) >= 0;
  input.score_a = (int) dh_json_get_int (record, "score_a", 0);
  if (json_object_object_get_ex (record, "deprived", &codes) && codes != NULL)
    {
      for (size_t i = 0; i < json_object_array_length (codes); i++)
        g_ptr_array_add (deprived, (gpointer) json_object_get_string (json_object_array_get_idx (codes, i)));
    }
  input.deprived = (const char * const *) deprived->pdata;
  input.n_deprived = deprived->len;

  /* its messages name what is wrong: the date, the income or a deprivation */
  result = dh_classify (self->validator.catalogues, &input, error);
  if (result == NULL)
    return FALSE;

  json_object_object_add (record, "standard", json_object_new_string (result->standard_id));
  json_object_object_add (record, "proposed_class", json_object_new_string (result->class_code));

  return TRUE;
}

/* Fills the computed fields and checks what needs other records. */
static gboolean
complete_record (DhStore         *self,
                 const DhEntity  *entity,
                 const char      *id,
                 json_object     *record,
                 GError         **error)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      const char *target_id;

      if (field->type != DH_FIELD_REF || (field->flags & DH_FIELD_FLAG_COMPUTED) != 0)
        continue;

      target_id = dh_json_get_string (record, field->name);
      if (target_id == NULL)
        continue;

      if (g_str_equal (target_id, id))
        {
          g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                       _("%s: a record cannot refer to itself; give another record's id"), field->name);
          return FALSE;
        }

      if (g_str_equal (entity->name, "household") && g_str_equal (field->name, "village"))
        {
          g_autoptr(json_object) village = NULL;

          if (!check_reference (self, field, target_id, &village, error) ||
              !check_unit_kind (village, field->name, "village", error))
            return FALSE;
          json_object_object_add (record, "commune",
                                  json_object_new_string (dh_json_get_string (village, "parent")));
        }
      else if (g_str_equal (entity->name, "admin_unit") && g_str_equal (field->name, "parent"))
        {
          g_autoptr(json_object) parent = NULL;
          const char *kind = dh_json_get_string (record, "kind");
          const char *wanted = g_strcmp0 (kind, "village") == 0 ? "commune" : "province";

          if (!check_reference (self, field, target_id, &parent, error) ||
              !check_unit_kind (parent, field->name, wanted, error))
            return FALSE;
        }
      else if (g_str_equal (entity->name, "support") && g_str_equal (field->name, "member"))
        {
          g_autoptr(json_object) member = NULL;

          if (!check_reference (self, field, target_id, &member, error))
            return FALSE;
          if (g_strcmp0 (dh_json_get_string (member, "household"), dh_json_get_string (record, "household")) != 0)
            {
              g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE,
                           _("member: %s is not a member of this household; give a member of the household that received the support"),
                           dh_json_get_string (member, "full_name"));
              return FALSE;
            }
        }
      else if (!check_reference (self, field, target_id, NULL, error))
        return FALSE;
    }

  if (g_str_equal (entity->name, "assessment") && !classify_assessment (self, record, error))
    return FALSE;

  if (g_str_equal (entity->name, "household") && dh_json_get_string (record, "code") != NULL &&
      dh_store_exists (self, "SELECT 1 FROM household WHERE id != ?1 AND commune = ?3 AND code = ?2 AND deleted = 0",
                     id, dh_json_get_string (record, "code"), dh_json_get_string (record, "commune")))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE,
                   _("code: another household of this commune already has the code “%s”; give a different code"),
                   dh_json_get_string (record, "code"));
      return FALSE;
    }

  if (g_str_equal (entity->name, "member") && dh_json_get_string (record, "citizen_id") != NULL &&
      dh_store_exists (self, "SELECT 1 FROM member WHERE id != ?1 AND citizen_id = ?2 AND deleted = 0",
                     id, dh_json_get_string (record, "citizen_id"), NULL))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE,
                   _("citizen_id: %s is already recorded for another person; check the number on the card"),
                   dh_json_get_string (record, "citizen_id"));
      return FALSE;
    }

  if (g_str_equal (entity->name, "admin_unit") &&
      dh_store_exists (self, "SELECT 1 FROM admin_unit WHERE id != ?1 AND code = ?2 AND kind = ?3 AND deleted = 0",
                     id, dh_json_get_string (record, "code"), dh_json_get_string (record, "kind")))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE,
                   /* Translators: "code: another commune already has the code “DEMO-01”; ..." */
                   _("code: another %s already has the code “%s”; give a different code"),
                   dh_entity_unit_kind_label (dh_json_get_string (record, "kind")), dh_json_get_string (record, "code"));
      return FALSE;
    }

  if (g_str_equal (entity->name, "user") &&
      dh_store_exists (self, "SELECT 1 FROM user WHERE id != ?1 AND username = ?2 AND deleted = 0",
                     id, dh_json_get_string (record, "username"), NULL))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE,
                   _("username: “%s” is taken; choose another user name"),
                   dh_json_get_string (record, "username"));
      return FALSE;
    }

  return dh_entity_check_record (entity, record, dh_store_get_validator (self), error);
}

static void
apply_defaults (const DhEntity *entity,
                json_object    *record)
{
  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      json_object *value;

      if (field->default_value != NULL &&
          (!json_object_object_get_ex (record, field->name, &value) || value == NULL))
        json_object_object_add (record, field->name, json_object_new_string (field->default_value));
    }
}

/* A new row, made here (sync state "created") or received (synced); its
 * creation and last change are the same moment, by the same person. */
gboolean
dh_store_insert_row (DhStore         *self,
                     const DhEntity  *entity,
                     const char      *id,
                     const char      *made_at,
                     const char      *author,
                     const char      *clock,
                     DhSyncState      sync_state,
                     json_object     *fields,
                     GError         **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;

  g_string_printf (sql, "INSERT INTO \"%s\" (%s) VALUES (?1, ?2, ?3, ?2, ?3, ?4, ?5, ?6, NULL",
                   entity->name, dh_store_select_columns (entity));
  for (guint i = 0; i < entity->n_fields; i++)
    g_string_append_printf (sql, ", ?%u", 7 + i);
  g_string_append (sql, ")");

  stmt = dh_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, made_at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, author, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, json_object_get_boolean (json_object_object_get (fields, DH_RECORD_DELETED)) ? 1 : 0);
  sqlite3_bind_int (stmt, 5, sync_state);
  sqlite3_bind_text (stmt, 6, clock, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < entity->n_fields; i++)
    {
      json_object *value = NULL;

      json_object_object_get_ex (fields, entity->fields[i].name, &value);
      dh_store_bind_json (stmt, 7 + (int) i, value);
    }

  return dh_store_step_done (self, stmt, error);
}

static json_object *update_unlocked (DhStore *, const DhEntity *, const char *, json_object *, GError **);

/* The commune's recognition of a review is the household's class from
 * then on, unless a later recognition has been recorded already. */
static gboolean
apply_recognition (DhStore      *self,
                   json_object  *assessment,
                   GError      **error)
{
  const char *official = dh_json_get_string (assessment, "official_class");
  const char *decided_on = dh_json_get_string (assessment, "decided_on");
  const char *household_id = dh_json_get_string (assessment, "household");
  g_autoptr(json_object) household = NULL;
  g_autoptr(json_object) changes = NULL;
  g_autoptr(json_object) updated = NULL;
  const char *recognized_on;

  if (official == NULL || decided_on == NULL)
    return TRUE;

  household = dh_store_get_row (self, dh_entity_lookup ("household"), household_id, FALSE, error);
  if (household == NULL)
    return FALSE;

  recognized_on = dh_json_get_string (household, "recognized_on");
  if (recognized_on != NULL && strcmp (recognized_on, decided_on) > 0)
    return TRUE;

  changes = json_object_new_object ();
  json_object_object_add (changes, "classification", json_object_new_string (official));
  json_object_object_add (changes, "classification_year",
                          json_object_new_int ((int) g_ascii_strtoll (dh_json_get_string (assessment, "reviewed_on"), NULL, 10)));
  json_object_object_add (changes, "recognized_on", json_object_new_string (decided_on));

  updated = update_unlocked (self, dh_entity_lookup ("household"), household_id, changes, error);
  return updated != NULL;
}

/* Everything a write does after validation: the row, its search entry and
 * sort keys, and the pending change, inside one transaction. */
static json_object *
create_unlocked (DhStore         *self,
                 const DhEntity  *entity,
                 json_object     *input,
                 gboolean         allow_computed,
                 GError         **error)
{
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) change = NULL;
  g_autofree char *id = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *now = NULL;
  g_autofree char *exists_sql = g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE id = ?1", entity->name);
  const char *given_id = dh_json_get_string (input, DH_RECORD_ID);
  gboolean ok;

  if (given_id != NULL && !dh_is_valid_uuid (given_id))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("id: “%s” is not a UUID; leave the id out and one is made for the record"), given_id);
      return NULL;
    }
  id = given_id != NULL ? g_ascii_strdown (given_id, -1) : dh_uuid_new ();

  if (!dh_entity_normalize_fields (entity, input, allow_computed, dh_store_get_validator (self), &record, error))
    return NULL;
  apply_defaults (entity, record);

  if (!dh_store_write_begin (self, error))
    return NULL;

  ok = complete_record (self, entity, id, record, error);
  if (ok && dh_store_exists (self, exists_sql, id, NULL, NULL))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_DUPLICATE,
                   _("id: a record with id “%s” exists already; leave the id out to add a new one"),
                   id);
      ok = FALSE;
    }

  if (ok)
    {
      clock = dh_hlc_now (self->hlc);
      now = dh_store_now_iso (self);
      change = json_object_new_object ();
      {
        json_object_object_foreach (record, key, value)
          {
            if (value != NULL)
              json_object_object_add (change, key, json_object_get (value));
          }
      }

      ok = dh_store_insert_row (self, entity, id, now, self->user, clock, DH_SYNC_CREATED, record, error) &&
           record_pending_change (self, entity, id, clock, now, change, error);

      if (ok)
        {
          json_object_object_add (record, DH_RECORD_ID, json_object_new_string (id));
          ok = dh_store_refresh_derived (self, entity, record, error) &&
               (!g_str_equal (entity->name, "assessment") || apply_recognition (self, record, error));
        }
    }

  if (!dh_store_write_end (self, ok, error))
    return NULL;

  return dh_store_get_row (self, entity, id, FALSE, error);
}

json_object *
dh_store_create (DhStore      *self,
                 const char   *entity_name,
                 json_object  *fields,
                 GError      **error)
{
  const DhEntity *entity;
  json_object *record;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);

  entity = lookup_entity (entity_name, error);
  if (entity == NULL)
    return NULL;

  if (g_str_equal (entity->name, "conflict"))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_READ_ONLY,
                   _("Conflicts are recorded by the sync, not typed; settle one with update conflict ID"));
      return NULL;
    }

  g_rec_mutex_lock (&self->lock);
  record = create_unlocked (self, entity, fields, FALSE, error);
  g_rec_mutex_unlock (&self->lock);

  return record;
}

static gboolean
refuse_ledger_change (json_object  *existing,
                      GError      **error)
{
  if (dh_json_get_string (existing, "voids") != NULL)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("This entry voids another one and stays in the ledger as it is; enter a new support entry if something is still missing"));
      return TRUE;
    }

  if (g_strcmp0 (dh_json_get_string (existing, "status"), "delivered") == 0)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("A delivered support entry cannot be changed: void it with “donghanh-cli void-support %s --reason TEXT” and enter it again"),
                   dh_json_get_string (existing, DH_RECORD_ID));
      return TRUE;
    }

  return FALSE;
}

static gboolean
write_changed_fields (DhStore         *self,
                      const DhEntity  *entity,
                      const char      *id,
                      json_object     *existing,
                      json_object     *changed,
                      const char      *clock,
                      const char      *now,
                      gboolean         deleting,
                      GError         **error)
{
  g_autoptr(json_object) clocks = dh_store_get_clocks (self, entity, id, NULL);
  g_autofree char *assignments = NULL;
  const char *state = dh_json_get_string (existing, DH_RECORD_SYNC_STATE);
  DhSyncState sync_state = deleting ? DH_SYNC_DELETED :
                           g_strcmp0 (state, "created") == 0 ? DH_SYNC_CREATED : DH_SYNC_MODIFIED;
  const char *values[] = { now, self->user, NULL, NULL };

  {
    json_object_object_foreach (changed, key, value)
      {
        (void) value;
        json_object_object_add (clocks, key, json_object_new_string (clock));
      }
  }
  values[2] = json_object_to_json_string_ext (clocks, JSON_C_TO_STRING_PLAIN);
  assignments = g_strdup_printf ("updated_at = ?, updated_by = ?, clocks = ?, sync_state = %d", sync_state);

  return dh_store_update_columns (self, entity, id, assignments, values, changed, error) &&
         record_pending_change (self, entity, id, clock, now, changed, error);
}

/* The record as it will be: its fields with the changes over them, less
 * the computed references that complete_record() works out again. */
static json_object *
merge_changes (const DhEntity  *entity,
               json_object     *existing,
               json_object     *changes,
               GError         **error)
{
  g_autoptr(json_object) merged = json_object_new_object ();

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];
      json_object *value = NULL;

      if (json_object_object_get_ex (changes, field->name, &value))
        {
          json_object *old = NULL;

          json_object_object_get_ex (existing, field->name, &old);
          if ((field->flags & DH_FIELD_FLAG_IMMUTABLE) != 0 && !dh_json_equal (old, value))
            {
              g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_READ_ONLY,
                           _("%s: cannot change once the record is made; add a new record instead"),
                           field->name);
              return NULL;
            }
        }
      else if ((field->flags & DH_FIELD_FLAG_COMPUTED) == 0 || field->type != DH_FIELD_REF)
        json_object_object_get_ex (existing, field->name, &value);

      if (value != NULL)
        json_object_object_add (merged, field->name, json_object_get (value));
    }

  return g_steal_pointer (&merged);
}

static json_object *
update_unlocked (DhStore         *self,
                 const DhEntity  *entity,
                 const char      *id,
                 json_object     *input,
                 GError         **error)
{
  g_autoptr(json_object) existing = NULL;
  g_autoptr(json_object) changes = NULL;
  g_autoptr(json_object) merged = NULL;
  g_autoptr(json_object) changed = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *now = NULL;
  gboolean ok;

  if (!dh_entity_normalize_fields (entity, input, FALSE, dh_store_get_validator (self), &changes, error))
    return NULL;

  /* the record is read inside the transaction: what the change is checked
   * against is what it is written over */
  if (!dh_store_write_begin (self, error))
    return NULL;

  existing = dh_store_get_row (self, entity, id, FALSE, error);
  merged = existing != NULL ? merge_changes (entity, existing, changes, error) : NULL;
  ok = merged != NULL &&
       !(g_str_equal (entity->name, "support") && refuse_ledger_change (existing, error)) &&
       complete_record (self, entity, id, merged, error);
  if (ok)
    {
      changed = json_object_new_object ();
      for (guint i = 0; i < entity->n_fields; i++)
        {
          const char *name = entity->fields[i].name;
          json_object *old = NULL, *value = NULL;

          json_object_object_get_ex (existing, name, &old);
          json_object_object_get_ex (merged, name, &value);
          if (!dh_json_equal (old, value))
            json_object_object_add (changed, name, value != NULL ? json_object_get (value) : NULL);
        }
    }

  if (ok && json_object_object_length (changed) > 0)
    {
      clock = dh_hlc_now (self->hlc);
      now = dh_store_now_iso (self);
      json_object_object_add (merged, DH_RECORD_ID, json_object_new_string (id));
      ok = write_changed_fields (self, entity, id, existing, changed, clock, now, FALSE, error) &&
           dh_store_refresh_derived (self, entity, merged, error);

      if (ok && g_str_equal (entity->name, "assessment") &&
          (json_object_object_get_ex (changed, "official_class", NULL) ||
           json_object_object_get_ex (changed, "decided_on", NULL)))
        ok = apply_recognition (self, merged, error);

      /* a member who moves leaves the old household's search entry too */
      if (ok && g_str_equal (entity->name, "member") &&
          json_object_object_get_ex (changed, "household", NULL))
        ok = dh_store_refresh_search (self, dh_json_get_string (existing, "household"), error);
    }

  if (!dh_store_write_end (self, ok, error))
    return NULL;

  return dh_store_get_row (self, entity, id, FALSE, error);
}

json_object *
dh_store_update (DhStore      *self,
                 const char   *entity_name,
                 const char   *id,
                 json_object  *changes,
                 GError      **error)
{
  const DhEntity *entity;
  json_object *record;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  entity = lookup_entity (entity_name, error);
  if (entity == NULL)
    return NULL;

  g_rec_mutex_lock (&self->lock);
  record = update_unlocked (self, entity, id, changes, error);
  g_rec_mutex_unlock (&self->lock);

  return record;
}

static gboolean delete_unlocked (DhStore *, const DhEntity *, const char *, GError **);

/* A household's members, visits, reviews, plans and planned support go
 * with it; delivered support stays in the ledger as history. */
static gboolean
delete_children (DhStore     *self,
                 const char  *household_id,
                 GError     **error)
{
  static const char * const children[] = { "member", "visit", "assessment", "exit_plan", "support" };

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      g_autofree char *sql = NULL;
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      sqlite3_stmt *stmt;

      sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE household = ? AND deleted = 0%s", children[i],
                             g_str_equal (children[i], "support") ? " AND status = 'planned' AND voids IS NULL" : "");
      stmt = dh_store_prepare (self, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, household_id, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_reset (stmt);

      for (guint j = 0; j < ids->len; j++)
        {
          if (!delete_unlocked (self, dh_entity_lookup (children[i]), g_ptr_array_index (ids, j), error))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
delete_unlocked (DhStore         *self,
                 const DhEntity  *entity,
                 const char      *id,
                 GError         **error)
{
  g_autoptr(json_object) existing = NULL;
  g_autoptr(json_object) changed = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *now = NULL;
  gboolean ok;

  if (!dh_store_write_begin (self, error))
    return FALSE;

  existing = dh_store_get_row (self, entity, id, FALSE, error);
  ok = existing != NULL &&
       !(g_str_equal (entity->name, "support") && refuse_ledger_change (existing, error));
  if (!ok)
    return dh_store_write_end (self, FALSE, error);

  clock = dh_hlc_now (self->hlc);
  now = dh_store_now_iso (self);
  changed = json_object_new_object ();
  json_object_object_add (changed, DH_RECORD_DELETED, json_object_new_boolean (TRUE));

  ok = write_changed_fields (self, entity, id, existing, changed, clock, now, TRUE, error) &&
       (!g_str_equal (entity->name, "household") || delete_children (self, id, error)) &&
       refresh_search_for (self, entity, existing, error);

  return dh_store_write_end (self, ok, error);
}

gboolean
dh_store_delete (DhStore     *self,
                 const char  *entity_name,
                 const char  *id,
                 GError     **error)
{
  const DhEntity *entity;
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  entity = lookup_entity (entity_name, error);
  if (entity == NULL)
    return FALSE;

  g_rec_mutex_lock (&self->lock);
  ok = delete_unlocked (self, entity, id, error);
  g_rec_mutex_unlock (&self->lock);

  return ok;
}

json_object *
dh_store_void_support (DhStore     *self,
                       const char  *id,
                       const char  *reason,
                       GError     **error)
{
  static const char * const copied[] = {
    "household", "member", "programme", "project", "support_type", "description", "quantity", "unit",
    "amount_vnd", "state_share_vnd", "household_share_vnd", "funding_source",
  };
  const DhEntity *entity = dh_entity_lookup ("support");
  g_autoptr(json_object) original = NULL;
  g_autoptr(json_object) entry = NULL;
  g_autofree char *clean_reason = dh_text_normalize (reason);
  g_autofree char *today = NULL;
  json_object *result = NULL;

  g_return_val_if_fail (DH_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (clean_reason == NULL || clean_reason[0] == '\0')
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("void_reason: say why the entry is voided, for example “entered twice” or “wrong household”"));
      return NULL;
    }

  g_rec_mutex_lock (&self->lock);

  original = dh_store_get_row (self, entity, id, FALSE, error);
  if (original == NULL)
    goto out;

  if (dh_json_get_string (original, "voids") != NULL)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("This entry is itself a void; enter the support again as a new entry instead"));
      goto out;
    }

  if (g_strcmp0 (dh_json_get_string (original, "status"), "delivered") != 0)
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("Only a delivered entry is voided; a planned entry can simply be changed or deleted"));
      goto out;
    }

  if (dh_store_exists (self, "SELECT 1 FROM support WHERE id != ?1 AND voids = ?2 AND deleted = 0", "", id, NULL))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER,
                   _("This entry was voided already; nothing more to do"));
      goto out;
    }

  entry = json_object_new_object ();
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      json_object *value;

      if (json_object_object_get_ex (original, copied[i], &value) && value != NULL)
        json_object_object_add (entry, copied[i], json_object_get (value));
    }
  today = dh_date_to_iso (&dh_store_get_validator (self)->today);
  json_object_object_add (entry, "status", json_object_new_string ("delivered"));
  json_object_object_add (entry, "delivered_on", json_object_new_string (today));
  json_object_object_add (entry, "voids", json_object_new_string (id));
  json_object_object_add (entry, "void_reason", json_object_new_string (clean_reason));

  result = create_unlocked (self, entity, entry, TRUE, error);

out:
  g_rec_mutex_unlock (&self->lock);
  return result;
}
