/* dh-entity.c – the entities of the data dictionary and the validation of their records */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-entity"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-citizen-id.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-error.h"
#include "dh-money.h"
#include "dh-phone.h"
#include "dh-text.h"

#define REQ      DH_FIELD_FLAG_REQUIRED
#define PAST     DH_FIELD_FLAG_NOT_FUTURE
#define COMPUTED DH_FIELD_FLAG_COMPUTED
#define FIXED    DH_FIELD_FLAG_IMMUTABLE

static const char * const unit_kinds[] = { "province", "commune", "village", NULL };
static const char * const areas[] = { "rural", "urban", NULL };
static const char * const classifications[] = {
  "poor", "near_poor", "average", "escaped_poor", "escaped_near_poor", "not_poor", "unclassified", NULL
};
static const char * const proposed_classes[] = { "poor", "near_poor", "average", "not_poor", NULL };
static const char * const relations[] = {
  "head", "spouse", "child", "parent", "grandchild", "sibling", "other", NULL
};
static const char * const sexes[] = { "male", "female", NULL };
static const char * const schooling_levels[] = {
  "none", "preschool", "primary", "lower_secondary", "upper_secondary", "vocational", "higher", NULL
};
static const char * const employment_kinds[] = {
  "none", "farming", "self_employed", "wage_with_contract", "wage_without_contract",
  "student", "retired", "unable_to_work", NULL
};
static const char * const exit_statuses[] = { "registered", "on_track", "escaped", "not_yet", NULL };
static const char * const visit_purposes[] = {
  "routine", "review", "support_delivery", "follow_up", "other", NULL
};
static const char * const review_kinds[] = { "annual", "ad_hoc", NULL };
static const char * const support_statuses[] = { "planned", "delivered", NULL };
static const char * const roles[] = { "caseworker", "commune_official", "province_admin", NULL };

static const DhField admin_unit_fields[] = {
  { "code", DH_FIELD_TEXT, REQ, NULL, NULL, NULL, DH_FIELD_MAX_CODE_BYTES },
  { "kind", DH_FIELD_ENUM, REQ | FIXED, "unit_kind", unit_kinds },
  { "name", DH_FIELD_NAME, REQ },
  { "parent", DH_FIELD_REF, 0, "admin_unit" },
  { "area", DH_FIELD_ENUM, 0, "area", areas },
  { "valid_from", DH_FIELD_DATE, 0 },
  { "valid_to", DH_FIELD_DATE, 0 },
  { "successor", DH_FIELD_REF, 0, "admin_unit" },
};

static const DhField household_fields[] = {
  { "code", DH_FIELD_TEXT, 0, NULL, NULL, NULL, DH_FIELD_MAX_CODE_BYTES },
  { "village", DH_FIELD_REF, REQ, "admin_unit" },
  { "commune", DH_FIELD_REF, COMPUTED, "admin_unit" },
  { "address", DH_FIELD_TEXT, 0 },
  { "head_name", DH_FIELD_NAME, REQ },
  { "phone", DH_FIELD_PHONE, 0 },
  { "ethnicity", DH_FIELD_CODE, 0, "ethnicity" },
  { "classification", DH_FIELD_ENUM, 0, "classification", classifications, "unclassified" },
  { "classification_year", DH_FIELD_YEAR, 0 },
  { "recognized_on", DH_FIELD_DATE, PAST },
  { "poverty_causes", DH_FIELD_CODE_SET, 0, "poverty_cause" },
  { "assigned_to", DH_FIELD_TEXT, 0 },
  { "notes", DH_FIELD_TEXT, 0 },
};

static const DhField member_fields[] = {
  { "household", DH_FIELD_REF, REQ, "household" },
  { "full_name", DH_FIELD_NAME, REQ },
  { "relation", DH_FIELD_ENUM, 0, "relation", relations, "other" },
  { "sex", DH_FIELD_ENUM, 0, "sex", sexes },
  { "birth_date", DH_FIELD_BIRTH_DATE, 0 },
  { "ethnicity", DH_FIELD_CODE, 0, "ethnicity" },
  { "citizen_id", DH_FIELD_CITIZEN_ID, 0 },
  { "health_insurance", DH_FIELD_BOOL, 0 },
  { "schooling", DH_FIELD_ENUM, 0, "schooling", schooling_levels },
  { "employment", DH_FIELD_ENUM, 0, "employment", employment_kinds },
  { "disability", DH_FIELD_BOOL, 0 },
  { "social_allowance", DH_FIELD_BOOL, 0 },
  { "notes", DH_FIELD_TEXT, 0 },
};

static const DhField exit_plan_fields[] = {
  { "household", DH_FIELD_REF, REQ, "household" },
  { "registered_on", DH_FIELD_DATE, REQ | PAST },
  { "target_year", DH_FIELD_YEAR, REQ },
  { "commitments", DH_FIELD_TEXT, 0 },
  { "support_needed", DH_FIELD_TEXT, 0 },
  { "status", DH_FIELD_ENUM, 0, "exit_status", exit_statuses, "registered" },
};

static const DhField visit_fields[] = {
  { "household", DH_FIELD_REF, REQ, "household" },
  { "visited_on", DH_FIELD_DATE, REQ | PAST },
  { "visitor", DH_FIELD_TEXT, 0 },
  { "purpose", DH_FIELD_ENUM, 0, "visit_purpose", visit_purposes, "routine" },
  { "notes", DH_FIELD_TEXT, 0 },
  { "next_visit_on", DH_FIELD_DATE, 0 },
  { "location", DH_FIELD_TEXT, 0 },
};

static const DhField assessment_fields[] = {
  { "household", DH_FIELD_REF, REQ, "household" },
  { "standard", DH_FIELD_CODE, COMPUTED, "standard" },
  { "review_kind", DH_FIELD_ENUM, 0, "review_kind", review_kinds, "annual" },
  { "reviewed_on", DH_FIELD_DATE, REQ | PAST },
  { "area", DH_FIELD_ENUM, 0, "area", areas },
  { "income_per_capita", DH_FIELD_MONEY, 0 },
  { "score_a", DH_FIELD_INT, 0 },
  { "deprived", DH_FIELD_CODE_SET, 0, "indicator" },
  { "proposed_class", DH_FIELD_ENUM, COMPUTED, "classification", proposed_classes },
  { "official_class", DH_FIELD_ENUM, 0, "classification", classifications },
  { "decided_on", DH_FIELD_DATE, PAST },
  { "reviewer", DH_FIELD_TEXT, 0 },
  { "notes", DH_FIELD_TEXT, 0 },
};

static const DhField support_fields[] = {
  { "household", DH_FIELD_REF, REQ, "household" },
  { "member", DH_FIELD_REF, 0, "member" },
  { "delivered_on", DH_FIELD_DATE, 0 },   /* a planned delivery's date may lie ahead: check_support */
  { "programme", DH_FIELD_CODE, 0, "programme" },
  { "project", DH_FIELD_CODE, 0, "project" },
  { "support_type", DH_FIELD_CODE, REQ, "support_type" },
  { "description", DH_FIELD_TEXT, 0 },
  { "quantity", DH_FIELD_INT, 0 },
  { "unit", DH_FIELD_TEXT, 0 },
  { "amount_vnd", DH_FIELD_MONEY, 0 },
  { "state_share_vnd", DH_FIELD_MONEY, 0 },
  { "household_share_vnd", DH_FIELD_MONEY, 0 },
  { "funding_source", DH_FIELD_CODE, 0, "funding_source" },
  { "status", DH_FIELD_ENUM, FIXED, "support_status", support_statuses, "delivered" },
  { "voids", DH_FIELD_REF, COMPUTED | FIXED, "support" },
  { "void_reason", DH_FIELD_TEXT, COMPUTED | FIXED },
};

static const DhField user_fields[] = {
  { "username", DH_FIELD_TEXT, REQ | FIXED, NULL, NULL, NULL, DH_FIELD_MAX_CODE_BYTES },
  { "full_name", DH_FIELD_NAME, REQ },
  { "role", DH_FIELD_ENUM, REQ, "role", roles },
  { "commune", DH_FIELD_REF, 0, "admin_unit" },
  { "active", DH_FIELD_BOOL, 0 },
};

static const DhField conflict_fields[] = {
  { "entity", DH_FIELD_TEXT, COMPUTED | REQ },
  { "record_id", DH_FIELD_TEXT, COMPUTED | REQ },
  { "field", DH_FIELD_TEXT, COMPUTED | REQ },
  { "commune", DH_FIELD_TEXT, COMPUTED },
  { "kept_value", DH_FIELD_TEXT, COMPUTED },
  { "lost_value", DH_FIELD_TEXT, COMPUTED },
  { "kept_clock", DH_FIELD_TEXT, COMPUTED },
  { "lost_clock", DH_FIELD_TEXT, COMPUTED },
  { "kept_by", DH_FIELD_TEXT, COMPUTED },
  { "lost_by", DH_FIELD_TEXT, COMPUTED },
  { "settled_by", DH_FIELD_TEXT, 0 },
  { "settled_on", DH_FIELD_DATE, PAST },
};

static gboolean check_admin_unit (const DhEntity *, json_object *, const DhValidator *, GError **);
static gboolean check_member     (const DhEntity *, json_object *, const DhValidator *, GError **);
static gboolean check_exit_plan  (const DhEntity *, json_object *, const DhValidator *, GError **);
static gboolean check_visit      (const DhEntity *, json_object *, const DhValidator *, GError **);
static gboolean check_assessment (const DhEntity *, json_object *, const DhValidator *, GError **);
static gboolean check_support    (const DhEntity *, json_object *, const DhValidator *, GError **);

static const DhUnique admin_unit_unique[] = {
  { "code", "kind", N_("code: another place of this kind already has the code “%s”; give a different code") },
};
static const DhUnique household_unique[] = {
  { "code", "commune", N_("code: another household of this commune already has the code “%s”; give a different code") },
};
static const DhUnique member_unique[] = {
  { "citizen_id", NULL, N_("citizen_id: %s is already recorded for another person; check the number on the card") },
  { "relation", "household",
    N_("relation: the household has a head already; give this member another relation, or change the head's first"),
    "head" },
};
static const DhUnique user_unique[] = {
  { "username", NULL, N_("username: “%s” is taken; choose another user name") },
};

#define FIELDS(f) .fields = f, .n_fields = G_N_ELEMENTS (f)
#define UNIQUE(u) .unique = u, .n_unique = G_N_ELEMENTS (u)

static const DhEntity entities[] = {
  { "admin_unit", N_("place"), FIELDS (admin_unit_fields), .check = check_admin_unit, UNIQUE (admin_unit_unique),
    .name_field = "name" },
  { "household", N_("household"), FIELDS (household_fields), UNIQUE (household_unique),
    .name_field = "head_name", .person_name = TRUE },
  { "member", N_("household member"), FIELDS (member_fields), .check = check_member, UNIQUE (member_unique),
    .name_field = "full_name", .person_name = TRUE },
  { "exit_plan", N_("plan to escape poverty"), FIELDS (exit_plan_fields), .check = check_exit_plan },
  { "visit", N_("visit"), FIELDS (visit_fields), .check = check_visit },
  { "assessment", N_("poverty review"), FIELDS (assessment_fields), .check = check_assessment },
  { "support", N_("support entry"), FIELDS (support_fields), .check = check_support,
    .seal_field = "status", .seal_value = "delivered" },
  { "user", N_("user"), FIELDS (user_fields), UNIQUE (user_unique) },
  { "conflict", N_("conflict"), FIELDS (conflict_fields), .derived = TRUE },
};

static const DhEntity *entity_list[G_N_ELEMENTS (entities) + 1];

const DhEntity * const *
dh_entity_list_all (guint *n_entities)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
        entity_list[i] = &entities[i];
      g_once_init_leave (&initialized, 1);
    }

  if (n_entities != NULL)
    *n_entities = G_N_ELEMENTS (entities);

  return entity_list;
}

const DhEntity *
dh_entity_lookup (const char *name)
{
  if (name == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      if (g_str_equal (entities[i].name, name))
        return &entities[i];
    }

  return NULL;
}

/* What a list may name: an entity, or a kind of place ("commune") that
 * stands for admin_unit records of that kind. */
const DhEntity *
dh_entity_lookup_listed (const char  *name,
                         const char **out_unit_kind)
{
  static const char * const kinds[] = { "province", "commune", "village", NULL };

  if (out_unit_kind != NULL)
    *out_unit_kind = NULL;

  if (name != NULL && g_strv_contains (kinds, name))
    {
      if (out_unit_kind != NULL)
        *out_unit_kind = name;
      return dh_entity_lookup ("admin_unit");
    }

  return dh_entity_lookup (name);
}

const DhField *
dh_entity_get_field (const DhEntity *entity,
                     const char     *field_name)
{
  g_return_val_if_fail (entity != NULL, NULL);

  if (field_name == NULL)
    return NULL;

  /* the first letter tells most names apart without a call: every field
   * of every change a sync reads is looked up here */
  for (guint i = 0; i < entity->n_fields; i++)
    {
      if (entity->fields[i].name[0] == field_name[0] && strcmp (entity->fields[i].name, field_name) == 0)
        return &entity->fields[i];
    }

  return NULL;
}

/* "code, village, address, ...": what to tell someone who named a field
 * that does not exist. */
char *
dh_entity_list_field_names (const DhEntity *entity,
                            gboolean        with_computed)
{
  GString *names = g_string_new (NULL);

  g_return_val_if_fail (entity != NULL, NULL);

  for (guint i = 0; i < entity->n_fields; i++)
    {
      if (!with_computed && (entity->fields[i].flags & DH_FIELD_FLAG_COMPUTED) != 0)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, entity->fields[i].name);
    }

  return g_string_free (names, FALSE);
}

const char *
dh_entity_get_label (const DhEntity *entity)
{
  g_return_val_if_fail (entity != NULL, NULL);

  return g_dgettext (GETTEXT_PACKAGE, entity->label);
}

/**
 * dh_field_get_value_label:
 * @catalogues: (nullable): where the names are found; NULL: the default
 *
 * What people call @value of @field, in the language of the user
 * interface: the name its list gives an enumerated value (“Hộ nghèo” for
 * "poor") or a catalogue code (“Kinh” for "kinh"). Returns NULL for a
 * value it does not know and for fields whose values are not words (text,
 * dates, references).
 */
const char *
dh_field_get_value_label (const DhField *field,
                          const char    *value,
                          DhCatalogues  *catalogues)
{
  g_return_val_if_fail (field != NULL, NULL);

  if (value == NULL || field->target == NULL)
    return NULL;
  if (field->type != DH_FIELD_ENUM && field->type != DH_FIELD_CODE && field->type != DH_FIELD_CODE_SET)
    return NULL;

  if (catalogues == NULL)
    catalogues = dh_catalogues_get_default ();

  return dh_catalogues_get_label (catalogues, field->target, value);
}

/* "province", "commune", "village" as people say them */
const char *
dh_entity_unit_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "province") == 0)
    return _("province");
  if (g_strcmp0 (kind, "commune") == 0)
    return _("commune");
  if (g_strcmp0 (kind, "village") == 0)
    return _("village");

  return kind;
}

/* What to tell someone who named a kind of record that does not exist:
 * the names the CLI and the store accept, places by kind included. */
char *
dh_entity_list_names (void)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    g_string_append_printf (names, "%s, ", entities[i].name);
  g_string_append (names, "province, commune, village");

  return g_string_free (names, FALSE);
}

gboolean
dh_entity_is_meta_key (const char *key)
{
  static const char * const meta[] = {
    DH_RECORD_ID, DH_RECORD_CREATED_AT, DH_RECORD_CREATED_BY, DH_RECORD_UPDATED_AT,
    DH_RECORD_UPDATED_BY, DH_RECORD_DELETED, DH_RECORD_SYNC_STATE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (meta); i++)
    {
      if (g_str_equal (meta[i], key))
        return TRUE;
    }

  return FALSE;
}

void
dh_validator_init (DhValidator *validator)
{
  g_return_if_fail (validator != NULL);

  g_date_clear (&validator->today, 1);
  dh_date_today (&validator->today);
  validator->catalogues = dh_catalogues_get_default ();
}

/**
 * dh_id_hash:
 * @id: a record's id, or any text
 *
 * A #GHashFunc for tables keyed by record ids, with g_str_equal(). A
 * record's id is a UUID whose last sixteen digits are random (dh-uuid.c):
 * two words of them hash as well as the whole text, at a fraction of
 * g_str_hash()'s cost, which a first sync pays two or three times a
 * record. Any other text hashes as g_str_hash() hashes it.
 */
guint
dh_id_hash (gconstpointer id)
{
  guint64 a, b;

  if (strnlen (id, 37) != 36)
    return g_str_hash (id);
  memcpy (&a, (const char *) id + 20, sizeof a);
  memcpy (&b, (const char *) id + 28, sizeof b);
  return (guint) ((((a * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) ^ b) * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)) >> 32);
}

gboolean
dh_is_valid_uuid (const char *text)
{
  /* what g_uuid_string_is_valid() accepts, read at the speed every
   * record id and reference of a sync is read at */
  static const guint8 groups[] = { 8, 4, 4, 4, 12 };
  const char *p = text;

  if (text == NULL)
    return FALSE;

  /* group after group, each after its dash: a byte is read only when
   * those before it were what they should be */
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      if (i > 0 && *p++ != '-')
        return FALSE;
      for (const char *end = p + groups[i]; p < end; p++)
        {
          if (!g_ascii_isxdigit (*p))
            return FALSE;
        }
    }

  return *p == '\0';
}

gboolean
dh_json_equal (json_object *a,
               json_object *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return json_object_equal (a, b) != 0;
}

const char *
dh_json_get_string (json_object *object,
                    const char  *key)
{
  json_object *value;

  if (object == NULL || !json_object_object_get_ex (object, key, &value))
    return NULL;
  if (!json_object_is_type (value, json_type_string))
    return NULL;

  return json_object_get_string (value);
}

gint64
dh_json_get_int (json_object *object,
                 const char  *key,
                 gint64       fallback)
{
  json_object *value;

  if (object == NULL || !json_object_object_get_ex (object, key, &value))
    return fallback;
  if (!json_object_is_type (value, json_type_int))
    return fallback;

  return json_object_get_int64 (value);
}

static gboolean
has_value (json_object *record,
           const char  *key)
{
  json_object *value;

  return json_object_object_get_ex (record, key, &value) && value != NULL;
}

gboolean
dh_entity_check_record (const DhEntity    *entity,
                        json_object       *record,
                        const DhValidator *validator,
                        GError           **error)
{
  g_return_val_if_fail (entity != NULL, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  for (guint i = 0; i < entity->n_fields; i++)
    {
      const DhField *field = &entity->fields[i];

      if ((field->flags & DH_FIELD_FLAG_REQUIRED) == 0 || has_value (record, field->name))
        continue;

      /* computed fields are filled by the store just before the check */
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("%s: is required; add it"), field->name);
      return FALSE;
    }

  if (entity->check != NULL)
    return entity->check (entity, record, validator, error);

  return TRUE;
}

static gboolean
get_date (json_object *record,
          const char  *key,
          GDate       *out_date)
{
  const char *text = dh_json_get_string (record, key);

  g_date_clear (out_date, 1);
  return text != NULL && dh_date_parse (text, out_date, NULL);
}

static gboolean
check_admin_unit (const DhEntity     *entity,
                  json_object        *record,
                  const DhValidator  *validator,
                  GError            **error)
{
  const char *kind = dh_json_get_string (record, "kind");
  GDate from, to;

  if (g_strcmp0 (kind, "province") != 0 && !has_value (record, "parent"))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("parent: a commune belongs to a province, and a village to a commune; give the id of the larger unit"));
      return FALSE;
    }

  if (get_date (record, "valid_from", &from) && get_date (record, "valid_to", &to) &&
      g_date_compare (&to, &from) < 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("valid_to: is before valid_from; a unit ends after it begins"));
      return FALSE;
    }

  return TRUE;
}

/* A household's head, the head's spouse and the head's parent are grown
 * people: a birth date that makes one a child of under 15 is a wrong date
 * or a wrong relation. (15, not 18: households headed by a young orphan,
 * and early marriages in the mountains, are real and are recorded.) */
#define DH_MEMBER_ADULT_RELATION_AGE 15

static gboolean
check_relation_age (json_object        *record,
                    const DhValidator  *validator,
                    GError            **error)
{
  const char *relation = dh_json_get_string (record, "relation");
  GDate birth, grown;

  if (g_strcmp0 (relation, "head") != 0 && g_strcmp0 (relation, "spouse") != 0 && g_strcmp0 (relation, "parent") != 0)
    return TRUE;
  if (!get_date (record, "birth_date", &birth) || !g_date_valid (&validator->today))
    return TRUE;

  grown = birth;
  g_date_add_years (&grown, DH_MEMBER_ADULT_RELATION_AGE);
  if (g_date_compare (&grown, &validator->today) <= 0)
    return TRUE;

  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
               /* Translators: the date is dd/mm/yyyy, then the age (15) */
               _("relation: a member born on %02d/%02d/%04d is not yet %d, too young to be the head, the spouse or the parent; check the birth date, or give another relation"),
               g_date_get_day (&birth), g_date_get_month (&birth), g_date_get_year (&birth),
               DH_MEMBER_ADULT_RELATION_AGE);
  return FALSE;
}

static gboolean
check_member (const DhEntity     *entity,
              json_object        *record,
              const DhValidator  *validator,
              GError            **error)
{
  const char *citizen_id = dh_json_get_string (record, "citizen_id");
  const char *sex_text = dh_json_get_string (record, "sex");
  const char *birth = dh_json_get_string (record, "birth_date");
  DhSex sex = DH_SEX_UNKNOWN;
  int birth_year = 0;

  if (!check_relation_age (record, validator, error))
    return FALSE;
  if (citizen_id == NULL)
    return TRUE;

  if (g_strcmp0 (sex_text, "male") == 0)
    sex = DH_SEX_MALE;
  else if (g_strcmp0 (sex_text, "female") == 0)
    sex = DH_SEX_FEMALE;

  if (birth != NULL)
    birth_year = (int) g_ascii_strtoll (birth, NULL, 10);

  if (!dh_citizen_id_check (validator->catalogues, &validator->today, citizen_id, sex, birth_year, error))
    {
      g_prefix_error (error, "citizen_id: ");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_exit_plan (const DhEntity     *entity,
                 json_object        *record,
                 const DhValidator  *validator,
                 GError            **error)
{
  gint64 target = dh_json_get_int (record, "target_year", 0);
  GDate registered;

  if (get_date (record, "registered_on", &registered) && target < g_date_get_year (&registered))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("target_year: %d is before the year of registration %d; give this year or a later one"),
                   (int) target, (int) g_date_get_year (&registered));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_visit (const DhEntity     *entity,
             json_object        *record,
             const DhValidator  *validator,
             GError            **error)
{
  GDate visited, next;

  if (get_date (record, "visited_on", &visited) && get_date (record, "next_visit_on", &next) &&
      g_date_compare (&next, &visited) <= 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("next_visit_on: is not after visited_on; plan the next visit for a later day"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_assessment (const DhEntity     *entity,
                  json_object        *record,
                  const DhValidator  *validator,
                  GError            **error)
{
  GDate reviewed, decided;

  if (!has_value (record, "income_per_capita") && !has_value (record, "score_a"))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("income_per_capita: give the income per person a month, or score_a from form B1"));
      return FALSE;
    }

  if (has_value (record, "official_class") != has_value (record, "decided_on"))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("decided_on: the commune's recognition needs both the class it recognised and the date it decided; give both, or neither until it has decided"));
      return FALSE;
    }

  if (get_date (record, "reviewed_on", &reviewed) && get_date (record, "decided_on", &decided) &&
      g_date_compare (&decided, &reviewed) < 0)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("decided_on: the decision is dated before the review; the commune decides after the review, so give a later date"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_support (const DhEntity     *entity,
               json_object        *record,
               const DhValidator  *validator,
               GError            **error)
{
  gint64 amount = dh_json_get_int (record, "amount_vnd", -1);
  gint64 state = dh_json_get_int (record, "state_share_vnd", 0);
  gint64 own = dh_json_get_int (record, "household_share_vnd", 0);

  if (g_strcmp0 (dh_json_get_string (record, "status"), "delivered") == 0)
    {
      GDate delivered;

      if (!has_value (record, "delivered_on"))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                       _("delivered_on: a delivered support needs the date it was handed over"));
          return FALSE;
        }
      /* what was handed over was handed over by today; a plan may lie ahead */
      if (dh_date_parse (dh_json_get_string (record, "delivered_on"), &delivered, NULL) &&
          !dh_date_check_not_future (&delivered, &validator->today, error))
        {
          g_prefix_error (error, "delivered_on: ");
          return FALSE;
        }
    }

  if (amount >= 0 && state + own > amount)
    {
      g_autofree char *sum = dh_money_format (state + own);
      g_autofree char *total = dh_money_format (amount);

      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("amount_vnd: the state and household shares add up to %s, more than the amount %s; correct the shares or the amount"),
                   sum, total);
      return FALSE;
    }

  if (has_value (record, "voids") != has_value (record, "void_reason"))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("void_reason: a void names the entry it cancels and says why"));
      return FALSE;
    }

  return TRUE;
}
