/* dh-demo.c – a made-up but plausible caseload for trying the product and measuring it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-demo"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-date.h"
#include "dh-demo.h"

/* Households are written in batches: one transaction each, so that a
 * large demo neither waits for a disk flush per record nor holds one
 * enormous transaction. */
#define BATCH 500

/* Names follow the household's people: each ethnic group has its own
 * family names, and Mông names carry their own middle names ("A", "Seo",
 * "Mí") and given names. A Kinh family name appears more than once so
 * that "Nguyễn" is as common as it is. */
static const char * const kinh_families[] = {
  "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ",
  "Hồ", "Ngô", "Dương", NULL,
};
static const char * const tay_families[] = { "Hoàng", "Nông", "Ma", "Hà", "Lương", "Triệu", NULL };
static const char * const thai_families[] = { "Lò", "Lường", "Cầm", "Quàng", "Hà", NULL };
static const char * const muong_families[] = { "Bùi", "Đinh", "Quách", "Hà", NULL };
static const char * const mong_families[] = { "Sùng", "Giàng", "Vàng", "Lý", "Thào", "Hầu", NULL };
static const char * const dao_families[] = { "Triệu", "Bàn", "Đặng", "Lý", NULL };
static const char * const nung_families[] = { "Nông", "Hoàng", "Vi", "Lương", NULL };

static const char * const middle_male[] = { "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", NULL };
static const char * const middle_female[] = { "Thị", "Thị", "Thị", "Ngọc", "Thu", "Hồng", NULL };
static const char * const given_male[] = {
  "An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hùng", "Khánh", "Long", "Mạnh", "Nam", "Phúc",
  "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Tú", "Sính", NULL,
};
static const char * const given_female[] = {
  "Anh", "Bích", "Chi", "Dung", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung",
  "Oanh", "Phương", "Thảo", "Trang", "Vân", "Xuân", "Mỷ", NULL,
};
static const char * const mong_middle_male[] = { "A", "A", "Seo", NULL };
static const char * const mong_middle_female[] = { "Thị", "Thị", "Mí", NULL };
static const char * const mong_given_male[] = { "Páo", "Chứ", "Sính", "Tủa", "Dình", "Chư", "Su", NULL };
static const char * const mong_given_female[] = { "Dợ", "Mỷ", "Sua", "Mai", "Dua", "Pà", NULL };

typedef struct
{
  const char         *ethnicity;
  const char * const *families;
  const char * const *middle_male;
  const char * const *middle_female;
  const char * const *given_male;
  const char * const *given_female;
} NamePool;

/* Kinh twice: the majority of a caseload in the demo province */
static const NamePool name_pools[] = {
  { "kinh", kinh_families, middle_male, middle_female, given_male, given_female },
  { "kinh", kinh_families, middle_male, middle_female, given_male, given_female },
  { "tay", tay_families, middle_male, middle_female, given_male, given_female },
  { "thai", thai_families, middle_male, middle_female, given_male, given_female },
  { "muong", muong_families, middle_male, middle_female, given_male, given_female },
  { "mong", mong_families, mong_middle_male, mong_middle_female, mong_given_male, mong_given_female },
  { "dao", dao_families, middle_male, middle_female, given_male, given_female },
  { "nung", nung_families, middle_male, middle_female, given_male, given_female },
};

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

static const char *
pick_name (GRand              *rand,
           const char * const *names)
{
  return names[g_rand_int_range (rand, 0, (gint32) g_strv_length ((char **) names))];
}

/* A Vietnamese name: family name, middle name, given name. The family
 * name is the father's, so the caller chooses it. */
static char *
person_name (GRand          *rand,
             const NamePool *pool,
             const char     *family,
             gboolean        female)
{
  const char *middle = pick_name (rand, female ? pool->middle_female : pool->middle_male);
  const char *given;

  /* "Ngọc Ngọc" is nobody's name */
  do
    given = pick_name (rand, female ? pool->given_female : pool->given_male);
  while (g_str_equal (given, middle));

  return g_strdup_printf ("%s %s %s", family, middle, given);
}

/* One member of a made-up family, before it is written. */
typedef struct
{
  char       *full_name;
  const char *relation;
  gboolean    female;
  int         born;
} DemoPerson;

static void
demo_person_clear (gpointer data)
{
  DemoPerson *person = data;

  g_free (person->full_name);
}

static gboolean
name_is_taken (GArray     *people,
               const char *full_name)
{
  for (guint i = 0; i < people->len; i++)
    if (g_str_equal (g_array_index (people, DemoPerson, i).full_name, full_name))
      return TRUE;
  return FALSE;
}

/* Adds one person to PEOPLE, of family name FAMILY and a name nobody else
 * in the household has: parents do not give two children one name. */
static void
add_person (GArray         *people,
            GRand          *rand,
            const NamePool *pool,
            const char     *family,
            const char     *relation,
            gboolean        female,
            int             born)
{
  DemoPerson person = { NULL, relation, female, born };

  /* a very large made-up family may run out of names: then it repeats one */
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_free (person.full_name);
      person.full_name = person_name (rand, pool, family, female);
      if (!name_is_taken (people, person.full_name))
        break;
    }

  g_array_append_val (people, person);
}

/* The people of one household, as a family is: a man who heads it lives
 * with his wife of about his age, a woman who heads it is widowed; the
 * children carry their father's family name and were born when both
 * parents were grown; a young head may keep a parent, an older one a
 * son's children. N_MEMBERS people in all. */
static GArray *
make_family (GRand          *rand,
             const NamePool *pool,
             guint           n_members,
             int             this_year)
{
  GArray *people = g_array_sized_new (FALSE, FALSE, sizeof (DemoPerson), n_members);
  const char *family = pick_name (rand, pool->families);
  /* a widow's children carry their late father's name */
  const char *children_family;
  gboolean head_female = g_rand_int_range (rand, 0, 4) == 0;
  int head_born = this_year - (head_female ? g_rand_int_range (rand, 30, 76) : g_rand_int_range (rand, 22, 71));
  int youngest_parent = head_born;
  int mother_born = head_born;
  guint left = n_members - 1;
  guint n_grandchildren = 0;
  int first_child_born = 0;

  g_array_set_clear_func (people, demo_person_clear);

  add_person (people, rand, pool, family, "head", head_female, head_born);
  children_family = head_female ? pick_name (rand, pool->families) : family;

  if (!head_female && left > 0 && g_rand_int_range (rand, 0, 8) > 0)
    {
      /* a wife keeps her own family name */
      int born = head_born + g_rand_int_range (rand, -2, 7);

      born = MIN (born, this_year - 18);

      add_person (people, rand, pool, pick_name (rand, pool->families), "spouse", TRUE, born);
      youngest_parent = MAX (youngest_parent, born);
      mother_born = born;
      left--;
    }

  if (left > 0 && this_year - head_born < 45 && g_rand_int_range (rand, 0, 3) == 0)
    {
      /* the head's father shares the head's family name; the mother has her own */
      gboolean female = g_rand_int_range (rand, 0, 3) > 0;
      const char *parent_family = female ? pick_name (rand, pool->families)
                                         : ((const DemoPerson *) people->data)[0].full_name;
      g_autofree char *parent_surname = g_strndup (parent_family, strcspn (parent_family, " "));

      add_person (people, rand, pool, parent_surname, "parent", female,
                  head_born - g_rand_int_range (rand, 20, 36));
      left--;
    }

  if (left >= 2 && this_year - head_born >= 50 && g_rand_boolean (rand))
    n_grandchildren = (guint) g_rand_int_range (rand, 1, (gint32) left);

  for (guint i = 0; i < left - n_grandchildren; i++)
    {
      int earliest = youngest_parent + 18;
      int latest = MIN (mother_born + 45, this_year);
      gboolean female = g_rand_boolean (rand);
      int born;

      /* the son whose children live here is old enough to have them */
      if (i == 0 && n_grandchildren > 0)
        {
          female = FALSE;
          latest = MIN (latest, this_year - 20);
        }
      born = g_rand_int_range (rand, earliest, MAX (earliest, latest) + 1);
      if (i == 0)
        first_child_born = born;
      add_person (people, rand, pool, children_family, "child", female, born);
    }

  for (guint i = 0; i < n_grandchildren; i++)
    {
      gboolean female = g_rand_boolean (rand);
      int born = g_rand_int_range (rand, first_child_born + 18, this_year + 1);

      add_person (people, rand, pool, children_family, "grandchild", female, born);
    }

  return people;
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
  g_autoptr(GArray) people = NULL;
  g_autofree char *code = NULL;
  g_autofree char *phone = NULL;
  const char *household_id;
  const NamePool *pool = &name_pools[g_rand_int_range (rand, 0, G_N_ELEMENTS (name_pools))];
  const char *ethnicity = pool->ethnicity;
  const char *head;
  guint n_members, n_visits, n_supports;
  json_object *fields, *causes_array;
  gint64 income;
  guint n_deprived;

  /* averages come from a spread of 1 to 2 × average - 1 */
  n_members = (guint) g_rand_int_range (rand, 1, (gint32) MAX (2, 2 * options->members_per_household));
  people = make_family (rand, pool, n_members, g_date_get_year (today));
  head = g_array_index (people, DemoPerson, 0).full_name;
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

  for (guint i = 0; i < people->len; i++)
    {
      const DemoPerson *person = &g_array_index (people, DemoPerson, i);
      g_autofree char *birth = g_strdup_printf ("%d", person->born);
      json_object *member;

      fields = json_object_new_object ();
      json_object_object_add (fields, "household", json_object_new_string (household_id));
      json_object_object_add (fields, "full_name", json_object_new_string (person->full_name));
      json_object_object_add (fields, "relation", json_object_new_string (person->relation));
      json_object_object_add (fields, "sex", json_object_new_string (person->female ? "female" : "male"));
      json_object_object_add (fields, "birth_date", json_object_new_string (birth));
      json_object_object_add (fields, "ethnicity", json_object_new_string (ethnicity));
      json_object_object_add (fields, "health_insurance", json_object_new_boolean (g_rand_int_range (rand, 0, 5) > 0));
      /* a citizen card is issued from the age of 14 */
      if (i < 2 && person->born <= g_date_get_year (today) - 14 && g_rand_boolean (rand))
        {
          int year = person->born;
          g_autofree char *citizen_id = g_strdup_printf ("%03d%d%02d%06u", 2 + 2 * (int) (number % 3),
                                                         (year >= 2000 ? 2 : 0) + (person->female ? 1 : 0),
                                                         year % 100, number * 4 + i);

          json_object_object_add (fields, "citizen_id", json_object_new_string (citizen_id));
        }
      member = create (store, "member", fields, error);
      if (member == NULL)
        return FALSE;
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
