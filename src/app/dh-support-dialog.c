/* dh-support-dialog.c – record support a household received: what, how much, from which programme, when */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-support-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-date.h"
#include "dh-entity.h"
#include "dh-field-choice.h"
#include "dh-support-dialog.h"

struct _DhSupportDialog
{
  DhRecordDialog  parent_instance;

  /* template */
  AdwWindowTitle *window_title;
  GtkWidget      *save_button;
  AdwComboRow    *type_row;
  AdwEntryRow    *description_row;
  AdwEntryRow    *quantity_row;
  AdwEntryRow    *unit_row;
  AdwEntryRow    *amount_row;
  AdwEntryRow    *state_share_row;
  AdwEntryRow    *household_share_row;
  AdwComboRow    *funding_row;
  AdwComboRow    *programme_row;
  AdwComboRow    *project_row;
  AdwComboRow    *member_row;
  AdwComboRow    *status_row;
  AdwEntryRow    *date_row;
  GtkLabel       *errors_label;
};

G_DEFINE_FINAL_TYPE (DhSupportDialog, dh_support_dialog, DH_TYPE_RECORD_DIALOG)

static DhContext *
context_of (DhSupportDialog *self)
{
  return dh_edit_dialog_get_context (DH_EDIT_DIALOG (self));
}

/* The projects of the programme chosen, and only those. */
static void
fill_projects (DhSupportDialog *self)
{
  DhCatalogues *catalogues = dh_context_get_catalogues (context_of (self));
  const char *programme = dh_field_choice_get_code (G_OBJECT (self->programme_row));
  g_autofree char *chosen = g_strdup (dh_field_choice_get_code (G_OBJECT (self->project_row)));
  g_autoptr(GPtrArray) all = dh_catalogues_list_codes (catalogues, "project");
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    {
      const char *code = g_ptr_array_index (all, i);

      if (programme != NULL && g_strcmp0 (dh_catalogues_get_project_programme (catalogues, code), programme) == 0)
        g_ptr_array_add (codes, (gpointer) code);
    }
  g_ptr_array_add (codes, NULL);

  dh_field_choice_fill_codes (G_OBJECT (self->project_row), "support", "project",
                              (const char * const *) codes->pdata, _("No project"));
  dh_field_choice_set_code (G_OBJECT (self->project_row), chosen);
  gtk_widget_set_sensitive (GTK_WIDGET (self->project_row), codes->len > 1);
}

static void
on_programme_changed (DhSupportDialog *self)
{
  fill_projects (self);
}

/* The programme whose period holds @today, as a first choice. */
static const char *
current_programme (DhCatalogues *catalogues,
                   GPtrArray    *programmes,
                   const char   *today)
{
  for (guint i = 0; i < programmes->len; i++)
    {
      const char *code = g_ptr_array_index (programmes, i);
      json_object *entry = dh_catalogues_get_entry (catalogues, "programme", code);
      const char *from = dh_json_get_string (entry, "valid_from");
      const char *to = dh_json_get_string (entry, "valid_to");

      if (from != NULL && g_strcmp0 (from, today) <= 0 && (to == NULL || g_strcmp0 (today, to) <= 0))
        return code;
    }

  return NULL;
}

static void
fill_members (DhSupportDialog *self)
{
  DhContext *context = context_of (self);
  g_autofree char *filter = g_strdup_printf ("household=%s",
                                             dh_record_dialog_get_household_id (DH_RECORD_DIALOG (self)));
  const char *filters[] = { filter, NULL };
  DhQuery query = { .entity = "member", .filters = filters, .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) members = dh_store_list (dh_context_get_store (context), &query, NULL);
  g_autoptr(GPtrArray) codes = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      json_object *member = g_ptr_array_index (members, i);
      g_autofree char *relation = dh_context_describe_value (context, "member", "relation", member);

      g_ptr_array_add (codes, (gpointer) dh_json_get_string (member, DH_RECORD_ID));
      g_ptr_array_add (labels, relation != NULL
                               /* Translators: a member of a household and how they are related to its head */
                               ? g_strdup_printf (_("%s (%s)"), dh_json_get_string (member, "full_name"), relation)
                               : g_strdup (dh_json_get_string (member, "full_name")));
    }
  g_ptr_array_add (codes, NULL);
  g_ptr_array_add (labels, NULL);

  dh_field_choice_fill_labelled (G_OBJECT (self->member_row), (const char * const *) codes->pdata,
                                 (const char * const *) labels->pdata,
                                 /* Translators: support given to the household, not to one of its members */
                                 _("The whole household"));
}

/**
 * dh_support_describe:
 *
 * What a support entry was, in a few words: "Livestock, 1.500.000 ₫".
 */
char *
dh_support_describe (DhContext   *context,
                     json_object *entry)
{
  g_autofree char *type = dh_context_describe_value (context, "support", "support_type", entry);
  g_autofree char *amount = dh_context_describe_value (context, "support", "amount_vnd", entry);

  if (amount == NULL)
    return g_steal_pointer (&type);

  /* Translators: a kind of support and its amount */
  return g_strdup_printf (_("%s, %s"), type, amount);
}

static char *
dh_support_dialog_describe_saved (DhRecordDialog *dialog)
{
  g_autofree char *what = dh_support_describe (dh_edit_dialog_get_context (DH_EDIT_DIALOG (dialog)),
                                               dh_record_dialog_get_record (dialog));

  /* Translators: said once a support entry is saved; %s is what it was */
  return g_strdup_printf (_("Support recorded: %s"), what);
}

static void
dh_support_dialog_constructed (GObject *object)
{
  DhSupportDialog *self = DH_SUPPORT_DIALOG (object);
  DhRecordDialog *dialog = DH_RECORD_DIALOG (object);
  DhContext *context = dh_edit_dialog_get_context (DH_EDIT_DIALOG (object));
  DhCatalogues *catalogues = dh_context_get_catalogues (context);
  const DhField *status = dh_entity_get_field (dh_entity_lookup ("support"), "status");
  AdwComboRow *rows[] = {
    self->type_row, self->funding_row, self->programme_row, self->project_row, self->member_row, self->status_row,
  };
  g_autoptr(GPtrArray) programmes = dh_catalogues_list_codes (catalogues, "programme");
  g_autofree char *today_text = NULL;
  g_autofree char *today_iso = NULL;
  const char *current;
  DhRecordForm *form;
  GDate today;

  G_OBJECT_CLASS (dh_support_dialog_parent_class)->constructed (object);

  dh_store_get_today (dh_context_get_store (context), &today);
  today_text = dh_date_format (&today);
  today_iso = dh_date_to_iso (&today);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    dh_field_choice_wrap_names (rows[i]);
  dh_field_choice_fill (G_OBJECT (self->type_row), "support", "support_type",
                        /* Translators: the first choice of a list where one must be chosen */
                        _("Choose…"));
  dh_field_choice_fill (G_OBJECT (self->funding_row), "support", "funding_source",
                        /* Translators: nothing is chosen in a list that may be left empty */
                        _("Not given"));
  current = current_programme (catalogues, programmes, today_iso);
  dh_field_choice_fill (G_OBJECT (self->programme_row), "support", "programme", _("Not given"));
  dh_field_choice_set_code (G_OBJECT (self->programme_row), current);
  fill_projects (self);
  fill_members (self);
  dh_field_choice_fill (G_OBJECT (self->status_row), "support", "status", NULL);
  dh_field_choice_set_code (G_OBJECT (self->status_row), status->default_value);
  gtk_editable_set_text (GTK_EDITABLE (self->date_row), today_text);

  /* the projects follow the programme before the record is checked again */
  g_signal_connect_object (self->programme_row, "notify::selected", G_CALLBACK (on_programme_changed),
                           self, G_CONNECT_SWAPPED);

  form = dh_record_dialog_start (dialog, "support", self->errors_label);
  dh_record_form_add_choice (form, G_OBJECT (self->type_row), "support_type");
  dh_record_form_add_text (form, GTK_WIDGET (self->description_row), "description");
  dh_record_form_add_text (form, GTK_WIDGET (self->quantity_row), "quantity");
  dh_record_form_add_text (form, GTK_WIDGET (self->unit_row), "unit");
  dh_record_form_add_text (form, GTK_WIDGET (self->amount_row), "amount_vnd");
  dh_record_form_add_text (form, GTK_WIDGET (self->state_share_row), "state_share_vnd");
  dh_record_form_add_text (form, GTK_WIDGET (self->household_share_row), "household_share_vnd");
  dh_record_form_add_choice (form, G_OBJECT (self->funding_row), "funding_source");
  dh_record_form_add_choice (form, G_OBJECT (self->programme_row), "programme");
  dh_record_form_add_choice (form, G_OBJECT (self->project_row), "project");
  dh_record_form_add_choice (form, G_OBJECT (self->member_row), "member");
  dh_record_form_add_choice (form, G_OBJECT (self->status_row), "status");
  dh_record_form_add_text (form, GTK_WIDGET (self->date_row), "delivered_on");
  dh_record_dialog_ready (dialog, self->window_title, self->save_button, GTK_WIDGET (self->type_row));
}

static void
dh_support_dialog_class_init (DhSupportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhRecordDialogClass *dialog_class = DH_RECORD_DIALOG_CLASS (klass);

  object_class->constructed = dh_support_dialog_constructed;
  dialog_class->describe_saved = dh_support_dialog_describe_saved;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-support-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, type_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, quantity_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, unit_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, amount_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, state_share_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, household_share_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, funding_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, programme_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, project_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, member_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, DhSupportDialog, errors_label);
}

static void
dh_support_dialog_init (DhSupportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dh_support_dialog_new:
 * @household_id: the household that received the support
 *
 * A dialog that records one support entry for @household_id: delivered
 * today unless told otherwise, under the programme of today's period.
 */
DhSupportDialog *
dh_support_dialog_new (DhContext  *context,
                       const char *household_id)
{
  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (household_id != NULL, NULL);

  return g_object_new (DH_TYPE_SUPPORT_DIALOG,
                       "context", context,
                       "household-id", household_id,
                       NULL);
}
