/* dh-card-row.c – a row of the household card: a title, words under it, and buttons at its end */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-card-row"

#include "config.h"

#include "dh-card-row.h"

/* The card's rows say things at length (a visit's notes, a place's full
 * name), so their words wrap. libadwaita's AdwActionRow lays its title
 * and subtitle out in a horizontal box with its buttons, and GTK 4.8's
 * box, given a width, looks for the height at which its children fit by
 * halving, each step asking every wrapped label for its width at a height,
 * itself found by halving: a card of thirty rows shaped its words some
 * thousands of times in the frame it opened (bench-app). A DhCardRow lays
 * out its own three parts: the icon and the buttons take their natural
 * width, the words the rest, and the words' height is asked for once. */

#define SPACING 12
/* How many letters fit on a line in the card's narrowest window (360
 * pixels), beside buttons or not: the subtitle's small ones, the title's. */
#define ONE_LINE_CHARS          44
#define ONE_LINE_CHARS_BUTTONS  30
#define TITLE_LINE_CHARS         36
#define TITLE_LINE_CHARS_BUTTONS 24

struct _DhCardRow
{
  AdwPreferencesRow parent_instance;

  GtkWidget     *content;
  GtkImage      *icon;
  GtkWidget     *text_box;
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkWidget     *suffix_box;
  GtkWidget     *activatable_widget;
  GtkWidget     *list_box;   /* whose row-activated the row follows */
};

G_DEFINE_FINAL_TYPE (DhCardRow, dh_card_row, ADW_TYPE_PREFERENCES_ROW)

/* ---- the layout --------------------------------------------------------- */

#define DH_TYPE_CARD_ROW_LAYOUT (dh_card_row_layout_get_type ())
G_DECLARE_FINAL_TYPE (DhCardRowLayout, dh_card_row_layout, DH, CARD_ROW_LAYOUT, GtkLayoutManager)

struct _DhCardRowLayout
{
  GtkLayoutManager parent_instance;
};

G_DEFINE_FINAL_TYPE (DhCardRowLayout, dh_card_row_layout, GTK_TYPE_LAYOUT_MANAGER)

/* The natural width of @part, or 0 when it does not show. */
static int
side_width (GtkWidget *part)
{
  int natural = 0;

  if (gtk_widget_should_layout (part))
    gtk_widget_measure (part, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  return natural;
}

/* What the icon and the buttons take of a row's width, with the spaces
 * between the parts. */
static int
sides_width (DhCardRow *row)
{
  int icon = side_width (GTK_WIDGET (row->icon));
  int suffix = side_width (row->suffix_box);

  return icon + (icon > 0 ? SPACING : 0) + suffix + (suffix > 0 ? SPACING : 0);
}

static GtkSizeRequestMode
dh_card_row_layout_get_request_mode (GtkLayoutManager *manager,
                                     GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
dh_card_row_layout_measure (GtkLayoutManager *manager,
                            GtkWidget        *widget,
                            GtkOrientation    orientation,
                            int               for_size,
                            int              *minimum,
                            int              *natural,
                            int              *minimum_baseline,
                            int              *natural_baseline)
{
  DhCardRow *row = DH_CARD_ROW (gtk_widget_get_parent (widget));
  int sides = sides_width (row);
  int text_min = 0, text_nat = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      gtk_widget_measure (row->text_box, GTK_ORIENTATION_HORIZONTAL, -1, &text_min, &text_nat, NULL, NULL);
      *minimum = text_min + sides;
      *natural = text_nat + sides;
      return;
    }

  /* the words' height at the width left to them, asked once */
  {
    GtkWidget *sides_of[] = { GTK_WIDGET (row->icon), row->suffix_box };
    int text_width = -1;

    if (for_size >= 0)
      {
        gtk_widget_measure (row->text_box, GTK_ORIENTATION_HORIZONTAL, -1, &text_min, NULL, NULL, NULL);
        text_width = MAX (text_min, for_size - sides);
      }
    gtk_widget_measure (row->text_box, GTK_ORIENTATION_VERTICAL, text_width, minimum, natural, NULL, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (sides_of); i++)
      if (gtk_widget_should_layout (sides_of[i]))
        {
          int side_min, side_nat;

          gtk_widget_measure (sides_of[i], GTK_ORIENTATION_VERTICAL, -1, &side_min, &side_nat, NULL, NULL);
          *minimum = MAX (*minimum, side_min);
          *natural = MAX (*natural, side_nat);
        }
  }
}

/* Gives @part @width at @x, its own height centred in @height. */
static void
place (GtkWidget *part,
       int        x,
       int        width,
       int        height)
{
  int natural;

  gtk_widget_measure (part, GTK_ORIENTATION_VERTICAL, width, NULL, &natural, NULL, NULL);
  natural = MIN (natural, height);
  gtk_widget_size_allocate (part, &(GtkAllocation) { x, (height - natural) / 2, width, natural }, -1);
}

static void
dh_card_row_layout_allocate (GtkLayoutManager *manager,
                             GtkWidget        *widget,
                             int               width,
                             int               height,
                             int               baseline)
{
  DhCardRow *row = DH_CARD_ROW (gtk_widget_get_parent (widget));
  int icon = side_width (GTK_WIDGET (row->icon));
  int suffix = side_width (row->suffix_box);
  int x = 0;
  int text_width;

  if (icon > 0)
    {
      place (GTK_WIDGET (row->icon), 0, icon, height);
      x = icon + SPACING;
    }
  text_width = MAX (0, width - x - (suffix > 0 ? suffix + SPACING : 0));
  place (row->text_box, x, text_width, height);
  if (suffix > 0)
    place (row->suffix_box, width - suffix, suffix, height);
}

static void
dh_card_row_layout_class_init (DhCardRowLayoutClass *klass)
{
  GtkLayoutManagerClass *manager_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  manager_class->get_request_mode = dh_card_row_layout_get_request_mode;
  manager_class->measure = dh_card_row_layout_measure;
  manager_class->allocate = dh_card_row_layout_allocate;
}

static void
dh_card_row_layout_init (DhCardRowLayout *self)
{
}

/* ---- the row ------------------------------------------------------------ */

static void
on_row_activated (DhCardRow     *self,
                  GtkListBoxRow *row)
{
  if (row == GTK_LIST_BOX_ROW (self) && self->activatable_widget != NULL)
    gtk_widget_activate (self->activatable_widget);
}

/* A row is activated through its list, by a click or the keyboard, as
 * libadwaita's rows are. */
static void
dh_card_row_root (GtkWidget *widget)
{
  DhCardRow *self = DH_CARD_ROW (widget);
  GtkWidget *parent;

  GTK_WIDGET_CLASS (dh_card_row_parent_class)->root (widget);

  parent = gtk_widget_get_parent (widget);
  if (GTK_IS_LIST_BOX (parent))
    {
      self->list_box = parent;
      g_signal_connect_object (parent, "row-activated", G_CALLBACK (on_row_activated), self, G_CONNECT_SWAPPED);
    }
}

static void
dh_card_row_unroot (GtkWidget *widget)
{
  DhCardRow *self = DH_CARD_ROW (widget);

  if (self->list_box != NULL)
    g_signal_handlers_disconnect_by_func (self->list_box, on_row_activated, self);
  self->list_box = NULL;

  GTK_WIDGET_CLASS (dh_card_row_parent_class)->unroot (widget);
}

static void
dh_card_row_dispose (GObject *object)
{
  DhCardRow *self = DH_CARD_ROW (object);

  self->activatable_widget = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_CARD_ROW);

  G_OBJECT_CLASS (dh_card_row_parent_class)->dispose (object);
}

static void
dh_card_row_class_init (DhCardRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_card_row_dispose;
  widget_class->root = dh_card_row_root;
  widget_class->unroot = dh_card_row_unroot;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/donghanh/DongHanh/dh-card-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DhCardRow, icon);
  gtk_widget_class_bind_template_child (widget_class, DhCardRow, text_box);
  gtk_widget_class_bind_template_child (widget_class, DhCardRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, DhCardRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, DhCardRow, suffix_box);
}

static void
dh_card_row_init (DhCardRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* the row's child, which the row unparents itself (not bound for that) */
  self->content = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (self));
  /* the box's own layout would be the AdwActionRow's (see above) */
  gtk_widget_set_layout_manager (self->content, g_object_new (DH_TYPE_CARD_ROW_LAYOUT, NULL));
}

/* Words that fit on a line in the card's narrowest window are not wrapped
 * (and cut short with an ellipsis in a window narrower still), longer ones
 * wrap: a wrapped label is laid out again at every width asked of it, the
 * card's opening frame twice as long. */
static void
wrap_if_long (GtkLabel *label,
              guint     fits)
{
  gboolean wrap = g_utf8_strlen (gtk_label_get_label (label), -1) > fits;

  gtk_label_set_wrap (label, wrap);
  gtk_label_set_ellipsize (label, wrap ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
}

static void
choose_wrap (DhCardRow *self)
{
  gboolean buttons = gtk_widget_get_visible (self->suffix_box);

  wrap_if_long (self->title_label, buttons ? TITLE_LINE_CHARS_BUTTONS : TITLE_LINE_CHARS);
  wrap_if_long (self->subtitle_label, buttons ? ONE_LINE_CHARS_BUTTONS : ONE_LINE_CHARS);
}

/* A row saying @title, and @subtitle (nullable) under it. */
GtkWidget *
dh_card_row_new (const char *title,
                 const char *subtitle)
{
  DhCardRow *self = g_object_new (DH_TYPE_CARD_ROW, NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  gtk_label_set_label (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  if (subtitle != NULL && subtitle[0] != '\0')
    {
      gtk_label_set_label (self->subtitle_label, subtitle);
      gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle, -1);
    }
  choose_wrap (self);

  return GTK_WIDGET (self);
}

const char *
dh_card_row_get_title (DhCardRow *self)
{
  g_return_val_if_fail (DH_IS_CARD_ROW (self), NULL);

  return gtk_label_get_label (self->title_label);
}

/* The words under the title, or NULL. */
const char *
dh_card_row_get_subtitle (DhCardRow *self)
{
  g_return_val_if_fail (DH_IS_CARD_ROW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->subtitle_label)) ? gtk_label_get_label (self->subtitle_label) : NULL;
}

void
dh_card_row_set_icon_name (DhCardRow  *self,
                           const char *icon_name)
{
  g_return_if_fail (DH_IS_CARD_ROW (self));

  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->icon), icon_name != NULL);
}

/* Adds @widget (a button, a badge) at the row's end. */
void
dh_card_row_add_suffix (DhCardRow *self,
                        GtkWidget *widget)
{
  g_return_if_fail (DH_IS_CARD_ROW (self));

  gtk_box_append (GTK_BOX (self->suffix_box), widget);
  gtk_widget_set_visible (self->suffix_box, TRUE);
  choose_wrap (self);
}

/* The row activated activates @widget, one of its buttons. */
void
dh_card_row_set_activatable_widget (DhCardRow *self,
                                    GtkWidget *widget)
{
  g_return_if_fail (DH_IS_CARD_ROW (self));

  self->activatable_widget = widget;
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), widget != NULL);
}
