/* dh-demo.c – a made-up but plausible caseload for trying the product and measuring it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-demo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-date.h"
#include "dh-demo.h"

/* Households are written in batches: one transaction each, so that a
 * large demo neither waits for a disk flush per record nor holds one
 * enormous transaction. */
#define BATCH 500

static const char * const family_names[] = {
  "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ",
  "Ngô", "Dương", "Lý", "Lò", "Hà", "Sùng", "Giàng", "Vàng", "Lường", "Triệu", "Ma", "Nông",
};
static const char * const middle_male[] = { "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "A", "Seo" };
static const char * const middle_female[] = { "Thị", "Thị", "Ngọc", "Thu", "Mai", "Hồng", "Thị" };
static const char * const given_male[] = {
  "An", "Bình", "Cường", "Dũng", "Đặng", "Giang", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam",
  "Phúc", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Chứ", "Páo", "Sính", "Tủa",
};
static const char * const given_female[] = {
  "Anh", "Bích", "Chi", "Dung", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung",
  "Oanh", "Phương", "Thảo", "Trang", "Vân", "Xuân", "Dợ", "Mỷ", "Sua",
};
static const char * const ethnicities[] = { "kinh", "kinh", "tay", "thai", "muong", "mong", "dao", "nung" };
static const char * const causes[] = {
  "no_production_land", "no_capital", "no_labour", "no_tools", "no_know_how", "no_skills",
  "illness_or_accident",
};
static const char * const support_types[] = {
  "seed_plant", "livestock", "farm_input", "tool_machine", "technical_training", "housing_repair",
  "vbsp_loan", "health_insurance_card", "vocational_training", "nutrition",
};
/* The indicators both the 2022 and the 2027 sets have, so that last
 * autumn's annual review counts under either standard. */
static const char * const indicators[] = {
  "EMP", "DEP", "NUT", "HI", "AED", "SCH", "HQ", "HA", "WAT", "TOI", "TEL",
};

void
dh_demo_options_init (DhDemoOptions *options)
{
  g_return_if_fail (options != NULL);

  options->households = 200;
  options->members_per_household = 4;
  options->visits_per_household = 3;
  options->supports_per_household = 2;
  options->seed = 1;
}

#define PICK(rand, list) ((list)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (list))])

static char *
person_name (GRand    *rand,
             gboolean  female)
{
  return g_strdup_printf ("%s %s %s", PICK (rand, family_names),
                          female ? PICK (rand, middle_female) : PICK (rand, middle_male),
                          female ? PICK (rand, given_female) : PICK (rand, given_male));
}

static json_object *
create (DhStore      *store,
        const char   *entity,
        json_object  *fields,
        GError      **error)
{
  json_object *record = dh_store_create (store, entity, fields, error);

  json_object_put (fields);
  return record;
}

static gboolean
create_only (DhStore      *store,
             const char   *entity,
             json_object  *fields,
             GError      **error)
{
  json_object *record = create (store, entity, fields, error);

  json_object_put (record);
  return record != NULL;
}

static char *
random_date (GRand       *rand,
             const GDate *today,
             guint        max_days_ago)
{
  GDate date = *today;

  g_date_subtract_days (&date, (guint) g_rand_int_range (rand, 0, (gint32) max_days_ago));
  return dh_date_to_iso (&date);
}

static gboolean
create_places (DhStore     *store,
               GPtrArray   *villages,
               GError     **error)
{
  json_object *province = dh_catalogues_get_demo_province (dh_catalogues_get_default ());
  g_autoptr(json_object) province_record = NULL;
  json_object *fields, *communes;

  fields = json_object_new_object ();
  json_object_object_add (fields, "code", json_object_new_string (dh_json_get_string (province, "code")));
  json_object_object_add (fields, "kind", json_object_new_string ("province"));
  json_object_object_add (fields, "name", json_object_new_string (dh_json_get_string (province, "name")));
  province_record = create (store, "admin_unit", fields, error);
  if (province_record == NULL)
    return FALSE;

  json_object_object_get_ex (province, "communes", &communes);
  for (size_t i = 0; i < json_object_array_length (communes); i++)
    {
      json_object *commune = json_object_array_get_idx (communes, i);
      g_autoptr(json_object) commune_record = NULL;
      json_object *commune_villages;

      fields = json_object_new_object ();
      json_object_object_add (fields, "code", json_object_new_string (dh_json_get_string (commune, "code")));
      json_object_object_add (fields, "kind", json_object_new_string ("commune"));
      json_object_object_add (fields, "name", json_object_new_string (dh_json_get_string (commune, "name")));
      json_object_object_add (fields, "parent", json_object_new_string (dh_json_get_string (province_record, "id")));
      json_object_object_add (fields, "area", json_object_new_string (dh_json_get_string (commune, "area")));
      json_object_object_add (fields, "valid_from", json_object_new_string ("2025-07-01"));
      commune_record = create (store, "admin_unit", fields, error);
      if (commune_record == NULL)
        return FALSE;

      json_object_object_get_ex (commune, "villages", &commune_villages);
      for (size_t j = 0; j < json_object_array_length (commune_villages); j++)
        {
          json_object *village = json_object_array_get_idx (commune_villages, j);
          json_object *village_record;

          fields = json_object_new_object ();
          json_object_object_add (fields, "code", json_object_new_string (dh_json_get_string (village, "code")));
          json_object_object_add (fields, "kind", json_object_new_string ("village"));
          json_object_object_add (fields, "name", json_object_new_string (dh_json_get_string (village, "name")));
          json_object_object_add (fields, "parent", json_object_new_string (dh_json_get_string (commune_record, "id")));
          village_record = create (store, "admin_unit", fields, error);
          if (village_record == NULL)
            return FALSE;
          g_ptr_array_add (villages, village_record);
        }
    }

  return TRUE;
}

static gboolean
create_household (DhStore             *store,
                  GRand               *rand,
                  const DhDemoOptions *options,
                  json_object         *village,
                  guint                number,
                  const GDate         *today,
                  GError             **error)
{
  g_autoptr(json_object) household = NULL;
  g_autoptr(json_object) review = NULL;
  g_autoptr(json_object) recognised = NULL;
  g_autoptr(GPtrArray) member_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *head = NULL;
  g_autofree char *code = NULL;
  g_autofree char *phone = NULL;
  const char *household_id;
  const char *ethnicity = PICK (rand, ethnicities);
  gboolean head_female = g_rand_int_range (rand, 0, 4) == 0;
  guint n_members, n_visits, n_supports;
  json_object *fields, *causes_array;
  gint64 income;
  guint n_deprived;

  head = person_name (rand, head_female);
  code = g_strdup_printf ("%s-%05u", dh_json_get_string (village, "code"), number);
  phone = g_strdup_printf ("09%08u", g_rand_int_range (rand, 0, 100000000));

  fields = json_object_new_object ();
  json_object_object_add (fields, "code", json_object_new_string (code));
  json_object_object_add (fields, "village", json_object_new_string (dh_json_get_string (village, "id")));
  json_object_object_add (fields, "head_name", json_object_new_string (head));
  json_object_object_add (fields, "ethnicity", json_object_new_string (ethnicity));
  if (g_rand_int_range (rand, 0, 3) > 0)
    json_object_object_add (fields, "phone", json_object_new_string (phone));

  causes_array = json_object_new_array ();
  json_object_array_add (causes_array, json_object_new_string (causes[number % G_N_ELEMENTS (causes)]));
  json_object_object_add (fields, "poverty_causes", causes_array);
  household = create (store, "household", fields, error);
  if (household == NULL)
    return FALSE;
  household_id = dh_json_get_string (household, "id");

  /* averages come from a spread of 1 to 2 × average - 1 */
  n_members = (guint) g_rand_int_range (rand, 1, (gint32) (2 * options->members_per_household));
  for (guint i = 0; i < n_members; i++)
    {
      gboolean female = i == 0 ? head_female : g_rand_boolean (rand);
      g_autofree char *name = i == 0 ? g_strdup (head) : person_name (rand, female);
      g_autofree char *birth = g_strdup_printf ("%d", i < 2 ? g_rand_int_range (rand, 1950, 2000)
                                                            : g_rand_int_range (rand, 2000, g_date_get_year (today)));
      json_object *member;

      fields = json_object_new_object ();
      json_object_object_add (fields, "household", json_object_new_string (household_id));
      json_object_object_add (fields, "full_name", json_object_new_string (name));
      json_object_object_add (fields, "relation", json_object_new_string (i == 0 ? "head" : i == 1 ? "spouse" : "child"));
      json_object_object_add (fields, "sex", json_object_new_string (female ? "female" : "male"));
      json_object_object_add (fields, "birth_date", json_object_new_string (birth));
      json_object_object_add (fields, "ethnicity", json_object_new_string (ethnicity));
      json_object_object_add (fields, "health_insurance", json_object_new_boolean (g_rand_int_range (rand, 0, 5) > 0));
      if (i < 2 && g_rand_boolean (rand))
        {
          int year = (int) g_ascii_strtoll (birth, NULL, 10);
          g_autofree char *citizen_id = g_strdup_printf ("%03d%d%02d%06u", 2 + 2 * (int) (number % 3),
                                                         (year >= 2000 ? 2 : 0) + (female ? 1 : 0),
                                                         year % 100, number * 4 + i);

          json_object_object_add (fields, "citizen_id", json_object_new_string (citizen_id));
        }
      member = create (store, "member", fields, error);
      if (member == NULL)
        return FALSE;
      g_ptr_array_add (member_ids, g_strdup (dh_json_get_string (member, "id")));
      json_object_put (member);
    }

  n_visits = options->visits_per_household == 0 ? 0 :
             (guint) g_rand_int_range (rand, 0, (gint32) (2 * options->visits_per_household + 1));
  for (guint i = 0; i < n_visits; i++)
    {
      g_autofree char *visited_on = random_date (rand, today, 700);

      fields = json_object_new_object ();
      json_object_object_add (fields, "household", json_object_new_string (household_id));
      json_object_object_add (fields, "visited_on", json_object_new_string (visited_on));
      json_object_object_add (fields, "visitor", json_object_new_string ("demo"));
      json_object_object_add (fields, "purpose", json_object_new_string (i == 0 ? "review" : "routine"));
      json_object_object_add (fields, "notes", json_object_new_string ("Thăm hộ, trao đổi về sinh kế."));
      if (!create_only (store, "visit", fields, error))
        return FALSE;
    }

  n_supports = options->supports_per_household == 0 ? 0 :
               (guint) g_rand_int_range (rand, 0, (gint32) (2 * options->supports_per_household + 1));
  for (guint i = 0; i < n_supports; i++)
    {
      g_autofree char *delivered_on = random_date (rand, today, 700);
      gint64 amount = (gint64) 500000 * g_rand_int_range (rand, 1, 20);

      fields = json_object_new_object ();
      json_object_object_add (fields, "household", json_object_new_string (household_id));
      json_object_object_add (fields, "delivered_on", json_object_new_string (delivered_on));
      json_object_object_add (fields, "programme", json_object_new_string ("NTP-GNBV-2021-2025"));
      json_object_object_add (fields, "project", json_object_new_string ("3.1"));
      json_object_object_add (fields, "support_type", json_object_new_string (PICK (rand, support_types)));
      json_object_object_add (fields, "amount_vnd", json_object_new_int64 (amount));
      json_object_object_add (fields, "state_share_vnd", json_object_new_int64 (amount * 9 / 10));
      json_object_object_add (fields, "household_share_vnd", json_object_new_int64 (amount / 10));
      json_object_object_add (fields, "funding_source", json_object_new_string ("central_budget"));
      json_object_object_add (fields, "status", json_object_new_string ("delivered"));
      if (!create_only (store, "support", fields, error))
        return FALSE;
    }

  /* a third of the households have registered to escape poverty */
  if (number % 3 == 0)
    {
      g_autofree char *registered_on = g_strdup_printf ("%d-03-01", g_date_get_year (today) - 1);

      fields = json_object_new_object ();
      json_object_object_add (fields, "household", json_object_new_string (household_id));
      json_object_object_add (fields, "registered_on", json_object_new_string (registered_on));
      json_object_object_add (fields, "target_year", json_object_new_int (g_date_get_year (today) + 1));
      json_object_object_add (fields, "commitments", json_object_new_string ("Nuôi 2 con bò sinh sản, trồng 1 ha quế."));
      json_object_object_add (fields, "support_needed", json_object_new_string ("Vay vốn Ngân hàng Chính sách xã hội."));
      json_object_object_add (fields, "status", json_object_new_string ("on_track"));
      if (!create_only (store, "exit_plan", fields, error))
        return FALSE;
    }

  /* one annual review of last year, by income, with a few deprivations;
   * most of a caseload lives at or under the threshold */
  income = (gint64) 100000 * g_rand_int_range (rand, 6, 18);
  n_deprived = (guint) g_rand_int_range (rand, 0, 6);
  fields = json_object_new_object ();
  {
    g_autofree char *reviewed_on = g_strdup_printf ("%d-10-15", g_date_get_year (today) - 1);
    json_object *deprived = json_object_new_array ();
    guint start = (guint) g_rand_int_range (rand, 0, G_N_ELEMENTS (indicators));

    for (guint i = 0; i < n_deprived; i++)
      json_object_array_add (deprived, json_object_new_string (indicators[(start + i) % G_N_ELEMENTS (indicators)]));
    json_object_object_add (fields, "household", json_object_new_string (household_id));
    json_object_object_add (fields, "reviewed_on", json_object_new_string (reviewed_on));
    json_object_object_add (fields, "income_per_capita", json_object_new_int64 (income));
    json_object_object_add (fields, "deprived", deprived);
    json_object_object_add (fields, "reviewer", json_object_new_string ("demo"));
  }
  review = create (store, "assessment", fields, error);
  if (review == NULL)
    return FALSE;

  /* the commune recognised what the review proposed: that is the
   * household's class from then on */
  fields = json_object_new_object ();
  {
    g_autofree char *decided_on = g_strdup_printf ("%d-12-15", g_date_get_year (today) - 1);

    json_object_object_add (fields, "official_class", json_object_new_string (dh_json_get_string (review, "proposed_class")));
    json_object_object_add (fields, "decided_on", json_object_new_string (decided_on));
  }
  recognised = dh_store_update (store, "assessment", dh_json_get_string (review, "id"), fields, error);
  json_object_put (fields);

  return recognised != NULL;
}

gboolean
dh_demo_populate (DhStore             *store,
                  const DhDemoOptions *options,
                  DhDemoProgress       progress,
                  gpointer             user_data,
                  GError             **error)
{
  g_autoptr(GPtrArray) villages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GRand) rand = NULL;
  GDate today;

  g_return_val_if_fail (DH_IS_STORE (store), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  rand = g_rand_new_with_seed (options->seed);
  g_date_clear (&today, 1);
  dh_date_today (&today);

  if (!dh_store_begin (store, error))
    return FALSE;
  /* made-up people must never reach a real server */
  if (!dh_store_set_meta (store, "demo", "1", error) ||
      !create_places (store, villages, error))
    {
      dh_store_rollback (store);
      return FALSE;
    }
  if (!dh_store_commit (store, error))
    return FALSE;

  for (guint done = 0; done < options->households; done += BATCH)
    {
      guint end = MIN (done + BATCH, options->households);

      if (!dh_store_begin (store, error))
        return FALSE;
      for (guint i = done; i < end; i++)
        {
          json_object *village = g_ptr_array_index (villages, i % villages->len);

          if (!create_household (store, rand, options, village, i + 1, &today, error))
            {
              dh_store_rollback (store);
              return FALSE;
            }
        }
      if (!dh_store_commit (store, error))
        return FALSE;
      if (progress != NULL)
        progress (end, user_data);
    }

  return TRUE;
}
