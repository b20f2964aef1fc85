/* dh-reports-window.c – a commune's figures for its officials: villages, support, households due a visit */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-reports-window"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-report-table.h"
#include "dh-reports-window.h"
#include "dh-store.h"
#include "dh-sync-settings.h"
#include "dh-window.h"

/* The three reports of donghanh-cli report, as the same tables of words
 * (dh-report-table.c), each read off the main thread; a household due a
 * visit opens its card in the main window. */
struct _DhReportsWindow
{
  AdwWindow     parent_instance;

  GtkDropDown  *commune_choice;
  AdwViewStack *stack;
  GtkLabel     *villages_title;
  GtkGrid      *villages_grid;
  GtkSpinButton *year;
  GtkLabel     *support_title;
  GtkGrid      *support_grid;
  GtkSpinButton *days;
  GtkLabel     *overdue_title;
  GtkLabel     *overdue_empty;
  GtkListBox   *overdue_list;

  DhContext    *context;
  DhWindow     *window;         /* weak: the main window, where a card opens */
  GPtrArray    *communes;       /* char *: the ids, in the order of the choice */
  gboolean      places_changed; /* the communes are listed again with the reports */
  GCancellable *cancellables[DH_REPORT_OVERDUE + 1];  /* one a DhReportKind */
  guint         loading;        /* reports being read */
  guint         changed_source; /* reads again once the store's changes settle */
};

G_DEFINE_FINAL_TYPE (DhReportsWindow, dh_reports_window, ADW_TYPE_WINDOW)

static DhStore *
get_store (DhReportsWindow *self)
{
  return dh_context_get_store (self->context);
}

static const char *
chosen_commune (DhReportsWindow *self)
{
  guint chosen = gtk_drop_down_get_selected (self->commune_choice);

  return chosen < self->communes->len ? g_ptr_array_index (self->communes, chosen) : NULL;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
add_cell (GtkGrid    *grid,
          const char *text,
          int         column,
          int         row,
          gboolean    right,
          gboolean    strong)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), right ? 1.0f : 0.0f);
  if (right)
    gtk_widget_add_css_class (label, "numeric");
  if (strong)
    gtk_widget_add_css_class (label, "heading");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

/* A table in a grid: its heading and its total line in bold, numbers
 * aligned right, or what to say when it has no row. */
static void
show_table (GtkGrid             *grid,
            GtkLabel            *title,
            const DhReportTable *table)
{
  clear_grid (grid);
  gtk_label_set_text (title, table->title);
  if (table->rows->len == 0)
    {
      GtkWidget *empty = gtk_label_new (table->empty);

      gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
      gtk_label_set_xalign (GTK_LABEL (empty), 0.0f);
      gtk_widget_add_css_class (empty, "dim-label");
      gtk_grid_attach (grid, empty, 0, 0, 1, 1);
      return;
    }

  for (guint c = 0; c < table->heading->len; c++)
    add_cell (grid, g_ptr_array_index (table->heading, c), (int) c, 0, (table->right & (1u << c)) != 0, TRUE);
  for (guint r = 0; r < table->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (table->rows, r);
      gboolean total = table->has_total && r + 1 == table->rows->len;

      for (guint c = 0; c < row->len; c++)
        add_cell (grid, g_ptr_array_index (row, c), (int) c, (int) r + 1, (table->right & (1u << c)) != 0, total);
    }
}

/* A report that could not be read says why, and shows nothing older. */
static void
show_error (GtkLabel     *title,
            GtkGrid      *grid,
            const GError *error)
{
  gtk_label_set_text (title, error->message);
  if (grid != NULL)
    clear_grid (grid);
}

static void
done_loading (DhReportsWindow *self)
{
  g_assert (self->loading > 0);
  self->loading--;
}

/* The table a read of the villages' or the support's report gave, in its
 * grid under its title, or why there is none */
static void
show_grid_read (DhReportsWindow *self,
                GObject         *source,
                GAsyncResult    *result,
                GtkLabel        *title,
                GtkGrid         *grid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhReportTable) table = dh_report_table_read_finish (DH_STORE (source), result, &error);

  done_loading (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (table == NULL)
    show_error (title, grid, error);
  else
    show_table (grid, title, table);
}

static void
villages_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DhReportsWindow) self = user_data;

  show_grid_read (self, source, result, self->villages_title, self->villages_grid);
}

static void
support_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DhReportsWindow) self = user_data;

  show_grid_read (self, source, result, self->support_title, self->support_grid);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
overdue_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DhReportsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DhReportTable) table = dh_report_table_read_finish (DH_STORE (source), result, &error);

  done_loading (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  clear_list (self->overdue_list);
  if (table == NULL)
    {
      show_error (self->overdue_title, NULL, error);
      gtk_widget_set_visible (GTK_WIDGET (self->overdue_empty), FALSE);
      return;
    }

  gtk_label_set_text (self->overdue_title, table->title);
  gtk_label_set_text (self->overdue_empty, table->empty);
  gtk_widget_set_visible (GTK_WIDGET (self->overdue_empty), table->rows->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->overdue_list), table->rows->len > 0);

  /* a row a household: its head, then its village, class, last visit and why */
  for (guint r = 0; r < table->rows->len; r++)
    {
      GPtrArray *cells = g_ptr_array_index (table->rows, r);
      g_autoptr(GString) subtitle = g_string_new (NULL);
      GtkWidget *row = adw_action_row_new ();

      /* a household never visited has no last visit: nothing to say of it */
      for (guint c = 1; c < cells->len; c++)
        {
          const char *cell = g_ptr_array_index (cells, c);

          if (cell == NULL || cell[0] == '\0' || g_str_equal (cell, "—"))
            continue;
          if (subtitle->len > 0)
            g_string_append (subtitle, " · ");
          g_string_append (subtitle, cell);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (cells, 0));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "household", g_strdup (g_ptr_array_index (table->ids, r)), g_free);
      gtk_list_box_append (self->overdue_list, row);
    }
}

/* Reads the report KIND again, the one before it still reading left; the
 * report and the names it shows are read in a worker. */
static void
read_report (DhReportsWindow *self,
             DhReportKind     kind)
{
  static const GAsyncReadyCallback read_cbs[] = {
    [DH_REPORT_VILLAGES] = villages_read_cb,
    [DH_REPORT_SUPPORT] = support_read_cb,
    [DH_REPORT_OVERDUE] = overdue_read_cb,
  };
  const char *commune = chosen_commune (self);
  int number = kind == DH_REPORT_SUPPORT ? gtk_spin_button_get_value_as_int (self->year)
             : kind == DH_REPORT_OVERDUE ? gtk_spin_button_get_value_as_int (self->days)
             : 0;

  if (commune == NULL)
    return;
  g_cancellable_cancel (self->cancellables[kind]);
  g_clear_object (&self->cancellables[kind]);
  self->cancellables[kind] = g_cancellable_new ();
  self->loading++;
  dh_report_table_read_async (get_store (self), kind, commune, (guint) number, self->cancellables[kind],
                              read_cbs[kind], g_object_ref (self));
}

static void
read_all (DhReportsWindow *self)
{
  for (DhReportKind kind = DH_REPORT_VILLAGES; kind <= DH_REPORT_OVERDUE; kind++)
    read_report (self, kind);
}

static void
on_commune_chosen (DhReportsWindow *self)
{
  read_all (self);
}

static void
on_year_changed (DhReportsWindow *self)
{
  read_report (self, DH_REPORT_SUPPORT);
}

static void
on_days_changed (DhReportsWindow *self)
{
  read_report (self, DH_REPORT_OVERDUE);
}

static void fill_communes (DhReportsWindow *self);

/* A sync lands page after page, an import row after row: the reports are
 * read again once the changes pause. */
#define READ_AGAIN_AFTER_MS 400

static gboolean
read_again (gpointer user_data)
{
  DhReportsWindow *self = user_data;

  self->changed_source = 0;
  if (self->places_changed)
    fill_communes (self);
  read_all (self);
  return G_SOURCE_REMOVE;
}

static void
on_store_changed (DhReportsWindow *self,
                  const char      *entity)
{
  static const char * const counted[] = { "admin_unit", "household", "visit", "support", "assessment", NULL };

  if (!g_strv_contains (counted, entity))
    return;
  self->places_changed = self->places_changed || g_str_equal (entity, "admin_unit");
  g_clear_handle_id (&self->changed_source, g_source_remove);
  self->changed_source = g_timeout_add (READ_AGAIN_AFTER_MS, read_again, self);
}

/* A household due a visit: its card, in the main window. */
static void
on_overdue_activated (DhReportsWindow *self,
                      GtkListBoxRow   *row)
{
  const char *household = g_object_get_data (G_OBJECT (row), "household");

  if (household == NULL || self->window == NULL)
    return;
  if (dh_window_show_household (self->window, household))
    gtk_window_present (GTK_WINDOW (self->window));
}

static void
say_on_every_page (DhReportsWindow *self,
                   const char      *words)
{
  gtk_label_set_text (self->villages_title, words);
  gtk_label_set_text (self->support_title, words);
  gtk_label_set_text (self->overdue_title, words);
}

/* How well a commune fits being shown first: the one chosen before,
 * else this device's own, else one with households. */
static int
rank_commune (const char     *id,
              const char     *before,
              DhSyncSettings *settings,
              GPtrArray      *with_households)
{
  if (g_strcmp0 (before, id) == 0)
    return 3;
  if (before == NULL && settings != NULL && g_strcmp0 (settings->commune_id, id) == 0)
    return 2;
  return with_households != NULL && g_ptr_array_find_with_equal_func (with_households, id, g_str_equal, NULL) ? 1 : 0;
}

/* The communes of the store, by name, one chosen (rank_commune()). */
static void
fill_communes (DhReportsWindow *self)
{
  DhQuery query = { .entity = "commune", .sort = DH_SORT_FULL_NAME, .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) communes = dh_store_list (get_store (self), &query, &error);
  g_autoptr(GPtrArray) with_households = dh_store_list_values (get_store (self), "household", "commune", NULL);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(DhSyncSettings) settings = dh_sync_settings_load (get_store (self));
  g_autofree char *before = g_strdup (chosen_commune (self));
  guint chosen = 0;
  int best = -1;

  self->places_changed = FALSE;
  if (communes == NULL)
    {
      say_on_every_page (self, error->message);
      return;
    }
  g_ptr_array_set_size (self->communes, 0);
  for (guint i = 0; i < communes->len; i++)
    {
      json_object *commune = g_ptr_array_index (communes, i);
      const char *id = dh_json_get_string (commune, "id");
      int rank = rank_commune (id, before, settings, with_households);

      gtk_string_list_append (names, dh_json_get_string (commune, "name"));
      g_ptr_array_add (self->communes, g_strdup (id));
      if (rank > best)
        {
          best = rank;
          chosen = i;
        }
    }
  g_signal_handlers_block_by_func (self->commune_choice, on_commune_chosen, self);
  gtk_drop_down_set_model (self->commune_choice, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->commune_choice, chosen);
  g_signal_handlers_unblock_by_func (self->commune_choice, on_commune_chosen, self);
  gtk_widget_set_visible (GTK_WIDGET (self->commune_choice), communes->len > 1);
  if (communes->len == 0)
    say_on_every_page (self, _("This store has no commune yet: sign in and sync, or import the commune’s list."));
}

static void
dh_reports_window_dispose (GObject *object)
{
  DhReportsWindow *self = DH_REPORTS_WINDOW (object);

  g_clear_handle_id (&self->changed_source, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->cancellables); i++)
    {
      g_cancellable_cancel (self->cancellables[i]);
      g_clear_object (&self->cancellables[i]);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), DH_TYPE_REPORTS_WINDOW);

  G_OBJECT_CLASS (dh_reports_window_parent_class)->dispose (object);
}

static void
dh_reports_window_finalize (GObject *object)
{
  DhReportsWindow *self = DH_REPORTS_WINDOW (object);

  g_clear_object (&self->context);
  g_clear_weak_pointer (&self->window);
  g_clear_pointer (&self->communes, g_ptr_array_unref);

  G_OBJECT_CLASS (dh_reports_window_parent_class)->finalize (object);
}

static void
dh_reports_window_class_init (DhReportsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_reports_window_dispose;
  object_class->finalize = dh_reports_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/donghanh/DongHanh/dh-reports-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, commune_choice);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, villages_title);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, villages_grid);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, year);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, support_title);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, support_grid);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, days);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, overdue_title);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, overdue_empty);
  gtk_widget_class_bind_template_child (widget_class, DhReportsWindow, overdue_list);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dh_reports_window_init (DhReportsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->communes = g_ptr_array_new_with_free_func (g_free);
}

/**
 * dh_reports_window_new:
 *
 * The reports of the store's communes; a household due a visit opens
 * its card in WINDOW.
 */
DhReportsWindow *
dh_reports_window_new (DhContext *context,
                       DhWindow  *window)
{
  DhReportsWindow *self = g_object_new (DH_TYPE_REPORTS_WINDOW, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->context = g_object_ref (context);
  g_set_weak_pointer (&self->window, window);
  gtk_spin_button_set_value (self->year, g_date_time_get_year (now));
  gtk_spin_button_set_value (self->days, g_settings_get_uint (dh_context_get_settings (context), "visit-interval-days"));
  fill_communes (self);

  g_signal_connect_swapped (self->commune_choice, "notify::selected", G_CALLBACK (on_commune_chosen), self);
  g_signal_connect_swapped (self->year, "value-changed", G_CALLBACK (on_year_changed), self);
  g_signal_connect_swapped (self->days, "value-changed", G_CALLBACK (on_days_changed), self);
  g_signal_connect_swapped (self->overdue_list, "row-activated", G_CALLBACK (on_overdue_activated), self);
  g_signal_connect_object (dh_context_get_store (context), "changed", G_CALLBACK (on_store_changed), self, G_CONNECT_SWAPPED);
  read_all (self);

  return self;
}

/* Whether a report is still being read, or about to be (the tests wait
 * for them). */
gboolean
dh_reports_window_is_loading (DhReportsWindow *self)
{
  g_return_val_if_fail (DH_IS_REPORTS_WINDOW (self), FALSE);
  return self->loading > 0 || self->changed_source != 0;
}
