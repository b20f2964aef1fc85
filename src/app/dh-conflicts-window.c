/* dh-conflicts-window.c – the edits made at once on two devices, and the deletions that met work, for an official to settle */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-conflicts-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-conflicts-window.h"
#include "dh-entity.h"
#include "dh-hlc.h"
#include "dh-label.h"
#include "dh-store.h"

/* Each row is one conflict (docs/sync.md, "Concurrent edits are
 * conflicts") or one record deleted while someone elsewhere still wrote to
 * it ("Deletions"). Settling is an ordinary change of the store: it syncs
 * like any, and another device's official sees it settled. */
struct _DhConflictsWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toasts;
  AdwWindowTitle  *title;
  GtkStack        *stack;
  GtkListBox      *list;

  DhContext       *context;
  GPtrArray       *conflicts;   /* json_object, as dh_store_list_conflicts() gives them */
};

G_DEFINE_FINAL_TYPE (DhConflictsWindow, dh_conflicts_window, ADW_TYPE_WINDOW)

static DhStore *
get_store (DhConflictsWindow *self)
{
  return dh_context_get_store (self->context);
}

/* What a record is, as people name it: a household by its head, a member
 * by name, anything else by its kind and its household. */
static char *
describe_record (DhConflictsWindow *self,
                 const char        *entity_name,
                 const char        *id)
{
  const DhEntity *entity = dh_entity_lookup (entity_name);
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) household = NULL;
  const char *household_id;

  if (entity == NULL)
    return g_strdup (entity_name);
  record = dh_store_get (get_store (self), entity_name, id, NULL);
  if (record == NULL)
    /* Translators: a record no longer there, by its kind: "a visit" */
    return g_strdup_printf (_("a %s"), dh_entity_get_label (entity));

  if (g_str_equal (entity_name, "household"))
    return g_strdup_printf (_("Household of %s"), dh_json_get_string (record, "head_name"));
  household_id = dh_json_get_string (record, "household");
  if (household_id != NULL)
    household = dh_store_get (get_store (self), "household", household_id, NULL);
  if (g_str_equal (entity_name, "member"))
    return household != NULL
           ? g_strdup_printf (_("%s, of the household of %s"), dh_json_get_string (record, "full_name"),
                              dh_json_get_string (household, "head_name"))
           : g_strdup (dh_json_get_string (record, "full_name"));
  if (household != NULL)
    /* Translators: "visit of the household of Lò Văn Pản" */
    return g_strdup_printf (_("%s of the household of %s"), dh_entity_get_label (entity),
                            dh_json_get_string (household, "head_name"));
  return g_strdup (dh_entity_get_label (entity));
}

/* The day a write was made, by the clock of the device that made it. */
static char *
describe_when (const char *clock)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (clock == NULL)
    return g_strdup ("?");
  utc = g_date_time_new_from_unix_utc (dh_hlc_get_wall_ms (clock) / 1000);
  if (utc == NULL)
    return g_strdup ("?");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%d/%m/%Y");
}

/* A conflict keeps values as text: a string as it is, anything else as
 * its JSON. */
static json_object *
value_from_text (const DhField *field,
                 const char    *text)
{
  json_object *value;

  if (text == NULL)
    return NULL;
  switch (field->type)
    {
    case DH_FIELD_INT:
    case DH_FIELD_YEAR:
    case DH_FIELD_MONEY:
    case DH_FIELD_BOOL:
    case DH_FIELD_CODE_SET:
      value = json_tokener_parse (text);
      if (value != NULL)
        return value;
      break;

    case DH_FIELD_TEXT:
    case DH_FIELD_NAME:
    case DH_FIELD_DATE:
    case DH_FIELD_BIRTH_DATE:
    case DH_FIELD_ENUM:
    case DH_FIELD_CODE:
    case DH_FIELD_REF:
    case DH_FIELD_PHONE:
    case DH_FIELD_CITIZEN_ID:
    default:
      break;
    }
  return json_object_new_string (text);
}

static char *
describe_value (DhConflictsWindow *self,
                const char        *entity_name,
                const char        *field_name,
                const char        *text)
{
  const DhEntity *entity = dh_entity_lookup (entity_name);
  const DhField *field = entity != NULL ? dh_entity_get_field (entity, field_name) : NULL;
  g_autoptr(json_object) record = json_object_new_object ();
  char *described;

  if (text == NULL || *text == '\0')
    return g_strdup (_("(nothing)"));
  if (field == NULL)
    return g_strdup (text);
  json_object_object_add (record, field_name, value_from_text (field, text));
  described = dh_context_describe_value (self->context, entity_name, field_name, record);
  return described != NULL ? described : g_strdup (text);
}

static void
show_error (DhConflictsWindow *self,
            const GError      *error)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
}

static gboolean
settle (DhConflictsWindow  *self,
        json_object        *conflict,
        GError            **error)
{
  g_autoptr(json_object) fields = json_object_new_object ();
  g_autoptr(json_object) settled = NULL;
  const char *user = dh_store_get_user (get_store (self));
  GDate today;
  char iso[16];

  dh_store_get_today (get_store (self), &today);
  g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &today);
  json_object_object_add (fields, "settled_by", json_object_new_string (user != NULL ? user : ""));
  json_object_object_add (fields, "settled_on", json_object_new_string (iso));
  settled = dh_store_update (get_store (self), "conflict", dh_json_get_string (conflict, DH_RECORD_ID), fields, error);
  return settled != NULL;
}

static void refresh (DhConflictsWindow *self);

static json_object *
conflict_of (DhConflictsWindow *self,
             GtkWidget         *button)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "conflict-index"));

  g_return_val_if_fail (self->conflicts != NULL && index < self->conflicts->len, NULL);
  return g_ptr_array_index (self->conflicts, index);
}

static void
done (DhConflictsWindow *self,
      const char        *message)
{
  refresh (self);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

/* What the record holds now stands. */
static void
on_keep (GtkButton         *button,
         DhConflictsWindow *self)
{
  g_autoptr(GError) error = NULL;
  json_object *conflict = conflict_of (self, GTK_WIDGET (button));

  if (conflict == NULL)
    return;
  if (!settle (self, conflict, &error))
    {
      show_error (self, error);
      return;
    }
  done (self, _("Settled: the record keeps what it holds"));
}

/* The value that lost comes back, and the conflict is settled, together. */
static void
on_use_lost (GtkButton         *button,
             DhConflictsWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = json_object_new_object ();
  g_autoptr(json_object) updated = NULL;
  json_object *conflict = conflict_of (self, GTK_WIDGET (button));
  const DhEntity *entity;
  const DhField *field;

  if (conflict == NULL)
    return;
  entity = dh_entity_lookup (dh_json_get_string (conflict, "entity"));
  field = entity != NULL ? dh_entity_get_field (entity, dh_json_get_string (conflict, "field")) : NULL;
  if (field == NULL)
    return;
  json_object_object_add (fields, field->name, value_from_text (field, dh_json_get_string (conflict, "lost_value")));

  if (!dh_store_begin (get_store (self), &error))
    {
      show_error (self, error);
      return;
    }
  updated = dh_store_update (get_store (self), entity->name, dh_json_get_string (conflict, "record_id"), fields, &error);
  if (updated == NULL || !settle (self, conflict, &error) || !dh_store_commit (get_store (self), &error))
    {
      dh_store_rollback (get_store (self));
      show_error (self, error);
      return;
    }
  done (self, _("Settled: the other value is back"));
}

static void
on_restore (GtkButton         *button,
            DhConflictsWindow *self)
{
  g_autoptr(GError) error = NULL;
  json_object *conflict = conflict_of (self, GTK_WIDGET (button));

  if (conflict == NULL)
    return;
  if (!dh_store_restore (get_store (self), dh_json_get_string (conflict, "entity"),
                         dh_json_get_string (conflict, "record_id"), &error))
    {
      show_error (self, error);
      return;
    }
  done (self, _("Restored, with what was written to it meanwhile"));
}

/* Deleting again, having seen everything, lets the deletion stand. */
static void
on_delete_again (GtkButton         *button,
                 DhConflictsWindow *self)
{
  g_autoptr(GError) error = NULL;
  json_object *conflict = conflict_of (self, GTK_WIDGET (button));

  if (conflict == NULL)
    return;
  if (!dh_store_begin (get_store (self), &error))
    {
      show_error (self, error);
      return;
    }
  if (!dh_store_restore (get_store (self), dh_json_get_string (conflict, "entity"),
                         dh_json_get_string (conflict, "record_id"), &error) ||
      !dh_store_delete (get_store (self), dh_json_get_string (conflict, "entity"),
                        dh_json_get_string (conflict, "record_id"), &error) ||
      !dh_store_commit (get_store (self), &error))
    {
      dh_store_rollback (get_store (self));
      show_error (self, error);
      return;
    }
  done (self, _("Kept deleted"));
}

static GtkWidget *
new_button (const char        *label,
            const char        *tooltip,
            guint              index,
            GCallback          clicked,
            DhConflictsWindow *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "conflict-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", clicked, self);
  return button;
}

static GtkWidget *
new_row (DhConflictsWindow *self,
         json_object       *conflict,
         guint              index)
{
  const char *entity = dh_json_get_string (conflict, "entity");
  const char *field = dh_json_get_string (conflict, "field");
  g_autofree char *record = describe_record (self, entity, dh_json_get_string (conflict, "record_id"));
  g_autofree char *kept_when = describe_when (dh_json_get_string (conflict, "kept_clock"));
  g_autofree char *lost_when = describe_when (dh_json_get_string (conflict, "lost_clock"));
  /* Translators: who wrote a value, when the device did not say */
  const char *kept_by = dh_json_get_string (conflict, "kept_by") != NULL ? dh_json_get_string (conflict, "kept_by") : _("unknown");
  const char *lost_by = dh_json_get_string (conflict, "lost_by") != NULL ? dh_json_get_string (conflict, "lost_by") : _("unknown");
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *first, *second;

  if (g_strcmp0 (field, DH_RECORD_DELETED) == 0)
    {
      /* Translators: "Household of Lò Văn Pản was deleted" */
      title = g_strdup_printf (_("%s was deleted"), record);
      /* Translators: who deleted it and when, then who still wrote to it and when */
      subtitle = g_strdup_printf (_("Deleted by %s on %s, while %s still recorded work on it on %s"),
                                  kept_by, kept_when, lost_by, lost_when);
      first = new_button (_("_Keep Deleted"), _("Delete it again, now that its latest work is seen"),
                          index, G_CALLBACK (on_delete_again), self);
      second = new_button (_("_Restore"), _("Bring it back with what was written to it meanwhile"),
                           index, G_CALLBACK (on_restore), self);
    }
  else
    {
      g_autofree char *kept = describe_value (self, entity, field, dh_json_get_string (conflict, "kept_value"));
      g_autofree char *lost = describe_value (self, entity, field, dh_json_get_string (conflict, "lost_value"));

      /* Translators: the record, then the field: "Household of Lò Văn Pản: Phone" */
      title = g_strdup_printf (_("%s: %s"), record, dh_label_field (entity, field));
      /* Translators: each value with who wrote it and the day */
      subtitle = g_strdup_printf (_("Now: %s (%s, %s)\nThe other: %s (%s, %s)"),
                                  kept, kept_by, kept_when, lost, lost_by, lost_when);
      first = new_button (_("_Keep"), _("Keep what the record holds now"), index, G_CALLBACK (on_keep), self);
      second = new_button (_("_Use the Other"), _("Put the other value back in the record"),
                           index, G_CALLBACK (on_use_lost), self);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (row, subtitle);
  adw_action_row_set_subtitle_lines (row, 4);
  gtk_widget_add_css_class (second, "suggested-action");
  adw_action_row_add_suffix (row, first);
  adw_action_row_add_suffix (row, second);
  return GTK_WIDGET (row);
}

static void
refresh (DhConflictsWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = dh_store_list_conflicts (get_store (self), FALSE, &error);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);

  if (conflicts == NULL)
    {
      show_error (self, error);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }
  self->conflicts = g_steal_pointer (&conflicts);
  for (guint i = 0; i < self->conflicts->len; i++)
    gtk_list_box_append (self->list, new_row (self, g_ptr_array_index (self->conflicts, i), i));
  gtk_stack_set_visible_child_name (self->stack, self->conflicts->len > 0 ? "list" : "none");
  {
    g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u to settle", "%u to settle",
                                                           self->conflicts->len),
                                              self->conflicts->len);

    adw_window_title_set_subtitle (self->title, self->conflicts->len > 0 ? count : NULL);
  }
}

static void
dh_conflicts_window_dispose (GObject *object)
{
  DhConflictsWindow *self = DH_CONFLICTS_WINDOW (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_CONFLICTS_WINDOW);

  G_OBJECT_CLASS (dh_conflicts_window_parent_class)->dispose (object);
}

static void
dh_conflicts_window_class_init (DhConflictsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_conflicts_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-conflicts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DhConflictsWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, DhConflictsWindow, title);
  gtk_widget_class_bind_template_child (widget_class, DhConflictsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DhConflictsWindow, list);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dh_conflicts_window_init (DhConflictsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

DhConflictsWindow *
dh_conflicts_window_new (DhContext *context)
{
  DhConflictsWindow *self = g_object_new (DH_TYPE_CONFLICTS_WINDOW, NULL);

  self->context = g_object_ref (context);
  refresh (self);
  return self;
}

/* How many are listed, to settle. */
guint
dh_conflicts_window_get_count (DhConflictsWindow *self)
{
  g_return_val_if_fail (DH_IS_CONFLICTS_WINDOW (self), 0);

  return self->conflicts != NULL ? self->conflicts->len : 0;
}
