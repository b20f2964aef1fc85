/* dh-void-dialog.c – void a delivered support entry, saying why */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-void-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-record-form.h"
#include "dh-void-dialog.h"

/* The ledger keeps a delivered entry as it is: voiding it writes a new
 * entry that cancels it (dh_store_void_support), with the reason. */
struct _DhVoidDialog
{
  DhEditDialog         parent_instance;

  /* template */
  GtkWidget           *save_button;
  AdwPreferencesGroup *entry_group;
  AdwEntryRow         *reason_row;
  GtkLabel            *errors_label;

  char                *entry_id;
  json_object         *entry;      /* the entry voided, as the store has it */
  DhRecordForm        *form;
};

G_DEFINE_FINAL_TYPE (DhVoidDialog, dh_void_dialog, DH_TYPE_EDIT_DIALOG)

enum {
  PROP_0,
  PROP_ENTRY_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
dh_void_dialog_save (DhEditDialog  *dialog,
                     GError       **error)
{
  DhVoidDialog *self = DH_VOID_DIALOG (dialog);
  DhStore *store = dh_context_get_store (dh_edit_dialog_get_context (dialog));
  g_autoptr(json_object) void_entry = NULL;
  g_autoptr(GError) local_error = NULL;

  void_entry = dh_store_void_support (store, self->entry_id,
                                      gtk_editable_get_text (GTK_EDITABLE (self->reason_row)), &local_error);
  if (void_entry == NULL)
    {
      dh_record_form_show_error (self->form, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
dh_void_dialog_constructed (GObject *object)
{
  DhVoidDialog *self = DH_VOID_DIALOG (object);
  DhEditDialog *dialog = DH_EDIT_DIALOG (object);
  DhContext *context = dh_edit_dialog_get_context (dialog);

  G_OBJECT_CLASS (dh_void_dialog_parent_class)->constructed (object);

  self->entry = dh_store_get (dh_context_get_store (context), "support", self->entry_id, NULL);
  if (self->entry != NULL)
    {
      g_autofree char *type = dh_context_describe_value (context, "support", "support_type", self->entry);
      g_autofree char *amount = dh_context_describe_value (context, "support", "amount_vnd", self->entry);
      g_autofree char *date = dh_context_describe_value (context, "support", "delivered_on", self->entry);
      g_autoptr(GString) what = g_string_new (type);

      if (amount != NULL)
        g_string_append_printf (what, " — %s", amount);
      if (date != NULL)
        g_string_append_printf (what, " · %s", date);
      adw_preferences_group_set_title (self->entry_group, what->str);
    }

  /* the store says what a reason lacks when it is asked to void; a reason
   * being typed has nothing wrong with it yet */
  self->form = dh_record_form_new (dialog, "support");
  dh_record_form_set_summary (self->form, self->errors_label);
  dh_record_form_add_text (self->form, GTK_WIDGET (self->reason_row), "void_reason");

  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->reason_row));
}

static void
dh_void_dialog_dispose (GObject *object)
{
  DhVoidDialog *self = DH_VOID_DIALOG (object);

  g_clear_pointer (&self->form, dh_record_form_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_VOID_DIALOG);

  G_OBJECT_CLASS (dh_void_dialog_parent_class)->dispose (object);
}

static void
dh_void_dialog_finalize (GObject *object)
{
  DhVoidDialog *self = DH_VOID_DIALOG (object);

  g_clear_pointer (&self->entry_id, g_free);
  g_clear_pointer (&self->entry, json_object_put);

  G_OBJECT_CLASS (dh_void_dialog_parent_class)->finalize (object);
}

static void
dh_void_dialog_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  DhVoidDialog *self = DH_VOID_DIALOG (object);

  switch (prop_id)
    {
    case PROP_ENTRY_ID:
      self->entry_id = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_void_dialog_class_init (DhVoidDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DhEditDialogClass *dialog_class = DH_EDIT_DIALOG_CLASS (klass);

  object_class->constructed = dh_void_dialog_constructed;
  object_class->dispose = dh_void_dialog_dispose;
  object_class->finalize = dh_void_dialog_finalize;
  object_class->set_property = dh_void_dialog_set_property;
  dialog_class->save = dh_void_dialog_save;

  properties[PROP_ENTRY_ID] =
    g_param_spec_string ("entry-id", NULL, NULL, NULL,
                         (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-void-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhVoidDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, DhVoidDialog, entry_group);
  gtk_widget_class_bind_template_child (widget_class, DhVoidDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, DhVoidDialog, errors_label);
}

static void
dh_void_dialog_init (DhVoidDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dh_void_dialog_new:
 * @entry_id: the delivered support entry to void
 */
DhVoidDialog *
dh_void_dialog_new (DhContext  *context,
                    const char *entry_id)
{
  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (entry_id != NULL, NULL);

  return g_object_new (DH_TYPE_VOID_DIALOG,
                       "context", context,
                       "entry-id", entry_id,
                       NULL);
}

GtkWidget *
dh_void_dialog_get_reason_row (DhVoidDialog *self)
{
  g_return_val_if_fail (DH_IS_VOID_DIALOG (self), NULL);

  return GTK_WIDGET (self->reason_row);
}

/* Returns: (transfer none) (nullable): the entry being voided */
json_object *
dh_void_dialog_get_entry (DhVoidDialog *self)
{
  g_return_val_if_fail (DH_IS_VOID_DIALOG (self), NULL);

  return self->entry;
}
