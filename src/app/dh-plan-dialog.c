/* dh-plan-dialog.c – a household's plan to escape poverty, registered or brought up to date */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-plan-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-date.h"
#include "dh-field-check.h"
#include "dh-field-choice.h"
#include "dh-field-input.h"
#include "dh-plan-dialog.h"

/* The household's registration to escape poverty (an exit_plan record):
 * made once, then brought up to date as the household moves along it. */
struct _DhPlanDialog
{
  DhEditDialog         parent_instance;

  /* template */
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *plan_group;
  AdwEntryRow         *registered_row;
  AdwEntryRow         *target_row;
  AdwComboRow         *status_row;
  AdwEntryRow         *commitments_row;
  AdwEntryRow         *support_row;

  GtkLabel            *problems;
  char                *household_id;
  char                *plan_id;     /* NULL: a plan not yet registered */
  gboolean             loading;
};

G_DEFINE_FINAL_TYPE (DhPlanDialog, dh_plan_dialog, DH_TYPE_EDIT_DIALOG)

static GtkWidget *
widget_of_field (DhPlanDialog *self,
                 const char   *field)
{
  const struct { const char *field; GtkWidget *widget; } fields[] = {
    { "registered_on", GTK_WIDGET (self->registered_row) },
    { "target_year", GTK_WIDGET (self->target_row) },
    { "status", GTK_WIDGET (self->status_row) },
    { "commitments", GTK_WIDGET (self->commitments_row) },
    { "support_needed", GTK_WIDGET (self->support_row) },
  };

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (fields); i++)
    {
      if (g_str_equal (fields[i].field, field))
        return fields[i].widget;
    }

  return NULL;
}

static const char * const typed_fields[] = { "registered_on", "target_year", "commitments", "support_needed", NULL };

static void
show_problems (DhPlanDialog *self)
{
  GtkWidget *widgets[] = {
    GTK_WIDGET (self->registered_row), GTK_WIDGET (self->target_row), GTK_WIDGET (self->status_row),
    GTK_WIDGET (self->commitments_row), GTK_WIDGET (self->support_row),
  };

  dh_field_input_show_problems (DH_EDIT_DIALOG (self), self->problems, widgets, G_N_ELEMENTS (widgets));
}

/* The fields as the store keeps them (null where emptied), each that
 * cannot be read marked on its widget; NULL when one could not. */
static json_object *
read_record (DhPlanDialog *self)
{
  DhContext *context = dh_edit_dialog_get_context (DH_EDIT_DIALOG (self));
  g_autoptr(json_object) record = json_object_new_object ();
  const char *status = dh_field_choice_get_code (G_OBJECT (self->status_row));
  gboolean complete = TRUE;

  json_object_object_add (record, "household", json_object_new_string (self->household_id));
  for (guint i = 0; typed_fields[i] != NULL; i++)
    {
      GtkWidget *widget = widget_of_field (self, typed_fields[i]);
      g_autoptr(json_object) value = NULL;
      g_autofree char *message = dh_field_check_text (context, "exit_plan", typed_fields[i],
                                                      gtk_editable_get_text (GTK_EDITABLE (widget)), &value);

      if (message == NULL)
        json_object_object_add (record, typed_fields[i], g_steal_pointer (&value));
      else
        {
          g_autofree char *sentence = dh_field_input_capitalise (message);

          dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), widget, sentence);
          complete = FALSE;
        }
    }
  json_object_object_add (record, "status", status != NULL ? json_object_new_string (status) : NULL);

  return complete ? g_steal_pointer (&record) : NULL;
}

static void
show_error (DhPlanDialog *self,
            const char   *store_message)
{
  g_autofree char *field = NULL;
  g_autofree char *message = dh_field_input_split_message (store_message, "exit_plan", &field);
  GtkWidget *widget = widget_of_field (self, field);

  dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self),
                                  widget != NULL ? widget : GTK_WIDGET (self->registered_row), message);
}

/* Checks what is typed as the store will when it is saved. */
static void
refresh (DhPlanDialog *self)
{
  g_autoptr(json_object) record = NULL;
  g_autoptr(GError) error = NULL;

  if (self->loading)
    return;

  for (guint i = 0; typed_fields[i] != NULL; i++)
    dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), widget_of_field (self, typed_fields[i]), NULL);
  dh_edit_dialog_set_field_error (DH_EDIT_DIALOG (self), GTK_WIDGET (self->status_row), NULL);

  record = read_record (self);
  if (record != NULL &&
      !dh_field_input_check_record (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self)), "exit_plan",
                                    self->plan_id, record, &error))
    show_error (self, error->message);

  show_problems (self);
}

static void
on_choice_changed (DhPlanDialog *self)
{
  if (self->loading)
    return;

  dh_edit_dialog_set_modified (DH_EDIT_DIALOG (self), TRUE);
  refresh (self);
}

static gboolean
dh_plan_dialog_save (DhEditDialog  *dialog,
                     GError       **error)
{
  DhPlanDialog *self = DH_PLAN_DIALOG (dialog);
  g_autoptr(json_object) record = read_record (self);
  g_autoptr(json_object) saved = NULL;

  if (record == NULL)
    return FALSE;

  saved = dh_field_input_write (dh_edit_dialog_get_context (dialog), "exit_plan", self->plan_id, record, error);
  if (saved == NULL)
    {
      show_error (self, (*error)->message);
      show_problems (self);
      return FALSE;
    }

  if (self->plan_id == NULL)
    self->plan_id = g_strdup (dh_json_get_string (saved, DH_RECORD_ID));

  return TRUE;
}

static void
show_plan (DhPlanDialog *self,
           json_object  *plan)
{
  g_autofree char *year = g_strdup_printf ("%" G_GINT64_FORMAT, dh_json_get_int (plan, "target_year", 0));
  const char *commitments = dh_json_get_string (plan, "commitments");
  const char *support = dh_json_get_string (plan, "support_needed");

  dh_field_input_set_date (GTK_EDITABLE (self->registered_row), dh_json_get_string (plan, "registered_on"));
  gtk_editable_set_text (GTK_EDITABLE (self->target_row), year);
  if (!dh_field_choice_set_code (G_OBJECT (self->status_row), dh_json_get_string (plan, "status")))
    adw_combo_row_set_selected (self->status_row, GTK_INVALID_LIST_POSITION);
  gtk_editable_set_text (GTK_EDITABLE (self->commitments_row), commitments != NULL ? commitments : "");
  gtk_editable_set_text (GTK_EDITABLE (self->support_row), support != NULL ? support : "");
}

static void
show_new_plan (DhPlanDialog *self)
{
  GDate today;
  g_autofree char *text = NULL;
  g_autofree char *year = NULL;

  dh_store_get_today (dh_context_get_store (dh_edit_dialog_get_context (DH_EDIT_DIALOG (self))), &today);
  text = dh_date_format (&today);
  /* a household registers to escape poverty by the end of the next year */
  year = g_strdup_printf ("%d", (int) g_date_get_year (&today) + 1);
  gtk_editable_set_text (GTK_EDITABLE (self->registered_row), text);
  gtk_editable_set_text (GTK_EDITABLE (self->target_row), year);
  dh_field_choice_set_code (G_OBJECT (self->status_row), "registered");
}

static gboolean
load (DhPlanDialog  *self,
      const char    *household_id,
      GError       **error)
{
  DhContext *context = dh_edit_dialog_get_context (DH_EDIT_DIALOG (self));
  g_autoptr(json_object) household = dh_store_get (dh_context_get_store (context), "household", household_id, error);
  g_autoptr(json_object) plan = NULL;
  g_autoptr(GError) local_error = NULL;

  if (household == NULL)
    return FALSE;
  plan = dh_field_input_find_latest (context, "exit_plan", household_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->household_id = g_strdup (household_id);
  adw_window_title_set_subtitle (self->window_title, dh_json_get_string (household, "head_name"));

  self->loading = TRUE;
  if (plan != NULL)
    {
      self->plan_id = g_strdup (dh_json_get_string (plan, DH_RECORD_ID));
      show_plan (self, plan);
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("Register a Plan to Escape Poverty"));
      show_new_plan (self);
    }
  self->loading = FALSE;

  refresh (self);
  return TRUE;
}

static void
dh_plan_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_PLAN_DIALOG);

  G_OBJECT_CLASS (dh_plan_dialog_parent_class)->dispose (object);
}

static void
dh_plan_dialog_finalize (GObject *object)
{
  DhPlanDialog *self = DH_PLAN_DIALOG (object);

  g_free (self->household_id);
  g_free (self->plan_id);

  G_OBJECT_CLASS (dh_plan_dialog_parent_class)->finalize (object);
}

static void
dh_plan_dialog_class_init (DhPlanDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_plan_dialog_dispose;
  object_class->finalize = dh_plan_dialog_finalize;
  DH_EDIT_DIALOG_CLASS (klass)->save = dh_plan_dialog_save;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-plan-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhPlanDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, DhPlanDialog, plan_group);
  gtk_widget_class_bind_template_child (widget_class, DhPlanDialog, registered_row);
  gtk_widget_class_bind_template_child (widget_class, DhPlanDialog, target_row);
  gtk_widget_class_bind_template_child (widget_class, DhPlanDialog, status_row);
  gtk_widget_class_bind_template_child (widget_class, DhPlanDialog, commitments_row);
  gtk_widget_class_bind_template_child (widget_class, DhPlanDialog, support_row);
}

static void
dh_plan_dialog_init (DhPlanDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->problems = dh_field_input_add_problems (self->plan_group);
  dh_field_choice_fill (G_OBJECT (self->status_row), "exit_plan", "status", NULL);
}

/**
 * dh_plan_dialog_new:
 * @household_id: the household whose plan it is
 *
 * The household's latest plan to edit, or a new one to register when it
 * has none.
 *
 * Returns: (transfer none) (nullable): the dialog, or %NULL with @error
 *   set in words for the caseworker
 */
DhPlanDialog *
dh_plan_dialog_new (DhContext   *context,
                    const char  *household_id,
                    GError     **error)
{
  DhPlanDialog *self;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (household_id != NULL, NULL);

  self = g_object_new (DH_TYPE_PLAN_DIALOG, "context", context, NULL);
  if (!load (self, household_id, error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return NULL;
    }

  for (guint i = 0; typed_fields[i] != NULL; i++)
    {
      GtkWidget *widget = widget_of_field (self, typed_fields[i]);

      dh_edit_dialog_watch_editable (DH_EDIT_DIALOG (self), widget);
      g_signal_connect_object (widget, "changed", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (self->status_row, "notify::selected", G_CALLBACK (on_choice_changed),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_grab_focus (GTK_WIDGET (self->registered_row));

  return self;
}

const char *
dh_plan_dialog_get_plan_id (DhPlanDialog *self)
{
  g_return_val_if_fail (DH_IS_PLAN_DIALOG (self), NULL);

  return self->plan_id;
}

/* The widget a field is typed or chosen in: "registered_on",
 * "target_year", "status", "commitments", "support_needed". */
GtkWidget *
dh_plan_dialog_get_field (DhPlanDialog *self,
                          const char   *field)
{
  g_return_val_if_fail (DH_IS_PLAN_DIALOG (self), NULL);

  return widget_of_field (self, field);
}
