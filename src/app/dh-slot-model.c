/* dh-slot-model.c – a list model whose items stay while what they show changes, so that a list view binds its rows again rather than making new ones */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-slot-model"

#include "config.h"

#include "dh-slot-model.h"

/* GTK 4.8's list view keeps the row of an item only while the item stays
 * in the model: a row whose item is replaced is destroyed, and the new
 * item's row made from its template, styled and bound. A DhSlotModel
 * hands the view slots instead, one a position of the model it wraps:
 * an item replaced changes what its slot holds (notify::item), and its
 * row is bound again.
 *
 * The view keeps a row for up to 200 items, shown or not, and lays out
 * again in one frame every row whose words changed. So the slots follow
 * the model a few at a time (dh_slot_model_catch_up(), a frame's worth
 * each), from the first row in view: "behind" says when they lag. */

struct _DhSlot
{
  GObject  parent_instance;

  GObject *item;
};

enum {
  SLOT_PROP_0,
  SLOT_PROP_ITEM,
  SLOT_N_PROPS
};

static GParamSpec *slot_properties[SLOT_N_PROPS];

G_DEFINE_FINAL_TYPE (DhSlot, dh_slot, G_TYPE_OBJECT)

static void
dh_slot_dispose (GObject *object)
{
  DhSlot *self = DH_SLOT (object);

  g_clear_object (&self->item);

  G_OBJECT_CLASS (dh_slot_parent_class)->dispose (object);
}

static void
dh_slot_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  DhSlot *self = DH_SLOT (object);

  switch (prop_id)
    {
    case SLOT_PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_slot_class_init (DhSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dh_slot_dispose;
  object_class->get_property = dh_slot_get_property;

  /**
   * DhSlot:item:
   *
   * The item of the wrapped model at the slot's position.
   */
  slot_properties[SLOT_PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, SLOT_N_PROPS, slot_properties);
}

static void
dh_slot_init (DhSlot *self)
{
}

static DhSlot *
dh_slot_new (GObject *item)
{
  DhSlot *self = g_object_new (DH_TYPE_SLOT, NULL);

  self->item = item;
  return self;
}

static void
dh_slot_set_item (DhSlot  *self,
                  GObject *item)
{
  if (g_set_object (&self->item, item))
    g_object_notify_by_pspec (G_OBJECT (self), slot_properties[SLOT_PROP_ITEM]);
}

/**
 * dh_slot_get_item:
 *
 * Returns: (transfer none) (type GObject): what the slot holds
 */
gpointer
dh_slot_get_item (DhSlot *self)
{
  g_return_val_if_fail (DH_IS_SLOT (self), NULL);

  return self->item;
}

struct _DhSlotModel
{
  GObject     parent_instance;

  GListModel *model;
  GPtrArray  *slots;
  gboolean    behind;
};

enum {
  PROP_0,
  PROP_MODEL,
  PROP_BEHIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void dh_slot_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DhSlotModel, dh_slot_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, dh_slot_model_list_model_init))

static GType
dh_slot_model_get_item_type (GListModel *model)
{
  return DH_TYPE_SLOT;
}

static guint
dh_slot_model_get_n_items (GListModel *model)
{
  DhSlotModel *self = DH_SLOT_MODEL (model);

  return self->slots->len;
}

static gpointer
dh_slot_model_get_item (GListModel *model,
                        guint       position)
{
  DhSlotModel *self = DH_SLOT_MODEL (model);

  if (position >= self->slots->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->slots, position));
}

static void
dh_slot_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = dh_slot_model_get_item_type;
  iface->get_n_items = dh_slot_model_get_n_items;
  iface->get_item = dh_slot_model_get_item;
}

/* Removes the slots past the model's end. */
static void
drop_gone_slots (DhSlotModel *self)
{
  guint n_model = g_list_model_get_n_items (self->model);
  guint n_slots = self->slots->len;

  if (n_slots <= n_model)
    return;
  g_ptr_array_set_size (self->slots, n_model);
  g_list_model_items_changed (G_LIST_MODEL (self), n_model, n_slots - n_model, 0);
}

/* What the model no longer has goes at once, so that no row shows it, even
 * in a view not shown, which no catching up reaches (its tick callbacks
 * wait for it to be mapped); what it has changed waits for the catching up. */
static void
on_model_items_changed (DhSlotModel *self)
{
  drop_gone_slots (self);
  if (self->behind)
    return;
  self->behind = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEHIND]);
}

static void
dh_slot_model_constructed (GObject *object)
{
  DhSlotModel *self = DH_SLOT_MODEL (object);

  G_OBJECT_CLASS (dh_slot_model_parent_class)->constructed (object);

  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_model_items_changed),
                           self, G_CONNECT_SWAPPED);
  self->behind = g_list_model_get_n_items (self->model) > 0;
}

static void
dh_slot_model_dispose (GObject *object)
{
  DhSlotModel *self = DH_SLOT_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_ptr_array_set_size (self->slots, 0);

  G_OBJECT_CLASS (dh_slot_model_parent_class)->dispose (object);
}

static void
dh_slot_model_finalize (GObject *object)
{
  DhSlotModel *self = DH_SLOT_MODEL (object);

  g_ptr_array_unref (self->slots);

  G_OBJECT_CLASS (dh_slot_model_parent_class)->finalize (object);
}

static void
dh_slot_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DhSlotModel *self = DH_SLOT_MODEL (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;

    case PROP_BEHIND:
      g_value_set_boolean (value, self->behind);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_slot_model_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DhSlotModel *self = DH_SLOT_MODEL (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      self->model = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dh_slot_model_class_init (DhSlotModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dh_slot_model_constructed;
  object_class->dispose = dh_slot_model_dispose;
  object_class->finalize = dh_slot_model_finalize;
  object_class->get_property = dh_slot_model_get_property;
  object_class->set_property = dh_slot_model_set_property;

  /**
   * DhSlotModel:model:
   *
   * The model whose items the slots hold.
   */
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * DhSlotModel:behind:
   *
   * Whether the slots lag behind the model: dh_slot_model_catch_up() has
   * work to do.
   */
  properties[PROP_BEHIND] =
    g_param_spec_boolean ("behind", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dh_slot_model_init (DhSlotModel *self)
{
  self->slots = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * dh_slot_model_new:
 * @model: the model whose items the slots hold
 *
 * Returns: (transfer full): a model of one #DhSlot a position of @model,
 *   empty until it catches up with @model
 */
DhSlotModel *
dh_slot_model_new (GListModel *model)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  return g_object_new (DH_TYPE_SLOT_MODEL, "model", model, NULL);
}

/**
 * dh_slot_model_get_model:
 *
 * Returns: (transfer none): the model whose items the slots hold
 */
GListModel *
dh_slot_model_get_model (DhSlotModel *self)
{
  g_return_val_if_fail (DH_IS_SLOT_MODEL (self), NULL);

  return self->model;
}

/* Makes the slot at POSITION hold the model's item there; whether it
 * changed. */
static gboolean
catch_up_slot (DhSlotModel *self,
               guint        position)
{
  DhSlot *slot = g_ptr_array_index (self->slots, position);
  g_autoptr(GObject) item = g_list_model_get_item (self->model, position);

  if (slot->item == item)
    return FALSE;
  dh_slot_set_item (slot, item);
  return TRUE;
}

/**
 * dh_slot_model_catch_up:
 * @first: the first position shown, whose slots catch up first
 * @budget: how many slots may change what they hold or be added
 *
 * Brings the slots closer to the model: the slots the model no longer has
 * are removed from the end (at once, as the model loses them);
 * then, @budget of them at most, what the slots from @first on hold,
 * then those before it, then the slots the model has more, at the end.
 *
 * Returns: whether the slots still lag behind
 */
gboolean
dh_slot_model_catch_up (DhSlotModel *self,
                        guint        first,
                        guint        budget)
{
  guint n_model;
  guint n_slots;
  guint kept;

  g_return_val_if_fail (DH_IS_SLOT_MODEL (self), FALSE);

  drop_gone_slots (self);
  n_model = g_list_model_get_n_items (self->model);
  n_slots = self->slots->len;
  kept = MIN (n_model, n_slots);
  first = MIN (first, kept);

  for (guint i = first; i < kept && budget > 0; i++)
    if (catch_up_slot (self, i))
      budget--;
  for (guint i = 0; i < first && budget > 0; i++)
    if (catch_up_slot (self, i))
      budget--;

  if (n_slots < n_model && budget > 0)
    {
      guint added = MIN (budget, n_model - n_slots);

      for (guint i = n_slots; i < n_slots + added; i++)
        g_ptr_array_add (self->slots, dh_slot_new (g_list_model_get_item (self->model, i)));
      g_list_model_items_changed (G_LIST_MODEL (self), n_slots, 0, added);
      budget -= added;
    }

  /* what was left of the budget found nothing more to do */
  if (self->behind && budget > 0 && self->slots->len == n_model)
    {
      self->behind = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEHIND]);
    }

  return self->behind;
}

/* Whether the slots lag behind the model. */
gboolean
dh_slot_model_get_behind (DhSlotModel *self)
{
  g_return_val_if_fail (DH_IS_SLOT_MODEL (self), FALSE);

  return self->behind;
}
