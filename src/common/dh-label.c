/* dh-label.c – the words people read and write for the values of a field: labels of codes, yes and no */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-label"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-label.h"
#include "dh-text.h"

/* Yes and no: the one kind of value that no catalogue lists. Their label
 * in English goes through gettext; the Vietnamese words are always
 * understood, so a list exported in Vietnamese is read back whatever the
 * locale of the import. The labels of every other value are the names of
 * its catalogue entry (data/catalogues/value-labels.json and the others). */
typedef struct
{
  const char *value;
  const char *label;         /* NC_("value", …): shown through gettext */
  const char *vietnamese;    /* the label of vi.po, always understood */
  const char *other[4];      /* other words people write for it, NULL-terminated */
} Label;

static const Label booleans[] = {
  { "true", NC_("value", "Yes"), "Có", { "x", "1", "true", "đúng" } },
  { "false", NC_("value", "No"), "Không", { "0", "false", "sai" } },
  { NULL }
};

static const char *
translated (const Label *label)
{
  return g_dpgettext2 (GETTEXT_PACKAGE, "value", label->label);
}

static gboolean
key_matches (const char *key,
             const char *text)
{
  g_autofree char *other = dh_text_match_key (text);

  return other != NULL && g_str_equal (key, other);
}

static const char *
bool_from_text (const char *text)
{
  g_autofree char *key = dh_text_match_key (text);

  if (key == NULL || key[0] == '\0')
    return NULL;

  for (guint i = 0; booleans[i].value != NULL; i++)
    {
      const Label *label = &booleans[i];

      if (key_matches (key, label->value) || key_matches (key, label->label) ||
          key_matches (key, label->vietnamese) || key_matches (key, translated (label)))
        return label->value;
      for (guint j = 0; j < G_N_ELEMENTS (label->other) && label->other[j] != NULL; j++)
        {
          if (key_matches (key, label->other[j]))
            return label->value;
        }
    }

  return NULL;
}

static gboolean
has_labels (const DhField *field)
{
  return field != NULL && field->target != NULL &&
         (field->type == DH_FIELD_ENUM || field->type == DH_FIELD_CODE || field->type == DH_FIELD_CODE_SET);
}

/**
 * dh_label_for_value:
 * @field: an enumeration or a yes/no field
 * @value: (nullable): one of its values ("near_poor", "true")
 *
 * Returns: (transfer none) (nullable): what a person reads for @value, in
 *   the language of the messages ("Hộ cận nghèo"), or %NULL when the field
 *   has no labels or @value is not one of its values
 */
const char *
dh_label_for_value (const DhField *field,
                    const char    *value)
{
  if (field != NULL && field->type == DH_FIELD_BOOL)
    {
      if (g_strcmp0 (value, "true") == 0)
        return translated (&booleans[0]);
      if (g_strcmp0 (value, "false") == 0)
        return translated (&booleans[1]);
      return NULL;
    }

  if (!has_labels (field))
    return NULL;

  return dh_field_get_value_label (field, value, NULL);
}

/**
 * dh_label_to_value:
 * @field: an enumeration or a yes/no field
 * @text: (nullable): what someone wrote: a value, its label in English or
 *   Vietnamese, or another word for it, without regard to case and marks
 *
 * Returns: (transfer none) (nullable): the value, or %NULL when @text is
 *   none of those
 */
const char *
dh_label_to_value (const DhField *field,
                   const char    *text)
{
  if (field != NULL && field->type == DH_FIELD_BOOL)
    return bool_from_text (text);

  if (!has_labels (field) || text == NULL)
    return NULL;

  return dh_catalogues_find_code (dh_catalogues_get_default (), field->target, text);
}

/* "Hộ nghèo, Hộ cận nghèo, …": what to tell someone who wrote a value
 * that is none of them. */
char *
dh_label_list (const DhField *field)
{
  GString *list = g_string_new (NULL);

  if (field != NULL && field->type == DH_FIELD_BOOL)
    {
      g_string_append_printf (list, "%s, %s", translated (&booleans[0]), translated (&booleans[1]));
    }
  else if (has_labels (field))
    {
      DhCatalogues *catalogues = dh_catalogues_get_default ();
      g_autoptr(GPtrArray) codes = dh_catalogues_list_codes (catalogues, field->target);

      for (guint i = 0; i < codes->len; i++)
        {
          const char *code = g_ptr_array_index (codes, i);

          /* an assessment proposes only some of the classes */
          if (field->type == DH_FIELD_ENUM && !g_strv_contains (field->values, code))
            continue;
          if (list->len > 0)
            g_string_append (list, ", ");
          g_string_append (list, dh_catalogues_get_label (catalogues, field->target, code));
        }
    }

  return g_string_free (list, FALSE);
}

const char *
dh_label_for_bool (gboolean value)
{
  return translated (&booleans[value ? 0 : 1]);
}

gboolean
dh_label_to_bool (const char *text,
                  gboolean   *out_value)
{
  const char *value = bool_from_text (text);

  if (value == NULL)
    return FALSE;
  *out_value = g_str_equal (value, "true");
  return TRUE;
}

/* Whether the catalogues' names are given in Vietnamese: the messages are. */
gboolean
dh_label_names_in_vietnamese (void)
{
  /* Translators: do not translate this into words: write the code of your
   * language, "vi" for Vietnamese. Lists then give the names of ethnic
   * groups, support types and the like in Vietnamese. */
  return g_str_equal (C_("language of catalogue names", "en"), "vi");
}

/* A catalogue entry's name in the language of the messages, or its code
 * when the catalogue has no such entry. */
const char *
dh_label_catalogue_name (DhCatalogues *catalogues,
                         const char   *catalogue,
                         const char   *code)
{
  const char *name = dh_catalogues_get_label (catalogues, catalogue, code);

  return name != NULL ? name : code;
}

/* What people call each field a person writes, by entity; a field named
 * alike in several entities (notes, household) has one label. */
static const struct
{
  const char *entity;   /* NULL: any */
  const char *field;
  const char *label;
} field_labels[] = {
  { "admin_unit", "code", N_("Code") },
  { "admin_unit", "kind", N_("Kind of place") },
  { "admin_unit", "name", N_("Name") },
  { "admin_unit", "parent", N_("Belongs to") },
  { "admin_unit", "successor", N_("Merged into") },
  { "household", "code", N_("Household code") },
  { "member", "full_name", N_("Full name") },
  { "user", "full_name", N_("Full name") },
  { NULL, "area", N_("Area") },
  { NULL, "valid_from", N_("Valid from") },
  { NULL, "valid_to", N_("Valid until") },
  { NULL, "village", N_("Village") },
  { NULL, "commune", N_("Commune") },
  { NULL, "address", N_("Address") },
  { NULL, "head_name", N_("Head of household") },
  { NULL, "phone", N_("Phone") },
  { NULL, "ethnicity", N_("Ethnic group") },
  { NULL, "classification", N_("Classification") },
  { NULL, "classification_year", N_("Year of classification") },
  { NULL, "recognized_on", N_("Recognised on") },
  { NULL, "poverty_causes", N_("Causes of poverty") },
  { NULL, "assigned_to", N_("Caseworker") },
  { NULL, "notes", N_("Notes") },
  { NULL, "household", N_("Household") },
  { NULL, "relation", N_("Relation to the head") },
  { NULL, "sex", N_("Sex") },
  { NULL, "birth_date", N_("Date of birth") },
  { NULL, "citizen_id", N_("Citizen ID") },
  { NULL, "health_insurance", N_("Health insurance card") },
  { NULL, "schooling", N_("Schooling") },
  { NULL, "employment", N_("Work") },
  { NULL, "disability", N_("Disability") },
  { NULL, "social_allowance", N_("Social allowance") },
  { NULL, "registered_on", N_("Registered on") },
  { NULL, "target_year", N_("Year to escape poverty") },
  { NULL, "commitments", N_("Commitments") },
  { NULL, "support_needed", N_("Support needed") },
  { "exit_plan", "status", N_("Progress") },
  { NULL, "visited_on", N_("Date of the visit") },
  { NULL, "visitor", N_("Visited by") },
  { NULL, "purpose", N_("Purpose") },
  { NULL, "next_visit_on", N_("Next visit") },
  { NULL, "location", N_("Place") },
  { NULL, "standard", N_("Poverty standard") },
  { NULL, "review_kind", N_("Kind of review") },
  { NULL, "reviewed_on", N_("Date of the review") },
  { NULL, "income_per_capita", N_("Income per person") },
  { NULL, "score_a", N_("Score A") },
  { NULL, "deprived", N_("Deprivations") },
  { NULL, "proposed_class", N_("Proposed classification") },
  { NULL, "official_class", N_("Recognised classification") },
  { NULL, "decided_on", N_("Decided on") },
  { NULL, "reviewer", N_("Reviewed by") },
  { NULL, "member", N_("Member") },
  { NULL, "delivered_on", N_("Date of delivery") },
  { NULL, "programme", N_("Programme") },
  { NULL, "project", N_("Project") },
  { NULL, "support_type", N_("Kind of support") },
  { NULL, "description", N_("Description") },
  { NULL, "quantity", N_("Quantity") },
  { NULL, "unit", N_("Unit") },
  { NULL, "amount_vnd", N_("Amount") },
  { NULL, "state_share_vnd", N_("State's share") },
  { NULL, "household_share_vnd", N_("Household's share") },
  { NULL, "funding_source", N_("Funding source") },
  { "support", "status", N_("Delivered or planned") },
  { NULL, "voids", N_("Voids") },
  { NULL, "void_reason", N_("Reason for voiding") },
  { NULL, "username", N_("User name") },
  { NULL, "role", N_("Role") },
  { NULL, "active", N_("Active") },
  { NULL, "deleted", N_("Deleted") },
};

/**
 * dh_label_field:
 * @entity: the record's entity
 * @field: one of its fields
 *
 * Returns: what people call the field, translated; the field's own name
 *   for one no person writes
 */
const char *
dh_label_field (const char *entity,
                const char *field)
{
  g_return_val_if_fail (field != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
    if ((field_labels[i].entity == NULL || g_strcmp0 (field_labels[i].entity, entity) == 0) &&
        g_str_equal (field_labels[i].field, field))
      return _(field_labels[i].label);
  return field;
}
