/* dh-entity.h – the entities of the data dictionary and the validation of their records */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dh-catalogue.h"

G_BEGIN_DECLS

/* A record travels as a json_object whose keys are the field names of
 * DATA.md: the CLI reads and prints it, the store maps it to columns and
 * the sync sends it on the wire, all through the one description below. */

typedef enum
{
  DH_FIELD_TEXT,        /* trimmed, NFC */
  DH_FIELD_NAME,        /* a person's or place's name: trimmed, NFC, not empty */
  DH_FIELD_INT,
  DH_FIELD_YEAR,        /* 1900 to 2100 */
  DH_FIELD_MONEY,       /* whole đồng >= 0; "1.500.000" is accepted on input */
  DH_FIELD_DATE,        /* ISO date; "24/11/2026" is accepted on input */
  DH_FIELD_BIRTH_DATE,  /* "1985" or an ISO date, from 1900, not in the future */
  DH_FIELD_BOOL,
  DH_FIELD_ENUM,        /* one of field->values, named in the catalogue field->target */
  DH_FIELD_CODE,        /* a code of the catalogue field->catalogue */
  DH_FIELD_CODE_SET,    /* an array of codes of the catalogue field->catalogue */
  DH_FIELD_REF,         /* the id of a record of the entity field->target */
  DH_FIELD_PHONE,
  DH_FIELD_CITIZEN_ID,
} DhFieldType;

typedef enum
{
  DH_FIELD_FLAG_NONE       = 0,
  DH_FIELD_FLAG_REQUIRED   = 1 << 0,
  DH_FIELD_FLAG_NOT_FUTURE = 1 << 1, /* a date that cannot lie after today */
  DH_FIELD_FLAG_COMPUTED   = 1 << 2, /* set by the store, never typed */
  DH_FIELD_FLAG_IMMUTABLE  = 1 << 3, /* set at creation, never changed */
} DhFieldFlags;

typedef struct _DhField DhField;
typedef struct _DhEntity DhEntity;

struct _DhField
{
  const char         *name;
  DhFieldType         type;
  DhFieldFlags        flags;
  const char         *target;     /* REF: entity name; CODE, CODE_SET: catalogue name;
                                   * ENUM: the catalogue that names its values */
  const char * const *values;     /* ENUM: the allowed values, NULL-terminated */
  const char         *default_value; /* ENUM: used when the field is absent on creation */
  gsize               max_bytes;  /* the longest value as UTF-8 bytes; 0: the type's default */
};

/* The longest values, in bytes of UTF-8 as given (a Vietnamese letter with
 * its marks takes 2 or 3). They are checked before anything else reads the
 * value: normalising text costs time that grows faster than its length. */
#define DH_FIELD_MAX_NAME_BYTES   200   /* a person's or place's name */
#define DH_FIELD_MAX_CODE_BYTES   64    /* codes, ids, dates, numbers written as text */
#define DH_FIELD_MAX_SHORT_BYTES  32    /* phone numbers, citizen IDs */
#define DH_FIELD_MAX_TEXT_BYTES   4000  /* notes, descriptions, addresses */
#define DH_FIELD_MAX_SET_ITEMS    64    /* codes in one set */

/* A value no two live records may share: FIELD, within records that have
 * the same SCOPE when one is given (a household's code in its commune). */
typedef struct
{
  const char *field;
  const char *scope;
  const char *message;  /* untranslated, with one %s for the value, or none */
  const char *only;     /* unique only when it holds this value (a household's one head); NULL: any */
} DhUnique;

typedef struct
{
  GDate         today;
  DhCatalogues *catalogues;
} DhValidator;

struct _DhEntity
{
  const char     *name;
  const char     *label;   /* what people call it, untranslated: use dh_entity_get_label() */
  const DhField  *fields;
  guint           n_fields;
  /* checks that span fields, run on the whole normalised record */
  gboolean      (*check) (const DhEntity    *entity,
                          json_object       *record,
                          const DhValidator *validator,
                          GError           **error);
  /* A ledger: a record made with seal_field = seal_value takes no later
   * write, anywhere (a delivered support entry). */
  const char     *seal_field;
  const char     *seal_value;
  /* Records the merge makes itself (conflicts): their writes are never
   * concurrent edits of people, so they make no conflicts of their own. */
  gboolean        derived;
  const DhUnique *unique;
  guint           n_unique;
  /* the name it is sorted by; a person's name sorts by given name first */
  const char     *name_field;
  gboolean        person_name;
};

/* The bookkeeping keys every record carries besides its fields. */
#define DH_RECORD_ID         "id"
#define DH_RECORD_CREATED_AT "created_at"
#define DH_RECORD_CREATED_BY "created_by"
#define DH_RECORD_UPDATED_AT "updated_at"
#define DH_RECORD_UPDATED_BY "updated_by"
#define DH_RECORD_DELETED    "deleted"
#define DH_RECORD_SYNC_STATE "sync_state"

const DhEntity  *dh_entity_lookup           (const char        *name);
const DhEntity  *dh_entity_lookup_listed    (const char        *name,
                                             const char       **out_unit_kind);
const DhEntity * const *dh_entity_list_all  (guint             *n_entities);
const DhField   *dh_entity_get_field        (const DhEntity    *entity,
                                             const char        *field_name);
gboolean         dh_entity_is_meta_key      (const char        *key);
char            *dh_entity_list_field_names (const DhEntity    *entity,
                                             gboolean           with_computed);
const char      *dh_entity_get_label        (const DhEntity    *entity);
const char      *dh_entity_unit_kind_label  (const char        *kind);
const char      *dh_field_get_value_label   (const DhField     *field,
                                            const char        *value,
                                            DhCatalogues      *catalogues);
char            *dh_entity_list_names       (void);

void             dh_validator_init          (DhValidator       *validator);

gboolean         dh_field_normalize_value   (const DhField     *field,
                                             json_object       *value,
                                             const DhValidator *validator,
                                             json_object      **out_value,
                                             GError           **error);
gboolean         dh_entity_normalize_fields (const DhEntity    *entity,
                                             json_object       *input,
                                             gboolean           allow_computed,
                                             const DhValidator *validator,
                                             json_object      **out_fields,
                                             GError           **error);
gboolean         dh_entity_check_record     (const DhEntity    *entity,
                                             json_object       *record,
                                             const DhValidator *validator,
                                             GError           **error);
gboolean         dh_is_valid_uuid           (const char        *text);
guint            dh_id_hash                 (gconstpointer      id);
gboolean         dh_json_equal              (json_object       *a,
                                             json_object       *b);
const char      *dh_json_get_string         (json_object       *object,
                                             const char        *key);
gint64           dh_json_get_int            (json_object       *object,
                                             const char        *key,
                                             gint64             fallback);

G_END_DECLS
