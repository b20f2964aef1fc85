/* test-record-list.c – a list model pages through the store in SQL order */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-record-list.h"
#include "store-fixture.h"

static void
add_households (StoreFixture *fixture,
                guint         n,
                const char   *village)
{
  static const char * const given[] = { "An", "Bình", "Chi", "Dũng", "Đặng", "Hoa", "Lan", "Sơn", "Thắng", "Xuân" };
  static const char * const family[] = { "Nguyễn Văn", "Trần Thị", "Lò Văn", "Hoàng Thị", "Sùng A" };
  g_autoptr(GError) error = NULL;

  g_assert_true (dh_store_begin (fixture->store, &error));
  for (guint i = 0; i < n; i++)
    json_object_put (fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"%s %s\"}",
                                     village, family[i % G_N_ELEMENTS (family)], given[(i * 7) % G_N_ELEMENTS (given)]));
  g_assert_true (dh_store_commit (fixture->store, &error));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *calls)
{
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (removed, ==, calls[1]);
  g_assert_cmpuint (added, ==, calls[2]);
  calls[0]++;
}

static void
test_items_come_in_the_store_order (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  DhQuery query = { .entity = "household", .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) rows = NULL;

  add_households (fixture, 230, fixture->village);
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == DH_TYPE_RECORD);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 230);

  rows = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);

  /* read from the end backwards and at random, the way scrolling does */
  for (guint n = 0; n < 230; n++)
    {
      guint i = n < 115 ? 229 - n : (guint) g_test_rand_int_range (0, 230);
      g_autoptr(DhRecord) record = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_nonnull (record);
      g_assert_cmpstr (dh_record_get_entity (record), ==, "household");
      g_assert_cmpstr (dh_record_get_id (record), ==, dh_json_get_string (g_ptr_array_index (rows, i), "id"));
    }

  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 230));
  g_assert_finalize_object (g_steal_pointer (&list));
}

static void
test_memory_stays_bounded (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  guint n_items;

  add_households (fixture, 1200, fixture->village);
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_FULL_NAME, &error);
  g_assert_no_error (error);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n_items, ==, 1200);

  for (guint i = 0; i < n_items; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));

  /* 24 pages were read; only the last few are kept */
  g_assert_cmpuint (dh_record_list_get_n_cached_pages (list), <=, 16);
  g_assert_cmpuint (dh_record_list_get_n_cached_pages (list), >, 0);
}

static void
test_filters_and_places (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *filter = g_strdup_printf ("village=%s", fixture->other_village);
  const char *filters[] = { filter, NULL };
  const char *bad[] = { "colour=red", NULL };
  g_autoptr(DhRecordList) in_village = NULL;
  g_autoptr(DhRecordList) villages = NULL;
  g_autoptr(DhRecordList) none = NULL;
  g_autoptr(DhRecord) first = NULL;

  add_households (fixture, 20, fixture->village);
  add_households (fixture, 7, fixture->other_village);

  in_village = dh_record_list_new (fixture->store, "household", filters, DH_SORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (in_village)), ==, 7);

  villages = dh_record_list_new (fixture->store, "village", NULL, DH_SORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (villages)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (villages), 0);
  g_assert_cmpstr (dh_record_get_entity (first), ==, "admin_unit");
  g_assert_cmpstr (dh_record_get_string (first, "name"), ==, "Bản Phìn Hồ");

  none = dh_record_list_new (fixture->store, "household", bad, DH_SORT_DEFAULT, &error);
  g_assert_null (none);
  g_assert_nonnull (error);
}

static void
test_reload_tells_the_views (StoreFixture  *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  guint calls[3] = { 0, 5, 6 };

  add_households (fixture, 5, fixture->village);
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), 0));
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), calls);

  add_households (fixture, 1, fixture->village);
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls[0], ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 6);
  g_assert_cmpuint (dh_record_list_get_n_cached_pages (list), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/record-list/items-come-in-the-store-order", test_items_come_in_the_store_order);
  STORE_TEST ("/store/record-list/memory-stays-bounded", test_memory_stays_bounded);
  STORE_TEST ("/store/record-list/filters-and-places", test_filters_and_places);
  STORE_TEST ("/store/record-list/reload-tells-the-views", test_reload_tells_the_views);

  return g_test_run ();
}
