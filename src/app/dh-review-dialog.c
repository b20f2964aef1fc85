/* dh-review-dialog.c – a household's poverty review: the indicators of its standard, the class proposed as you type, the commune's recognition */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-review-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-classify.h"
#include "dh-date.h"
#include "dh-field-check.h"
#include "dh-field-choice.h"
#include "dh-field-input.h"
#include "dh-money.h"
#include "dh-review-dialog.h"

/* One review of one household (an assessment record). The standard, its
 * indicators and the proposed class follow what is typed, and come from
 * the code the store writes the review with: the dialog proposes what the
 * store will store, and refuses what the store would refuse, in its words.
 * The commune's recognition is entered when it is decided, often weeks
 * later, by opening the review again. */
struct _DhReviewDialog
{
  DhEditDialog         parent_instance;

  /* template */
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *review_group;
  AdwPreferencesGroup *measure_group;
  AdwPreferencesGroup *indicators_group;
  AdwPreferencesGroup *proposal_group;
  AdwPreferencesGroup *recognition_group;
  AdwEntryRow         *date_row;
  AdwComboRow         *kind_row;
  AdwComboRow         *area_row;
  AdwActionRow        *list_row;
  AdwEntryRow         *income_row;
  AdwEntryRow         *score_row;
  AdwActionRow        *provisional_row;
  AdwActionRow        *proposal_row;
  GtkLabel            *proposal_badge;
  GtkLabel            *reasons_label;
  AdwComboRow         *official_row;
  AdwEntryRow         *decided_row;
  AdwEntryRow         *notes_row;

  GtkLabel            *review_problems;
  GtkLabel            *measure_problems;
  GtkLabel            *recognition_problems;

  char                *household_id;
  char                *review_id;       /* NULL: a review not yet written */
  char                *province_code;
  char                *place_area;      /* the village's area, or its commune's */

  const DhStandard    *standard;
  int                  list_year;
  GPtrArray           *indicator_rows;  /* AdwActionRow *, in the standard's order */

  char                *proposed_class;
  char                *proposal_message; /* why no class can be proposed, in the store's words */
  char                *reasons;
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (DhReviewDialog, dh_review_dialog, DH_TYPE_EDIT_DIALOG)

/* What the commune may recognise a household as. */
static const char * const official_classes[] = {
  "poor", "near_poor", "average", "escaped_poor", "escaped_near_poor", "not_poor", NULL
};

static DhCatalogues *
catalogues_of (DhReviewDialog *self)
{
  return dh_context_get_catalogues (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)));
}

/* Chooses @code in @row; nothing when it does not offer it. */
static void
select_code (AdwComboRow *row,
             const char  *code)
{
  if (!dh_field_choice_set_code (G_OBJECT (row), code))
    adw_combo_row_set_selected (row, GTK_INVALID_LIST_POSITION);
}

/* The input widget of each field the dialog shows. */
static GtkWidget *
widget_of_field (DhReviewDialog *self,
                 const char     *field)
{
  const struct { const char *field; GtkWidget *widget; } fields[] = {
    { "reviewed_on", GTK_WIDGET (self->date_row) },
    { "review_kind", GTK_WIDGET (self->kind_row) },
    { "area", GTK_WIDGET (self->area_row) },
    { "income_per_capita", GTK_WIDGET (self->income_row) },
    { "score_a", GTK_WIDGET (self->score_row) },
    { "official_class", GTK_WIDGET (self->official_row) },
    { "decided_on", GTK_WIDGET (self->decided_row) },
    { "notes", GTK_WIDGET (self->notes_row) },
  };

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (fields); i++)
    {
      if (g_str_equal (fields[i].field, field))
        return fields[i].widget;
    }

  return NULL;
}

static void
clear_errors (DhReviewDialog *self)
{
  const char * const fields[] = {
    "reviewed_on", "review_kind", "area", "income_per_capita", "score_a", "official_class", "decided_on", "notes",
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), widget_of_field (self, fields[i]), NULL);
  dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), GTK_WIDGET (self->proposal_row), NULL);
}

static void
show_problems (DhReviewDialog *self)
{
  GtkWidget *review[] = { GTK_WIDGET (self->date_row), GTK_WIDGET (self->kind_row), GTK_WIDGET (self->area_row) };
  GtkWidget *measure[] = { GTK_WIDGET (self->income_row), GTK_WIDGET (self->score_row) };
  GtkWidget *recognition[] = { GTK_WIDGET (self->official_row), GTK_WIDGET (self->decided_row), GTK_WIDGET (self->notes_row) };

  dh_field_input_show_problems (DH_EDIT_DIALOG (self), self->review_problems, review, G_N_ELEMENTS (review));
  dh_field_input_show_problems (DH_EDIT_DIALOG (self), self->measure_problems, measure, G_N_ELEMENTS (measure));
  dh_field_input_show_problems (DH_EDIT_DIALOG (self), self->recognition_problems, recognition, G_N_ELEMENTS (recognition));
}

/* ---- the record the widgets hold ---------------------------------------- */

static gboolean
read_typed (DhReviewDialog *self,
            json_object    *record,
            const char     *field)
{
  GtkWidget *widget = widget_of_field (self, field);
  g_autoptr(json_object) value = NULL;
  g_autofree char *message = dh_field_check_text (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)), "assessment",
                                                  field, gtk_editable_get_text (GTK_EDITABLE (widget)), &value);

  if (message != NULL)
    {
      g_autofree char *sentence = dh_field_input_capitalise (message);

      dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), widget, sentence);
      return FALSE;
    }

  json_object_object_add (record, field, g_steal_pointer (&value));
  return TRUE;
}

static void
read_choice (DhReviewDialog *self,
             json_object    *record,
             const char     *field)
{
  const char *code = dh_field_choice_get_code (G_OBJECT (widget_of_field (self, field)));

  json_object_object_add (record, field, code != NULL ? json_object_new_string (code) : NULL);
}

static json_object *
read_deprived (DhReviewDialog *self)
{
  json_object *deprived = json_object_new_array ();

  for (guint i = 0; i < self->indicator_rows->len; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->indicator_rows, i);
      GtkWidget *toggle = adw_action_row_get_activatable_widget (row);

      if (gtk_switch_get_active (GTK_SWITCH (toggle)))
        json_object_array_add (deprived, json_object_new_string (g_object_get_data (G_OBJECT (row), "code")));
    }

  return deprived;
}

/* The fields as the store keeps them, each one that cannot be read marked
 * on its widget; *out_complete is FALSE when one could not. A field left
 * empty is there as null. */
static json_object *
read_record (DhReviewDialog *self,
             gboolean       *out_complete)
{
  json_object *record = json_object_new_object ();
  gboolean complete = TRUE;

  json_object_object_add (record, "household", json_object_new_string (self->household_id));
  complete &= read_typed (self, record, "reviewed_on");
  read_choice (self, record, "review_kind");
  read_choice (self, record, "area");
  complete &= read_typed (self, record, "income_per_capita");
  complete &= read_typed (self, record, "score_a");
  read_choice (self, record, "official_class");
  complete &= read_typed (self, record, "decided_on");
  complete &= read_typed (self, record, "notes");

  *out_complete = complete;
  return record;
}

/* ---- the standard and its indicators ------------------------------------- */

static void on_input_changed (DhReviewDialog *self);

static AdwActionRow *
make_indicator_row (DhReviewDialog *self,
                    const char     *code,
                    gboolean        deprived)
{
  DhCatalogues *catalogues = catalogues_of (self);
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *toggle = gtk_switch_new ();
  const char *name = dh_catalogues_get_label (catalogues, "indicator", code);
  g_autofree char *meaning = dh_field_input_capitalise (dh_catalogues_get_text (catalogues, "indicator", code, "meaning"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : code);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (meaning != NULL)
    adw_action_row_set_subtitle (row, meaning);

  gtk_switch_set_active (GTK_SWITCH (toggle), deprived);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  /* Translators: read to screen readers on an indicator's switch */
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name != NULL ? name : code,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Deprived"),
                                  -1);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_input_changed), self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (row, toggle);
  adw_action_row_set_activatable_widget (row, toggle);

  g_object_set_data_full (G_OBJECT (row), "code", g_strdup (code), g_free);
  return row;
}

/* Shows the indicators of @standard, keeping switched on those the new
 * set shares with the old one (the review moved to the other side of a
 * change of standard) or those @deprived lists. */
static void
show_indicators (DhReviewDialog   *self,
                 const DhStandard *standard,
                 json_object      *deprived)
{
  DhCatalogues *catalogues = catalogues_of (self);
  g_autoptr(json_object) keep = deprived != NULL ? json_object_get (deprived) : read_deprived (self);
  g_autofree char *description = NULL;
  const char *note = NULL;

  for (guint i = 0; i < self->indicator_rows->len; i++)
    adw_preferences_group_remove (self->indicators_group, g_ptr_array_index (self->indicator_rows, i));
  g_ptr_array_set_size (self->indicator_rows, 0);
  self->standard = standard;

  if (standard == NULL)
    {
      adw_preferences_group_set_description (self->indicators_group,
                                             _("No poverty standard covers the list of this review, so it has no indicators."));
      gtk_widget_set_visible (GTK_WIDGET (self->provisional_row), FALSE);
      return;
    }

  for (guint i = 0; i < standard->n_indicators; i++)
    {
      const char *code = standard->indicators[i];
      gboolean on = FALSE;
      AdwActionRow *row;

      for (size_t j = 0; keep != NULL && j < json_object_array_length (keep); j++)
        on |= g_strcmp0 (json_object_get_string (json_object_array_get_idx (keep, j)), code) == 0;

      row = make_indicator_row (self, code, on);
      adw_preferences_group_add (self->indicators_group, GTK_WIDGET (row));
      g_ptr_array_add (self->indicator_rows, row);
    }

  /* Translators: the indicators of a standard, then its name and the name of its set of indicators */
  description = g_strdup_printf (_("Switch on each indicator the household is deprived in. %s, %s."),
                                 dh_catalogues_get_label (catalogues, "standard", standard->id),
                                 standard->indicator_set != NULL
                                 ? dh_catalogues_get_label (catalogues, "indicator_set", standard->indicator_set)
                                 : _("no indicator set yet"));
  adw_preferences_group_set_description (self->indicators_group, description);

  if (standard->indicators_provisional && standard->indicator_set != NULL)
    note = dh_catalogues_get_text (catalogues, "indicator_set", standard->indicator_set, "provisional_note");
  if (standard->indicators_provisional)
    adw_action_row_set_subtitle (self->provisional_row,
                                 note != NULL ? note : _("It waits for the province's catalogue update to confirm it."));
  gtk_widget_set_visible (GTK_WIDGET (self->provisional_row), standard->indicators_provisional);
}

/* The standard follows the date and kind of the review: the list it is
 * for, and the standard of that list, as dh_classify() finds them. */
static void
follow_standard (DhReviewDialog *self,
                 json_object    *record)
{
  DhCatalogues *catalogues = catalogues_of (self);
  const DhStandard *standard = NULL;
  DhReviewKind kind = DH_REVIEW_KIND_ANNUAL;
  g_autofree char *subtitle = NULL;
  GDate date;

  g_date_clear (&date, 1);
  dh_review_kind_from_string (dh_json_get_string (record, "review_kind"), &kind);
  if (!dh_date_parse (dh_json_get_string (record, "reviewed_on"), &date, NULL))
    {
      self->list_year = 0;
      adw_action_row_set_subtitle (self->list_row, _("Give the date of the review"));
      return;
    }

  self->list_year = dh_classify_default_list_year (&date, kind);
  standard = dh_classify_find_standard (catalogues, &date, self->list_year, self->province_code);
  if (standard != NULL)
    /* Translators: the year of the list a review is for, then the name of its poverty standard */
    subtitle = g_strdup_printf (_("%d, under the %s"), self->list_year,
                                dh_catalogues_get_label (catalogues, "standard", standard->id));
  else
    /* Translators: the year of the list a review is for */
    subtitle = g_strdup_printf (_("%d: no poverty standard covers it"), self->list_year);
  adw_action_row_set_subtitle (self->list_row, subtitle);

  if (standard != self->standard || self->indicator_rows->len == 0)
    show_indicators (self, standard, NULL);
}

/* ---- the proposed class -------------------------------------------------- */

static void
show_proposal (DhReviewDialog *self)
{
  static const char * const badges[] = { "poor", "near-poor", NULL };
  const DhField *field = dh_entity_get_field (dh_entity_lookup ("assessment"), "proposed_class");

  for (guint i = 0; badges[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->proposal_badge), badges[i]);

  if (self->proposed_class != NULL)
    {
      DhCatalogues *catalogues = catalogues_of (self);
      g_autofree char *subtitle = NULL;

      gtk_label_set_label (self->proposal_badge, dh_field_get_value_label (field, self->proposed_class, NULL));
      if (g_str_equal (self->proposed_class, "poor"))
        gtk_widget_add_css_class (GTK_WIDGET (self->proposal_badge), "poor");
      else if (g_str_equal (self->proposed_class, "near_poor"))
        gtk_widget_add_css_class (GTK_WIDGET (self->proposal_badge), "near-poor");
      gtk_widget_set_visible (GTK_WIDGET (self->proposal_badge), TRUE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->proposal_row), _("Proposed class"));
      if (self->standard != NULL)
        /* Translators: the standard a class was proposed under, and the year of the list */
        subtitle = g_strdup_printf (_("Under the %s, for the list of %d"),
                                    dh_catalogues_get_label (catalogues, "standard", self->standard->id),
                                    self->list_year);
      adw_action_row_set_subtitle (self->proposal_row, subtitle != NULL ? subtitle : "");
      gtk_label_set_label (self->reasons_label, self->reasons != NULL ? self->reasons : "");
      gtk_widget_remove_css_class (GTK_WIDGET (self->reasons_label), "error");
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->proposal_badge), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->proposal_row), _("No class can be proposed yet"));
  adw_action_row_set_subtitle (self->proposal_row, "");
  if (self->proposal_message != NULL)
    {
      g_autofree char *message = dh_field_input_capitalise (self->proposal_message);

      gtk_label_set_label (self->reasons_label, message);
      gtk_widget_add_css_class (GTK_WIDGET (self->reasons_label), "error");
    }
  else
    {
      gtk_label_set_label (self->reasons_label, _("Correct the fields marked in red first."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->reasons_label), "error");
    }
}

/* The reasons of a class the store's rules proposed for @checked. */
static char *
describe_reasons (DhReviewDialog *self,
                  json_object    *checked)
{
  g_autoptr(GPtrArray) deprived = g_ptr_array_new ();
  g_autoptr(DhClassification) result = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  DhClassifyInput input;

  if (!dh_classify_input_init_from_json (&input, checked, deprived, NULL))
    return NULL;
  input.province_code = self->province_code;
  result = dh_classify (catalogues_of (self), &input, NULL);
  if (result == NULL)
    return NULL;

  for (guint i = 0; i < result->reasons->len; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "• %s", (const char *) g_ptr_array_index (result->reasons, i));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Runs the store's own checks on what the dialog holds: a class proposed,
 * or the store's reason for refusing, shown where it belongs. */
static void
propose (DhReviewDialog *self,
         json_object    *record,
         gboolean        complete)
{
  g_autoptr(json_object) checked = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->proposed_class, g_free);
  g_clear_pointer (&self->proposal_message, g_free);
  g_clear_pointer (&self->reasons, g_free);

  if (complete)
    {
      json_object_deep_copy (record, &checked, NULL);
      if (!dh_field_input_check_record (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)), "assessment",
                                        self->review_id, checked, &error))
        {
          g_autofree char *field = NULL;
          g_autofree char *message = dh_field_input_split_message (error->message, "assessment", &field);
          GtkWidget *widget = widget_of_field (self, field);

          if (widget == NULL)
            {
              /* the classifier's own words: why no class can be proposed */
              self->proposal_message = g_strdup (error->message);
              widget = GTK_WIDGET (self->proposal_row);
            }
          dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), widget, message);
        }

      /* a check after the classification may have failed: the class stands */
      if (dh_json_get_string (checked, "proposed_class") != NULL)
        {
          self->proposed_class = g_strdup (dh_json_get_string (checked, "proposed_class"));
          self->reasons = describe_reasons (self, checked);
        }
    }

  show_proposal (self);
}

static void
refresh (DhReviewDialog *self)
{
  g_autoptr(json_object) record = NULL;
  gboolean complete;

  if (self->loading)
    return;

  clear_errors (self);
  record = read_record (self, &complete);
  follow_standard (self, record);
  json_object_object_add (record, "deprived", read_deprived (self));
  propose (self, record, complete);
  show_problems (self);
}

static void
on_input_changed (DhReviewDialog *self)
{
  if (self->loading)
    return;

  dh_edit_dialog_set_modified (DH_EDIT_DIALOG (self), TRUE);
  refresh (self);
}

/* ---- saving --------------------------------------------------------------- */

static gboolean
dh_review_dialog_save (DhEditDialog  *dialog,
                       GError       **error)
{
  DhReviewDialog *self = DH_REVIEW_DIALOG (dialog);
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) saved = NULL;
  gboolean complete;

  record = read_record (self, &complete);
  if (!complete)
    return FALSE;
  json_object_object_add (record, "deprived", read_deprived (self));

  saved = dh_field_input_write (dh_edit_dialog_get_context (dialog), "assessment", self->review_id, record, error);
  if (saved == NULL)
    {
      g_autofree char *field = NULL;
      g_autofree char *message = dh_field_input_split_message ((*error)->message, "assessment", &field);
      GtkWidget *widget = widget_of_field (self, field);

      dh_edit_dialog_set_field_error (dialog, widget != NULL ? widget : GTK_WIDGET (self->proposal_row), message);
      show_problems (self);
      return FALSE;
    }

  if (self->review_id == NULL)
    self->review_id = g_strdup (dh_json_get_string (saved, DH_RECORD_ID));

  return TRUE;
}

/* ---- the household and the review shown ---------------------------------- */

/* The area of the household's village (or of its commune) and the code of
 * its province: the default of the area, and the province whose standard
 * may apply. */
static void
read_place (DhReviewDialog *self,
            json_object    *household)
{
  DhStore *store = dh_context_get_store (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)));
  g_autoptr(json_object) village = dh_store_get (store, "admin_unit", dh_json_get_string (household, "village"), NULL);
  g_autoptr(json_object) commune = NULL;
  g_autoptr(json_object) province = NULL;
  const char *area;

  if (village == NULL)
    return;
  commune = dh_store_get (store, "admin_unit", dh_json_get_string (village, "parent"), NULL);
  if (commune != NULL)
    province = dh_store_get (store, "admin_unit", dh_json_get_string (commune, "parent"), NULL);

  area = dh_json_get_string (village, "area");
  if (area == NULL && commune != NULL)
    area = dh_json_get_string (commune, "area");
  self->place_area = g_strdup (area);
  if (province != NULL)
    self->province_code = g_strdup (dh_json_get_string (province, "code"));
}

static void
show_review (DhReviewDialog *self,
             json_object    *review)
{
  DhContext *context = dh_edit_dialog_get_context (DH_EDIT_DIALOG (self));
  g_autofree char *income = dh_context_describe_value (context, "assessment", "income_per_capita", review);
  g_autofree char *score = dh_context_describe_value (context, "assessment", "score_a", review);
  g_autofree char *when = dh_context_describe_value (context, "assessment", "reviewed_on", review);
  g_autofree char *title = NULL;
  json_object *deprived = NULL;
  GDate date;

  dh_field_input_set_date (GTK_EDITABLE (self->date_row), dh_json_get_string (review, "reviewed_on"));
  select_code (self->kind_row, dh_json_get_string (review, "review_kind"));
  select_code (self->area_row, dh_json_get_string (review, "area"));
  gtk_editable_set_text (GTK_EDITABLE (self->income_row), income != NULL ? income : "");
  gtk_editable_set_text (GTK_EDITABLE (self->score_row), score != NULL ? score : "");
  select_code (self->official_row, dh_json_get_string (review, "official_class"));
  dh_field_input_set_date (GTK_EDITABLE (self->decided_row), dh_json_get_string (review, "decided_on"));
  gtk_editable_set_text (GTK_EDITABLE (self->notes_row),
                         dh_json_get_string (review, "notes") != NULL ? dh_json_get_string (review, "notes") : "");

  /* the indicators of the review's own standard, as it was recorded */
  json_object_object_get_ex (review, "deprived", &deprived);
  g_date_clear (&date, 1);
  if (dh_date_parse (dh_json_get_string (review, "reviewed_on"), &date, NULL))
    {
      DhReviewKind kind = DH_REVIEW_KIND_ANNUAL;

      dh_review_kind_from_string (dh_json_get_string (review, "review_kind"), &kind);
      self->list_year = dh_classify_default_list_year (&date, kind);
      show_indicators (self,
                       dh_classify_find_standard (catalogues_of (self), &date, self->list_year, self->province_code),
                       deprived);
    }

  /* Translators: the title of a review that was written already, with its date */
  title = g_strdup_printf (_("Review of %s"), when != NULL ? when : "");
  adw_window_title_set_title (self->window_title, title);
}

static void
show_new_review (DhReviewDialog *self)
{
  GDate today;
  g_autofree char *text = NULL;

  dh_store_get_today (dh_context_get_store (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self))), &today);
  text = dh_date_format (&today);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), text);
  select_code (self->kind_row, "annual");
  /* no area is guessed: without one the store says where to set it */
  select_code (self->area_row, self->place_area);
  select_code (self->official_row, NULL);
  adw_window_title_set_title (self->window_title, _("New Review"));
}

static gboolean
load (DhReviewDialog  *self,
      const char      *household_id,
      gboolean         latest,
      GError         **error)
{
  DhStore *store = dh_context_get_store (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)));
  g_autoptr(json_object) household = dh_store_get (store, "household", household_id, error);

  if (household == NULL)
    return FALSE;

  self->household_id = g_strdup (household_id);
  read_place (self, household);
  adw_window_title_set_subtitle (self->window_title, dh_json_get_string (household, "head_name"));

  self->loading = TRUE;
  if (latest)
    {
      g_autoptr(json_object) review = NULL;
      g_autoptr(GError) local_error = NULL;

      review = dh_field_input_find_latest (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)), "assessment",
                                           household_id, &local_error);
      if (review == NULL)
        {
          if (local_error != NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND,
                         _("This household has not been reviewed yet; make a new review"));
          return FALSE;
        }
      self->review_id = g_strdup (dh_json_get_string (review, DH_RECORD_ID));
      show_review (self, review);
    }
  else
    show_new_review (self);
  self->loading = FALSE;

  refresh (self);
  return TRUE;
}

/* ---- the object ------------------------------------------------------------ */

static void
dh_review_dialog_dispose (GObject *object)
{
  DhReviewDialog *self = DH_REVIEW_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_REVIEW_DIALOG);

  G_OBJECT_CLASS (dh_review_dialog_parent_class)->dispose (object);

  g_clear_pointer (&self->indicator_rows, g_ptr_array_unref);
}

static void
dh_review_dialog_finalize (GObject *object)
{
  DhReviewDialog *self = DH_REVIEW_DIALOG (object);

  g_free (self->household_id);
  g_free (self->review_id);
  g_free (self->province_code);
  g_free (self->place_area);
  g_free (self->proposed_class);
  g_free (self->proposal_message);
  g_free (self->reasons);

  G_OBJECT_CLASS (dh_review_dialog_parent_class)->finalize (object);
}

static void
dh_review_dialog_class_init (DhReviewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhEditDialogClass *dialog_class = DH_EDIT_DIALOG_CLASS (klass);

  object_class->dispose = dh_review_dialog_dispose;
  object_class->finalize = dh_review_dialog_finalize;
  dialog_class->save = dh_review_dialog_save;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-review-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, review_group);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, measure_group);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, indicators_group);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, proposal_group);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, recognition_group);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, area_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, list_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, income_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, score_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, provisional_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, proposal_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, proposal_badge);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, reasons_label);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, official_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, decided_row);
  gtk_widget_class_bind_template_child (widget_class, DhReviewDialog, notes_row);
}

static void
dh_review_dialog_init (DhReviewDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->indicator_rows = g_ptr_array_new ();
  self->review_problems = dh_field_input_add_problems (self->review_group);
  self->measure_problems = dh_field_input_add_problems (self->measure_group);
  self->recognition_problems = dh_field_input_add_problems (self->recognition_group);

  dh_field_choice_fill (G_OBJECT (self->kind_row), "assessment", "review_kind", NULL);
  dh_field_choice_fill (G_OBJECT (self->area_row), "assessment", "area", NULL);
  dh_field_choice_fill_codes (G_OBJECT (self->official_row), "assessment", "official_class", official_classes,
                              _("Not decided yet"));
}

static void
watch_inputs (DhReviewDialog *self)
{
  GtkWidget *editables[] = {
    GTK_WIDGET (self->date_row), GTK_WIDGET (self->income_row), GTK_WIDGET (self->score_row),
    GTK_WIDGET (self->decided_row), GTK_WIDGET (self->notes_row),
  };
  GtkWidget *choices[] = { GTK_WIDGET (self->kind_row), GTK_WIDGET (self->area_row), GTK_WIDGET (self->official_row) };

  for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
    {
      dh_edit_dialog_watch_editable (DH_EDIT_DIALOG (self), editables[i]);
      g_signal_connect_object (editables[i], "changed", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
    }
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    g_signal_connect_object (choices[i], "notify::selected", G_CALLBACK (on_input_changed), self, G_CONNECT_SWAPPED);
}

/**
 * dh_review_dialog_new:
 * @household_id: the household reviewed
 * @latest: %TRUE to open its latest review (to enter the commune's
 *   recognition, or correct it), %FALSE for a new one
 *
 * Returns: (transfer none) (nullable): the dialog, a toplevel window that
 *   GTK keeps until it is closed, or %NULL with @error set in words for
 *   the caseworker
 */
DhReviewDialog *
dh_review_dialog_new (DhContext   *context,
                      const char  *household_id,
                      gboolean     latest,
                      GError     **error)
{
  DhReviewDialog *self;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (household_id != NULL, NULL);

  self = g_object_new (DH_TYPE_REVIEW_DIALOG, "context", context, NULL);
  if (!load (self, household_id, latest, error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }
  watch_inputs (self);
  gtk_widget_grab_focus (GTK_WIDGET (latest ? GTK_WIDGET (self->official_row) : GTK_WIDGET (self->date_row)));

  return self;
}

const char *
dh_review_dialog_get_review_id (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  return self->review_id;
}

/* The widget a field is typed or chosen in: "reviewed_on", "review_kind",
 * "area", "income_per_capita", "score_a", "official_class", "decided_on",
 * "notes". */
GtkWidget *
dh_review_dialog_get_field (DhReviewDialog *self,
                            const char     *field)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  return widget_of_field (self, field);
}

const DhStandard *
dh_review_dialog_get_standard (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  return self->standard;
}

int
dh_review_dialog_get_list_year (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), 0);

  return self->list_year;
}

/* Returns: (transfer container) (element-type utf8): the codes of the
 * indicators shown, in order */
GPtrArray *
dh_review_dialog_list_indicators (DhReviewDialog *self)
{
  GPtrArray *codes = g_ptr_array_new ();

  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), codes);

  for (guint i = 0; i < self->indicator_rows->len; i++)
    g_ptr_array_add (codes, g_object_get_data (g_ptr_array_index (self->indicator_rows, i), "code"));

  return codes;
}

/* The row of an indicator: its name, its definition, its switch. */
AdwActionRow *
dh_review_dialog_get_indicator_row (DhReviewDialog *self,
                                    const char     *code)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  for (guint i = 0; i < self->indicator_rows->len; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->indicator_rows, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "code"), code) == 0)
        return row;
    }

  return NULL;
}

/* What the dialog says of a provisional indicator set; NULL when the set
 * is not provisional. */
const char *
dh_review_dialog_get_provisional_note (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->provisional_row)))
    return NULL;

  return adw_action_row_get_subtitle (self->provisional_row);
}

const char *
dh_review_dialog_get_proposed_class (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  return self->proposed_class;
}

/* The proposed class as the caseworker reads it; NULL when there is none. */
const char *
dh_review_dialog_get_proposal_title (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->proposal_badge)))
    return NULL;

  return gtk_label_get_label (self->proposal_badge);
}

/* Why no class can be proposed, in the words of the store's rules. */
const char *
dh_review_dialog_get_proposal_message (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  return self->proposal_message;
}

const char *
dh_review_dialog_get_reasons (DhReviewDialog *self)
{
  g_return_val_if_fail (DH_IS_REVIEW_DIALOG (self), NULL);

  return self->reasons;
}
