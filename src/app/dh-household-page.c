/* dh-household-page.c – the household card: facts, members, review, plan, visits, support */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-household-page"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-app-format.h"
#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-card-row.h"
#include "dh-entity.h"
#include "dh-household-page.h"
#include "dh-money.h"

/* A group of the card and the rows the page put in it, so that showing
 * another household starts from empty groups. */
typedef struct
{
  AdwPreferencesGroup *group;
  GPtrArray           *rows;
} Section;

enum {
  SECTION_FACTS,
  SECTION_MEMBERS,
  SECTION_REVIEW,
  SECTION_PLAN,
  SECTION_VISITS,
  SECTION_SUPPORT,
  N_SECTIONS
};

struct _DhHouseholdPage
{
  AdwBin               parent_instance;

  AdwPreferencesGroup *facts_group;
  AdwPreferencesGroup *members_group;
  AdwPreferencesGroup *review_group;
  AdwPreferencesGroup *plan_group;
  AdwPreferencesGroup *visits_group;
  AdwPreferencesGroup *support_group;
  GtkButton           *edit_review_button;
  GtkButton           *edit_plan_button;

  Section              sections[N_SECTIONS];
  DhContext           *context;
  char                *household_id;
  char                *title;
  const char          *sync_words;   /* where its changes are, as the card says it */
  char                *shown;        /* what was read for it (see read_fingerprint()) */
};

G_DEFINE_FINAL_TYPE (DhHouseholdPage, dh_household_page, ADW_TYPE_BIN)

#define MAX_LISTED 200   /* visits or support entries shown on the card */

static void
dh_household_page_dispose (GObject *object)
{
  DhHouseholdPage *self = DH_HOUSEHOLD_PAGE (object);

  for (guint i = 0; i < N_SECTIONS; i++)
    g_clear_pointer (&self->sections[i].rows, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_clear_pointer (&self->household_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->shown, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_HOUSEHOLD_PAGE);

  G_OBJECT_CLASS (dh_household_page_parent_class)->dispose (object);
}

static void
dh_household_page_class_init (DhHouseholdPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_household_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-household-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, facts_group);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, members_group);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, review_group);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, plan_group);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, visits_group);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, support_group);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, edit_review_button);
  gtk_widget_class_bind_template_child (widget_class, DhHouseholdPage, edit_plan_button);
}

static void
dh_household_page_init (DhHouseholdPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->sections[SECTION_FACTS].group = self->facts_group;
  self->sections[SECTION_MEMBERS].group = self->members_group;
  self->sections[SECTION_REVIEW].group = self->review_group;
  self->sections[SECTION_PLAN].group = self->plan_group;
  self->sections[SECTION_VISITS].group = self->visits_group;
  self->sections[SECTION_SUPPORT].group = self->support_group;
  for (guint i = 0; i < N_SECTIONS; i++)
    self->sections[i].rows = g_ptr_array_new ();
}

static void
clear_section (Section *section)
{
  for (guint i = 0; i < section->rows->len; i++)
    adw_preferences_group_remove (section->group, g_ptr_array_index (section->rows, i));
  g_ptr_array_set_size (section->rows, 0);
  adw_preferences_group_set_description (section->group, NULL);
}

static DhCardRow *
add_row (Section    *section,
         const char *title,
         const char *subtitle)
{
  DhCardRow *row = DH_CARD_ROW (dh_card_row_new (title, subtitle));

  adw_preferences_group_add (section->group, GTK_WIDGET (row));
  g_ptr_array_add (section->rows, row);

  return row;
}

/* One fact of a record, labelled, shown only when it has a value. */
static void
add_fact (DhHouseholdPage *self,
          Section         *section,
          const char      *title,
          const char      *entity,
          const char      *field,
          json_object     *record)
{
  g_autofree char *value = dh_context_describe_value (self->context, entity, field, record);
  DhCardRow *row;

  if (value == NULL || value[0] == '\0')
    return;

  row = add_row (section, title, value);
  gtk_widget_add_css_class (GTK_WIDGET (row), "property");
}

static GPtrArray *
list_of_household (DhContext   *context,
                   const char  *household_id,
                   const char  *entity,
                   DhSort       sort,
                   guint        limit,
                   GError     **error)
{
  g_autofree char *filter = g_strdup_printf ("household=%s", household_id);
  const char *filters[] = { filter, NULL };
  DhQuery query = {
    .entity = entity,
    .filters = filters,
    .sort = sort,
    .limit = limit,
  };

  return dh_store_list (dh_context_get_store (context), &query, error);
}

/* How many records of ENTITY the household has, or -1 on an error. */
static gint64
count_of_household (DhContext   *context,
                    const char  *household_id,
                    const char  *entity,
                    GError     **error)
{
  g_autofree char *filter = g_strdup_printf ("household=%s", household_id);
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = entity, .filters = filters };

  return dh_store_count (dh_context_get_store (context), &query, error);
}

static void
show_facts (DhHouseholdPage *self,
            json_object     *household)
{
  Section *section = &self->sections[SECTION_FACTS];
  g_autofree char *klass = dh_context_describe_value (self->context, "household", "classification", household);
  gint64 year = dh_json_get_int (household, "classification_year", 0);

  clear_section (section);
  add_fact (self, section, _("Household code"), "household", "code", household);
  add_fact (self, section, _("Village"), "household", "village", household);
  add_fact (self, section, _("Commune"), "household", "commune", household);
  add_fact (self, section, _("Address"), "household", "address", household);
  if (klass != NULL)
    {
      g_autofree char *text = year > 0
        /* Translators: a household's class and the year of the list it is on */
        ? g_strdup_printf (_("%s (list of %d)"), klass, (int) year)
        : g_strdup (klass);
      DhCardRow *row = add_row (section, _("Class"), text);

      gtk_widget_add_css_class (GTK_WIDGET (row), "property");
    }
  add_fact (self, section, _("Recognised on"), "household", "recognized_on", household);
  add_fact (self, section, _("Causes of poverty"), "household", "poverty_causes", household);
  add_fact (self, section, _("Ethnicity"), "household", "ethnicity", household);
  add_fact (self, section, _("Phone"), "household", "phone", household);
  add_fact (self, section, _("Caseworker"), "household", "assigned_to", household);
  add_fact (self, section, _("Notes"), "household", "notes", household);

  /* where the household's changes are: here only, with the province, or refused by it */
  {
    const char *icon_name;
    const char *words;
    DhCardRow *row;

    dh_app_sync_state (dh_context_get_record_sync (self->context, household), &icon_name, &words);
    self->sync_words = words;
    row = add_row (section, _("Sync"), words);
    dh_card_row_set_icon_name (row, icon_name);
  }
}

static GtkWidget *
member_button (const char  *icon_name,
               const char  *action_name,
               const char  *member_id,
               const char  *words)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", member_id);
  gtk_widget_set_tooltip_text (button, words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, words, -1);

  return button;
}

/* A member's row edits the member when activated, and offers to remove. */
static void
add_member_buttons (DhCardRow *row,
                    json_object  *member)
{
  const char *id = dh_json_get_string (member, DH_RECORD_ID);
  const char *name = dh_json_get_string (member, "full_name");
  /* Translators: a button's words for screen readers; %s is a member's name */
  g_autofree char *edit_words = g_strdup_printf (_("Edit %s"), name);
  /* Translators: a button's words for screen readers; %s is a member's name */
  g_autofree char *remove_words = g_strdup_printf (_("Remove %s From the Household"), name);
  GtkWidget *edit = member_button ("document-edit-symbolic", "win.edit-member", id, edit_words);

  dh_card_row_add_suffix (row, edit);
  dh_card_row_add_suffix (row, member_button ("user-trash-symbolic", "win.remove-member", id, remove_words));
  dh_card_row_set_activatable_widget (row, edit);
}

static void
show_members (DhHouseholdPage *self,
              GPtrArray       *members)
{
  Section *section = &self->sections[SECTION_MEMBERS];

  clear_section (section);
  if (members->len == 0)
    {
      adw_preferences_group_set_description (section->group, _("No members recorded yet."));
      return;
    }

  for (guint i = 0; i < members->len; i++)
    {
      json_object *member = g_ptr_array_index (members, i);
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      const char *birth = dh_json_get_string (member, "birth_date");
      const char *citizen_id = dh_json_get_string (member, "citizen_id");
      char *part;
      g_autofree char *subtitle = NULL;

      if ((part = dh_context_describe_value (self->context, "member", "relation", member)) != NULL)
        g_ptr_array_add (parts, part);
      if ((part = dh_context_describe_value (self->context, "member", "sex", member)) != NULL)
        g_ptr_array_add (parts, part);
      if (birth != NULL)
        {
          g_autofree char *born = dh_context_describe_value (self->context, "member", "birth_date", member);
          /* Translators: a birth year or date */
          g_ptr_array_add (parts, g_strdup_printf (_("born %s"), born));
        }
      if (citizen_id != NULL)
        /* Translators: the number of a citizen identity card (căn cước công dân) */
        g_ptr_array_add (parts, g_strdup_printf (_("Citizen ID %s"), citizen_id));
      if (json_object_get_boolean (json_object_object_get (member, "health_insurance")))
        g_ptr_array_add (parts, g_strdup (_("health insurance")));
      g_ptr_array_add (parts, NULL);

      subtitle = g_strjoinv (" · ", (char **) parts->pdata);
      add_member_buttons (add_row (section, dh_json_get_string (member, "full_name"), subtitle), member);
    }
}

static void
show_review (DhHouseholdPage *self,
             GPtrArray       *reviews)
{
  Section *section = &self->sections[SECTION_REVIEW];
  json_object *review;
  const DhStandard *standard;

  clear_section (section);
  /* the latest review is opened again for the commune's recognition */
  gtk_widget_set_visible (GTK_WIDGET (self->edit_review_button), reviews->len > 0);
  if (reviews->len == 0)
    {
      adw_preferences_group_set_description (section->group, _("Not reviewed yet."));
      return;
    }

  review = g_ptr_array_index (reviews, 0);
  standard = dh_catalogues_get_standard (dh_context_get_catalogues (self->context),
                                         dh_json_get_string (review, "standard"));
  if (standard != NULL)
    adw_preferences_group_set_description (section->group, standard->name);

  add_fact (self, section, _("Reviewed on"), "assessment", "reviewed_on", review);
  add_fact (self, section, _("Kind of review"), "assessment", "review_kind", review);
  add_fact (self, section, _("Area"), "assessment", "area", review);
  add_fact (self, section, _("Income per person per month"), "assessment", "income_per_capita", review);
  add_fact (self, section, _("Score A"), "assessment", "score_a", review);
  add_fact (self, section, _("Deprivations"), "assessment", "deprived", review);
  add_fact (self, section, _("Proposed class"), "assessment", "proposed_class", review);
  add_fact (self, section, _("Class recognised by the commune"), "assessment", "official_class", review);
  add_fact (self, section, _("Decided on"), "assessment", "decided_on", review);
}

static void
show_plan (DhHouseholdPage *self,
           GPtrArray       *plans)
{
  Section *section = &self->sections[SECTION_PLAN];
  json_object *plan;

  clear_section (section);
  gtk_button_set_label (self->edit_plan_button, plans->len > 0 ? _("Edit _Plan") : _("Register a _Plan"));
  if (plans->len == 0)
    {
      adw_preferences_group_set_description (section->group, _("No plan registered."));
      return;
    }

  plan = g_ptr_array_index (plans, 0);
  add_fact (self, section, _("Registered on"), "exit_plan", "registered_on", plan);
  add_fact (self, section, _("Target year"), "exit_plan", "target_year", plan);
  add_fact (self, section, _("Progress"), "exit_plan", "status", plan);
  add_fact (self, section, _("Commitments"), "exit_plan", "commitments", plan);
  add_fact (self, section, _("Support needed"), "exit_plan", "support_needed", plan);
}

/* Says that the card lists the latest visits of more than it shows. */
static void
say_latest_visits_listed (Section *section,
                          guint    listed,
                          gint64   all)
{
  g_autofree char *note = NULL;
  g_autofree char *count = NULL;

  if (all <= listed)
    return;
  count = dh_grouped_format (all);
  /* Translators: a card lists the latest visits of a household that has had more, "The latest 200 of 245 visits are listed." */
  note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The latest %u of %s visit are listed.", "The latest %u of %s visits are listed.", (gulong) all),
                          listed, count);
  adw_preferences_group_set_description (section->group, note);
}

static void
show_visits (DhHouseholdPage *self,
             GPtrArray       *visits,
             gint64           n_visits)
{
  Section *section = &self->sections[SECTION_VISITS];

  clear_section (section);
  if (visits->len == 0)
    {
      adw_preferences_group_set_description (section->group, _("Never visited."));
      return;
    }
  say_latest_visits_listed (section, visits->len, n_visits);

  for (guint i = 0; i < visits->len; i++)
    {
      json_object *visit = g_ptr_array_index (visits, i);
      g_autofree char *date = dh_context_describe_value (self->context, "visit", "visited_on", visit);
      g_autofree char *purpose = dh_context_describe_value (self->context, "visit", "purpose", visit);
      g_autofree char *next = dh_context_describe_value (self->context, "visit", "next_visit_on", visit);
      g_autofree char *title = g_strdup_printf ("%s · %s", date, purpose != NULL ? purpose : "");
      g_autofree char *subtitle = NULL;
      const char *notes = dh_json_get_string (visit, "notes");

      if (next != NULL)
        /* Translators: a visit's notes, then the date of the next visit */
        subtitle = g_strdup_printf (_("%s — next visit %s"), notes != NULL ? notes : "", next);
      else
        subtitle = g_strdup (notes);
      add_row (section, title, subtitle);
    }
}

/* What a support entry adds to the household's totals: a delivered entry
 * that nothing voids; a void adds nothing, whatever its status says. */
static gboolean
support_counts (json_object *entry)
{
  return g_strcmp0 (dh_json_get_string (entry, "status"), "delivered") == 0
         && dh_json_get_string (entry, "voided_by") == NULL
         && dh_json_get_string (entry, "voids") == NULL;
}

/* A project's or programme's name as the catalogue gives it, never its code. */
static const char *
funding_name (DhHouseholdPage *self,
              const char      *key)
{
  DhCatalogues *catalogues = dh_context_get_catalogues (self->context);
  const char *name = dh_catalogues_get_label (catalogues, "project", key);

  if (name == NULL)
    name = dh_catalogues_get_label (catalogues, "programme", key);
  if (name == NULL)
    name = key[0] != '\0' ? key : _("No programme given");

  return name;
}

/* An amount of a sum, or a dash where the sum does not fit. */
static char *
sum_text (json_object *object)
{
  json_object *amount = NULL;

  if (!json_object_object_get_ex (object, "amount_vnd", &amount) || amount == NULL)
    return g_strdup ("—");
  return dh_money_format (json_object_get_int64 (amount));
}

/* SUPPORT is the store's, over every entry of the household
 * (dh_store_household_support()), not only the latest it lists. */
static void
show_support (DhHouseholdPage *self,
              GPtrArray       *entries,
              json_object     *support)
{
  Section *section = &self->sections[SECTION_SUPPORT];
  g_autoptr(GString) description = g_string_new (NULL);
  json_object *sums = json_object_object_get (support, "by_funding");
  gint64 n_entries = dh_json_get_int (support, "entries", 0);

  clear_section (section);
  if (entries->len == 0)
    {
      adw_preferences_group_set_description (section->group, _("No support recorded."));
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      json_object *entry = g_ptr_array_index (entries, i);
      g_autofree char *type = dh_context_describe_value (self->context, "support", "support_type", entry);
      g_autofree char *amount = dh_context_describe_value (self->context, "support", "amount_vnd", entry);
      g_autofree char *date = dh_context_describe_value (self->context, "support", "delivered_on", entry);
      g_autofree char *status = dh_context_describe_value (self->context, "support", "status", entry);
      const char *project = dh_json_get_string (entry, "project");
      const char *programme = dh_json_get_string (entry, "programme");
      const char *key = project != NULL ? project : programme;
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      DhCardRow *row;

      if (dh_json_get_string (entry, "voids") != NULL)
        {
          /* Translators: an entry that cancels an earlier one, with the reason given */
          title = g_strdup_printf (_("Cancellation of %s"), type);
          subtitle = g_strdup_printf (_("%s · reason: %s"), date != NULL ? date : "",
                                      dh_json_get_string (entry, "void_reason"));
        }
      else
        {
          title = amount != NULL ? g_strdup_printf ("%s — %s", type, amount) : g_strdup (type);
          subtitle = g_strdup_printf ("%s · %s%s%s", date != NULL ? date : "", status,
                                      key != NULL ? " · " : "", key != NULL ? funding_name (self, key) : "");
        }

      row = add_row (section, title, subtitle);
      if (dh_json_get_string (entry, "voided_by") != NULL)
        {
          GtkWidget *badge = gtk_label_new (_("Cancelled"));

          gtk_widget_add_css_class (badge, "class-badge");
          gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
          dh_card_row_add_suffix (row, badge);
          gtk_widget_add_css_class (GTK_WIDGET (row), "void-entry");
        }
      else if (support_counts (entry))
        {
          /* a delivered entry is never edited: it is voided, saying why */
          GtkWidget *button = gtk_button_new_with_label (_("Void…"));
          g_autofree char *name = g_strdup_printf (_("Void the entry %s"), title);

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.void-support");
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", dh_json_get_string (entry, DH_RECORD_ID));
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
          dh_card_row_add_suffix (row, button);
        }
    }

  /* the totals per project (or programme) the entries name, then in all */
  if (n_entries > entries->len)
    {
      g_autofree char *count = dh_grouped_format (n_entries);

      /* Translators: the support entries a card lists, when the household has had more */
      g_string_append_printf (description, g_dngettext (GETTEXT_PACKAGE, "The latest %u of %s entry are listed; the totals count them all.",
                                                        "The latest %u of %s entries are listed; the totals count them all.", (gulong) n_entries),
                              entries->len, count);
      g_string_append_c (description, '\n');
    }
  for (size_t i = 0; i < json_object_array_length (sums); i++)
    {
      json_object *sum = json_object_array_get_idx (sums, i);
      g_autofree char *money = sum_text (sum);

      g_string_append_printf (description, "%s: %s\n", funding_name (self, dh_json_get_string (sum, "funding")), money);
    }
  if (json_object_object_get (support, "amount_vnd") == NULL)
    {
      g_string_append (description, _("The amounts are too large to add up: void the entries typed wrong."));
      g_string_append_c (description, '\n');
    }
  {
    g_autofree char *money = sum_text (support);

    /* Translators: the sum of the support a household received, cancelled entries left out */
    g_string_append_printf (description, _("In all: %s"), money);
  }
  adw_preferences_group_set_description (section->group, description->str);
}

/* What the card is made of, as read: the records, in order, and where
 * the household's changes are. The same text twice is the same card. */
static char *
read_fingerprint (DhContext       *context,
                  json_object     *household,
                  GPtrArray      **lists,
                  guint            n_lists,
                  const char      *counts)
{
  GString *text = g_string_new (json_object_to_json_string_ext (household, JSON_C_TO_STRING_PLAIN));

  g_string_append_printf (text, "\n%s", counts);

  g_string_append_printf (text, "\n%d", (int) dh_context_get_record_sync (context, household));
  for (guint i = 0; i < n_lists; i++)
    {
      g_string_append_c (text, '\n');
      for (guint j = 0; j < lists[i]->len; j++)
        {
          if (j > 0)
            g_string_append_c (text, ',');
          g_string_append (text, json_object_to_json_string_ext (g_ptr_array_index (lists[i], j), JSON_C_TO_STRING_PLAIN));
        }
    }

  return g_string_free (text, FALSE);
}

/* Reads the household and its records; when @unless_same and they are what
 * the card shows already, the card is left as it is. */
static gboolean
read_and_show (DhHouseholdPage  *self,
               DhContext        *context,
               const char       *household_id,
               gboolean          unless_same,
               GError          **error)
{
  DhStore *store = dh_context_get_store (context);
  g_autoptr(json_object) household = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GPtrArray) support = NULL;
  g_autoptr(json_object) support_sums = NULL;
  g_autofree char *fingerprint = NULL;
  gint64 n_visits = 0;

  household = dh_store_get (store, "household", household_id, error);
  if (household == NULL
      || (members = list_of_household (context, household_id, "member", DH_SORT_DEFAULT, MAX_LISTED, error)) == NULL
      || (reviews = list_of_household (context, household_id, "assessment", DH_SORT_NEWEST, 1, error)) == NULL
      || (plans = list_of_household (context, household_id, "exit_plan", DH_SORT_NEWEST, 1, error)) == NULL
      || (visits = list_of_household (context, household_id, "visit", DH_SORT_NEWEST, MAX_LISTED, error)) == NULL
      || (support = list_of_household (context, household_id, "support", DH_SORT_NEWEST, MAX_LISTED, error)) == NULL)
    return FALSE;
  /* the totals count every entry; a list that is full may leave some out */
  n_visits = visits->len;
  support_sums = dh_store_household_support (store, household_id, error);
  if (support_sums == NULL ||
      (visits->len >= MAX_LISTED && (n_visits = count_of_household (context, household_id, "visit", error)) < 0))
    return FALSE;

  {
    GPtrArray *lists[] = { members, reviews, plans, visits, support };
    g_autofree char *counts = g_strdup_printf ("%s %" G_GINT64_FORMAT,
                                               json_object_to_json_string_ext (support_sums, JSON_C_TO_STRING_PLAIN),
                                               n_visits);

    fingerprint = read_fingerprint (context, household, lists, G_N_ELEMENTS (lists), counts);
  }
  /* read whole: the card is this household's from here */
  g_set_object (&self->context, context);
  if (g_strcmp0 (self->household_id, household_id) != 0)
    {
      unless_same = FALSE;
      g_free (self->household_id);
      self->household_id = g_strdup (household_id);
    }
  if (unless_same && g_strcmp0 (fingerprint, self->shown) == 0)
    return TRUE;
  g_free (self->shown);
  self->shown = g_steal_pointer (&fingerprint);

  g_free (self->title);
  self->title = g_strdup (dh_json_get_string (household, "head_name"));

  show_facts (self, household);
  show_members (self, members);
  show_review (self, reviews);
  show_plan (self, plans);
  show_visits (self, visits, n_visits);
  show_support (self, support, support_sums);

  return TRUE;
}

/**
 * dh_household_page_show:
 *
 * Shows the household @household_id as the store has it now. Returns
 * FALSE with @error set (in words for the caseworker) when it cannot be
 * read; the page is then left as it was.
 */
gboolean
dh_household_page_show (DhHouseholdPage  *self,
                        DhContext        *context,
                        const char       *household_id,
                        GError          **error)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_PAGE (self), FALSE);
  g_return_val_if_fail (DH_IS_CONTEXT (context), FALSE);

  return read_and_show (self, context, household_id, FALSE, error);
}

/**
 * dh_household_page_refresh:
 *
 * Reads the household shown again after a write, here or by a sync, and
 * makes the card again only when what it shows changed: a sync writes a
 * page after another, most of them about other households, and a card
 * made anew is every row of it made, styled and laid out again. Names
 * the card looks up (places) are not read here: when they change, show
 * the household again with dh_household_page_show(). Returns FALSE with
 * @error set when the household cannot be read (deleted, say).
 */
gboolean
dh_household_page_refresh (DhHouseholdPage  *self,
                           GError          **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (DH_IS_HOUSEHOLD_PAGE (self), FALSE);
  g_return_val_if_fail (self->household_id != NULL && self->context != NULL, FALSE);

  id = g_strdup (self->household_id);
  return read_and_show (self, self->context, id, TRUE, error);
}

const char *
dh_household_page_get_household_id (DhHouseholdPage *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_PAGE (self), NULL);

  return self->household_id;
}

const char *
dh_household_page_get_title (DhHouseholdPage *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_PAGE (self), NULL);

  return self->title;
}

/* Where the household's changes are, as the card says it (for tests). */
const char *
dh_household_page_get_sync_text (DhHouseholdPage *self)
{
  g_return_val_if_fail (DH_IS_HOUSEHOLD_PAGE (self), NULL);

  return self->sync_words;
}
