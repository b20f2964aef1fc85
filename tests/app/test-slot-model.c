/* test-slot-model.c – the slots a search's results are shown through: they stay while what they hold changes, and follow a few at a time */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-slot-model.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint emitted;
} Change;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->emitted++;
}

static void
on_notify_item (DhSlot     *slot,
                GParamSpec *pspec,
                guint      *notified)
{
  (*notified)++;
}

static GPtrArray *
items_of (guint n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_object_new (G_TYPE_OBJECT, NULL));
  return items;
}

static GListStore *
store_of (guint n)
{
  g_autoptr(GPtrArray) items = items_of (n);
  GListStore *store = g_list_store_new (G_TYPE_OBJECT);

  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return store;
}

/* The slot at POSITION; the model keeps it. */
static DhSlot *
slot_at (DhSlotModel *slots,
         guint        position)
{
  g_autoptr(DhSlot) slot = g_list_model_get_item (G_LIST_MODEL (slots), position);

  return slot;
}

static gboolean
slot_holds (DhSlotModel *slots,
            GListModel  *model,
            guint        position)
{
  g_autoptr(GObject) item = g_list_model_get_item (model, position);

  return dh_slot_get_item (slot_at (slots, position)) == item;
}

static void
assert_slots_hold (DhSlotModel *slots,
                   GListModel  *model)
{
  g_assert_false (dh_slot_model_get_behind (slots));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_assert_true (slot_holds (slots, model, i));
}

/* Items replaced one for one: the same slots, holding the new items, and
 * no items-changed, so that a list view binds the rows it has again. */
static void
test_replaced_items_keep_their_slots (void)
{
  g_autoptr(GListStore) store = store_of (4);
  g_autoptr(DhSlotModel) slots = dh_slot_model_new (G_LIST_MODEL (store));
  g_autoptr(GPtrArray) others = items_of (2);
  DhSlot *before[4];
  Change change = { 0 };
  guint notified = 0;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (slots)) == DH_TYPE_SLOT);
  g_assert_false (dh_slot_model_catch_up (slots, 0, 100));
  assert_slots_hold (slots, G_LIST_MODEL (store));
  for (guint i = 0; i < 4; i++)
    {
      before[i] = slot_at (slots, i);
      g_signal_connect (before[i], "notify::item", G_CALLBACK (on_notify_item), &notified);
    }
  g_signal_connect (slots, "items-changed", G_CALLBACK (on_items_changed), &change);

  g_list_store_splice (G_LIST_STORE (store), 1, 2, others->pdata, 2);
  g_assert_true (dh_slot_model_get_behind (slots));
  g_assert_false (dh_slot_model_catch_up (slots, 0, 100));

  g_assert_cmpuint (change.emitted, ==, 0);
  g_assert_cmpuint (notified, ==, 2);
  for (guint i = 0; i < 4; i++)
    g_assert_true (slot_at (slots, i) == before[i]);
  assert_slots_hold (slots, G_LIST_MODEL (store));

  g_signal_handlers_disconnect_by_data (slots, &change);
  for (guint i = 0; i < 4; i++)
    g_signal_handlers_disconnect_by_data (before[i], &notified);
  g_clear_object (&store);
  g_assert_finalize_object (g_steal_pointer (&slots));
}

/* A budget at a time, the slots in view first, then those before them,
 * then those added at the end; the slots of items gone are removed at
 * once, as the model loses them. */
static void
test_slots_catch_up_a_budget_at_a_time (void)
{
  g_autoptr(GListStore) store = store_of (5);
  g_autoptr(DhSlotModel) slots = dh_slot_model_new (G_LIST_MODEL (store));
  g_autoptr(GPtrArray) others = items_of (5);
  Change change = { 0 };

  g_signal_connect (slots, "items-changed", G_CALLBACK (on_items_changed), &change);

  /* empty until it catches up: three slots, then the last two */
  g_assert_true (dh_slot_model_get_behind (slots));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 0);
  g_assert_true (dh_slot_model_catch_up (slots, 0, 3));
  g_assert_cmpuint (change.emitted, ==, 1);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.added, ==, 3);
  g_assert_false (dh_slot_model_catch_up (slots, 0, 3));
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.added, ==, 2);
  assert_slots_hold (slots, G_LIST_MODEL (store));

  /* all five replaced, the view on the fourth: the fourth and fifth first,
   * then the first */
  g_list_store_splice (store, 0, 5, others->pdata, 5);
  g_assert_true (dh_slot_model_catch_up (slots, 3, 3));
  g_assert_true (slot_holds (slots, G_LIST_MODEL (store), 3));
  g_assert_true (slot_holds (slots, G_LIST_MODEL (store), 4));
  g_assert_true (slot_holds (slots, G_LIST_MODEL (store), 0));
  g_assert_false (slot_holds (slots, G_LIST_MODEL (store), 1));
  g_assert_false (dh_slot_model_catch_up (slots, 3, 3));
  assert_slots_hold (slots, G_LIST_MODEL (store));
  g_assert_cmpuint (change.emitted, ==, 2);

  /* three fewer: removed at the end at once, with no catching up (a view
   * not shown never catches up), then the budget spent on the slot that
   * holds another item */
  g_list_store_splice (store, 1, 3, NULL, 0);
  g_assert_cmpuint (change.emitted, ==, 3);
  g_assert_cmpuint (change.position, ==, 2);
  g_assert_cmpuint (change.removed, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 2);
  g_assert_true (dh_slot_model_get_behind (slots));
  g_assert_false (dh_slot_model_catch_up (slots, 0, 2));
  g_assert_cmpuint (change.emitted, ==, 3);
  assert_slots_hold (slots, G_LIST_MODEL (store));

  /* all gone: no slot left, nothing behind after the catching up */
  g_list_store_remove_all (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 0);
  g_assert_false (dh_slot_model_catch_up (slots, 0, 2));

  g_signal_handlers_disconnect_by_data (slots, &change);
  g_clear_object (&store);
  g_assert_finalize_object (g_steal_pointer (&slots));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/slot-model/replaced-items-keep-their-slots", test_replaced_items_keep_their_slots);
  g_test_add_func ("/app/slot-model/slots-catch-up-a-budget-at-a-time", test_slots_catch_up_a_budget_at_a_time);

  return g_test_run ();
}
