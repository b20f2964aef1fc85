/* dh-import-dialog.c – the commune's list imported: every row and its problems shown before anything is written */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-import-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-import-dialog.h"

/* ---- one line of the preview -------------------------------------------- */


#define DH_TYPE_IMPORT_LINE (dh_import_line_get_type ())
G_DECLARE_FINAL_TYPE (DhImportLine, dh_import_line, DH, IMPORT_LINE, GObject)

struct _DhImportLine
{
  GObject   parent_instance;

  guint            line;
  DhImportRowKind  kind;
  char            *text;
};

G_DEFINE_FINAL_TYPE (DhImportLine, dh_import_line, G_TYPE_OBJECT)

static void
dh_import_line_finalize (GObject *object)
{
  g_free (DH_IMPORT_LINE (object)->text);

  G_OBJECT_CLASS (dh_import_line_parent_class)->finalize (object);
}

static void
dh_import_line_class_init (DhImportLineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dh_import_line_finalize;
}

static void
dh_import_line_init (DhImportLine *self)
{
}

static DhImportLine *
dh_import_line_new (guint            line,
                    DhImportRowKind  kind,
                    const char      *text)
{
  DhImportLine *self = g_object_new (DH_TYPE_IMPORT_LINE, NULL);

  self->line = line;
  self->kind = kind;
  self->text = g_strdup (text);

  return self;
}

/* ---- the dialog --------------------------------------------------------- */

struct _DhImportDialog
{
  AdwWindow       parent_instance;

  GtkStack       *stack;
  GtkLabel       *working_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *summary_label;
  GtkListView    *rows_view;

  DhContext      *context;
  GListStore     *rows;
  GCancellable   *cancellable;
  DhImportReport  report;
  char           *path;
  char           *summary;
  gboolean        members;
  gboolean        checked;     /* the report is of a dry run of path */
};

G_DEFINE_FINAL_TYPE (DhImportDialog, dh_import_dialog, ADW_TYPE_WINDOW)

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_actions (DhImportDialog *self)
{
  const char *state = gtk_stack_get_visible_child_name (self->stack);
  gboolean can_import = self->checked && g_str_equal (state, "preview")
                        && self->report.bad == 0 && self->report.created + self->report.updated > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.run", can_import);
}

static void
set_state (DhImportDialog *self,
           const char     *state)
{
  gtk_stack_set_visible_child_name (self->stack, state);
  update_actions (self);
}

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  DhImportDialog *self = user_data;

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, (double) done / (double) total);
}

static int
compare_lines (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const DhImportLine *first = a, *second = b;

  if (first->line != second->line)
    return first->line < second->line ? -1 : 1;
  return (int) first->kind - (int) second->kind;
}

static void
add_lines (DhImportDialog *self,
           GPtrArray      *notes)
{
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    {
      DhImportProblem *note = g_ptr_array_index (notes, i);
      g_autoptr(DhImportLine) line = dh_import_line_new (note->line, note->kind, note->message);

      g_list_store_append (self->rows, line);
    }
}

/* Every row of the file, in its order: its problems, or what becomes of it. */
static void
show_report (DhImportDialog *self)
{
  DhImportReport *report = &self->report;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GPtrArray) problem_lines = g_ptr_array_new ();

  g_list_store_remove_all (self->rows);
  add_lines (self, report->problems);
  add_lines (self, report->rows);
  g_list_store_sort (self->rows, compare_lines, NULL);

  g_string_append_printf (summary,
                          g_dngettext (GETTEXT_PACKAGE, "%u row: ", "%u rows: ", report->good + report->bad),
                          report->good + report->bad);
  g_string_append_printf (summary,
                          /* Translators: how many rows make new records, update some, change nothing, have problems */
                          _("%u new, %u updated, %u unchanged, %u with problems."),
                          report->created, report->updated, report->unchanged, report->bad);
  for (guint i = 0; report->warnings != NULL && i < report->warnings->len; i++)
    {
      DhImportProblem *warning = g_ptr_array_index (report->warnings, i);

      g_string_append_printf (summary, "\n%s", warning->message);
    }
  if (report->bad > 0)
    g_string_append_printf (summary, "\n%s",
                            _("Nothing is written while a row has a problem. Correct the rows shown in red in "
                              "the spreadsheet, save it, and choose the file again."));
  else if (report->created + report->updated == 0)
    g_string_append_printf (summary, "\n%s", _("The store already has every row of this list as it is."));
  else
    g_string_append_printf (summary, "\n%s", _("Nothing has been written yet. Import writes all the rows, or none."));

  g_free (self->summary);
  self->summary = g_string_free (g_steal_pointer (&summary), FALSE);
  gtk_label_set_label (self->summary_label, self->summary);
  set_state (self, "preview");
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DhImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  dh_import_report_clear (&self->report);
  if (!dh_store_import_households_finish (DH_STORE (source), result, &self->report, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, "choose");
      return;
    }

  /* a file that is not such a list says so as its only problem */
  self->checked = TRUE;
  if (error != NULL && self->report.problems != NULL && self->report.problems->len == 0)
    {
      g_autoptr(DhImportLine) line = dh_import_line_new (0, DH_IMPORT_ROW_PROBLEM, error->message);

      show_report (self);
      g_list_store_append (self->rows, line);
      return;
    }
  show_report (self);
}

/**
 * dh_import_dialog_check_file:
 * @members: the file lists members, not households
 *
 * Reads and checks every row of @path without writing anything, then shows
 * them: what each row makes or changes, or its problems.
 */
void
dh_import_dialog_check_file (DhImportDialog *self,
                             const char     *path,
                             gboolean        members)
{
  DhStore *store;

  g_return_if_fail (DH_IS_IMPORT_DIALOG (self));
  g_return_if_fail (path != NULL);

  store = dh_context_get_store (self->context);
  g_free (self->path);
  self->path = g_strdup (path);
  self->members = members;
  self->checked = FALSE;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_label_set_label (self->working_label, _("Checking every row…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  set_state (self, "working");

  if (members)
    dh_store_import_members_async (store, path, TRUE, on_progress, self, self->cancellable,
                                   check_done, g_object_ref (self));
  else
    dh_store_import_households_async (store, path, TRUE, on_progress, self, self->cancellable,
                                      check_done, g_object_ref (self));
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DhImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *done = NULL;

  dh_import_report_clear (&self->report);
  if (!dh_store_import_households_finish (DH_STORE (source), result, &self->report, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* nothing was written: check the file again to show where it stands */
          dh_import_dialog_check_file (self, self->path, self->members);
          return;
        }
      /* the store changed since the check: show what it says now */
      self->checked = TRUE;
      show_report (self);
      if (self->report.problems->len == 0)
        {
          g_autoptr(DhImportLine) line = dh_import_line_new (0, DH_IMPORT_ROW_PROBLEM, error->message);

          g_list_store_insert (self->rows, 0, line);
        }
      return;
    }

  done = g_strdup_printf (_("Imported: %u new, %u updated, %u unchanged."),
                          self->report.created, self->report.updated, self->report.unchanged);
  g_signal_emit (self, signals[IMPORTED], 0, done);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DhImportDialog *self = DH_IMPORT_DIALOG (widget);
  DhStore *store = dh_context_get_store (self->context);

  if (!self->checked || self->report.bad > 0)
    return;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_label_set_label (self->working_label, _("Importing…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  self->checked = FALSE;
  set_state (self, "working");

  if (self->members)
    dh_store_import_members_async (store, self->path, FALSE, on_progress, self, self->cancellable,
                                   import_done, g_object_ref (self));
  else
    dh_store_import_households_async (store, self->path, FALSE, on_progress, self, self->cancellable,
                                      import_done, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DhImportDialog *self = DH_IMPORT_DIALOG (widget);

  /* work under way stops, and nothing of it is written; otherwise close */
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "working"))
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
choose_response (GtkNativeDialog *dialog,
                 int              response,
                 gpointer         user_data)
{
  g_autoptr(DhImportDialog) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  gboolean members = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "dh-members"));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);

  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    dh_import_dialog_check_file (self, path, members);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DhImportDialog *self = DH_IMPORT_DIALOG (widget);
  gboolean members = g_variant_get_boolean (parameter);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (members ? _("Choose a List of Members") : _("Choose a List of Households"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Check"), _("_Cancel"));
  gtk_file_filter_set_name (csv, _("Lists saved as CSV"));
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  g_object_set_data (G_OBJECT (chooser), "dh-members", GINT_TO_POINTER (members));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (choose_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
factory_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (number), 1);
  gtk_label_set_width_chars (GTK_LABEL (number), 8);
  gtk_widget_set_valign (number, GTK_ALIGN_START);
  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_add_css_class (number, "numeric");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
factory_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  DhImportLine *line = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *number = gtk_widget_get_next_sibling (icon);
  GtkWidget *text = gtk_widget_get_next_sibling (number);
  g_autofree char *where = line->line > 0
    /* Translators: a line of the file */
    ? g_strdup_printf (_("line %u"), line->line)
    : g_strdup (_("the file"));
  const char *icon_name = "object-select-symbolic";
  const char *words = _("Unchanged");

  switch (line->kind)
    {
    case DH_IMPORT_ROW_PROBLEM:
      icon_name = "dialog-warning-symbolic";
      words = _("Problem");
      break;
    case DH_IMPORT_ROW_NEW:
      icon_name = "list-add-symbolic";
      words = _("New");
      break;
    case DH_IMPORT_ROW_UPDATE:
      icon_name = "document-edit-symbolic";
      words = _("Update");
      break;
    case DH_IMPORT_ROW_UNCHANGED:
    default:
      break;
    }

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, words, -1);
  gtk_label_set_label (GTK_LABEL (number), where);
  gtk_label_set_label (GTK_LABEL (text), line->text);
  if (line->kind == DH_IMPORT_ROW_PROBLEM)
    gtk_widget_add_css_class (text, "error");
  else
    gtk_widget_remove_css_class (text, "error");
}

static void
dh_import_dialog_dispose (GObject *object)
{
  DhImportDialog *self = DH_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->rows);
  dh_import_report_clear (&self->report);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->summary, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_IMPORT_DIALOG);

  G_OBJECT_CLASS (dh_import_dialog_parent_class)->dispose (object);
}

static void
dh_import_dialog_class_init (DhImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_import_dialog_dispose;

  /**
   * DhImportDialog::imported:
   * @summary: what the import did, in words for a toast
   *
   * The list was written; the dialog closes.
   */
  signals[IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, DhImportDialog, working_label);
  gtk_widget_class_bind_template_child (widget_class, DhImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DhImportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, DhImportDialog, rows_view);

  gtk_widget_class_install_action (widget_class, "import.choose", "b", choose_action);
  gtk_widget_class_install_action (widget_class, "import.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "import.cancel", NULL);
}

static void
dh_import_dialog_init (DhImportDialog *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_list_store_new (DH_TYPE_IMPORT_LINE);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_list_view_set_model (self->rows_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind), self);
  gtk_list_view_set_factory (self->rows_view, factory);

  gtk_stack_set_visible_child_name (self->stack, "choose");
  update_actions (self);
}

DhImportDialog *
dh_import_dialog_new (DhContext *context)
{
  DhImportDialog *self;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);

  self = g_object_new (DH_TYPE_IMPORT_DIALOG, NULL);
  self->context = g_object_ref (context);

  return self;
}

/* "choose", "working" or "preview" (for tests). */
const char *
dh_import_dialog_get_state (DhImportDialog *self)
{
  g_return_val_if_fail (DH_IS_IMPORT_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const DhImportReport *
dh_import_dialog_get_report (DhImportDialog *self)
{
  g_return_val_if_fail (DH_IS_IMPORT_DIALOG (self), NULL);

  return &self->report;
}

/* The lines of the preview: each row's problems or what becomes of it. */
GListModel *
dh_import_dialog_get_rows (DhImportDialog *self)
{
  g_return_val_if_fail (DH_IS_IMPORT_DIALOG (self), NULL);

  return G_LIST_MODEL (self->rows);
}

const char *
dh_import_dialog_get_summary (DhImportDialog *self)
{
  g_return_val_if_fail (DH_IS_IMPORT_DIALOG (self), NULL);

  return self->summary;
}
