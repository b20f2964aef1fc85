/* test-record-list.c – a list model pages through the store in SQL order */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

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

/* What a view hears: "position,removed,added;" for each items-changed. */
static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GString    *heard)
{
  /* the model already is what the signal announces */
  g_assert_cmpuint (position + added, <=, g_list_model_get_n_items (model));
  g_string_append_printf (heard, "%u,%u,%u;", position, removed, added);
}

static char *
create_head (StoreFixture *fixture,
             const char   *head_name)
{
  g_autoptr(json_object) record = fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"%s\"}",
                                                  fixture->village, head_name);

  return g_strdup (dh_json_get_string (record, "id"));
}

static void
update_household (StoreFixture *fixture,
                  const char   *id,
                  const char   *changes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = fixture_json (changes);
  g_autoptr(json_object) updated = dh_store_update (fixture->store, "household", id, fields, &error);

  g_assert_no_error (error);
  g_assert_nonnull (updated);
}

static void
delete_household (StoreFixture *fixture,
                  const char   *id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dh_store_delete (fixture->store, "household", id, &error));
  g_assert_no_error (error);
}

static void
assert_given_names (DhRecordList *list,
                    const char   *expected)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (G_LIST_MODEL (list), i);
      const char *head = dh_record_get_string (record, "head_name");

      g_string_append_printf (names, "%s ", strrchr (head, ' ') + 1);
    }
  g_assert_cmpstr (names->str, ==, expected);
}

static void
test_reload_tells_only_what_changed (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  static const char * const given[] = { "An", "Bình", "Chi", "Dũng", "Giang", "Hoa", "Lan", "Mai", "Sơn", "Xuân" };
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  g_autoptr(GString) heard = g_string_new (NULL);
  g_auto(GStrv) ids = g_new0 (char *, G_N_ELEMENTS (given) + 1);
  g_autofree char *khanh = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (given); i++)
    {
      g_autofree char *head = g_strdup_printf ("Lò Văn %s", given[i]);

      ids[i] = create_head (fixture, head);
    }
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  assert_given_names (list, "An Bình Chi Dũng Giang Hoa Lan Mai Sơn Xuân ");
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), heard);

  /* nothing written, nothing said */
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpstr (heard->str, ==, "");

  /* an edit in the middle replaces its one position */
  update_household (fixture, ids[4], "{\"phone\": \"0912345678\"}");
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (heard->str, ==, "4,1,1;");

  /* an insertion adds a position between the unchanged ones */
  g_string_truncate (heard, 0);
  khanh = create_head (fixture, "Lò Văn Khánh");
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpstr (heard->str, ==, "6,0,1;");
  assert_given_names (list, "An Bình Chi Dũng Giang Hoa Khánh Lan Mai Sơn Xuân ");

  /* a deletion removes one */
  g_string_truncate (heard, 0);
  delete_household (fixture, ids[2]);
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpstr (heard->str, ==, "2,1,0;");
  assert_given_names (list, "An Bình Dũng Giang Hoa Khánh Lan Mai Sơn Xuân ");

  /* two edits apart are two changes, and the rows between keep their items */
  g_string_truncate (heard, 0);
  update_household (fixture, ids[1], "{\"notes\": \"chuyển nhà\"}");
  update_household (fixture, ids[8], "{\"notes\": \"ốm\"}");
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpstr (heard->str, ==, "1,1,1;8,1,1;");

  /* a record whose name moves it changes the positions it passes */
  g_string_truncate (heard, 0);
  update_household (fixture, ids[0], "{\"head_name\": \"Lò Văn Hưng\"}");
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpstr (heard->str, ==, "0,1,0;4,0,1;");
  assert_given_names (list, "Bình Dũng Giang Hoa Hưng Khánh Lan Mai Sơn Xuân ");

  g_signal_handlers_disconnect_by_func (list, items_changed_cb, heard);
  g_assert_finalize_object (g_steal_pointer (&list));
}

static void
test_every_position_has_an_item (StoreFixture  *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  g_autoptr(GString) heard = g_string_new (NULL);
  g_autofree char *an = create_head (fixture, "Lò Văn An");
  g_autofree char *binh = create_head (fixture, "Lò Văn Bình");
  g_autofree char *chi = create_head (fixture, "Lò Văn Chi");

  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), heard);

  /* deleted before the list reloads: the position still has a record,
   * which says it is not loaded, until the reload removes it */
  delete_household (fixture, binh);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (G_LIST_MODEL (list), i);
      gboolean loaded;

      g_assert_nonnull (record);
      g_object_get (record, "loaded", &loaded, NULL);
      g_assert_true (loaded == (i != 1));
      g_assert_cmpstr (dh_record_get_id (record), ==, i == 0 ? an : i == 1 ? binh : chi);
      if (i == 1)
        g_assert_null (dh_record_get_string (record, "head_name"));
    }

  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpstr (heard->str, ==, "1,1,0;");
  assert_given_names (list, "An Chi ");

  g_signal_handlers_disconnect_by_func (list, items_changed_cb, heard);
}

static void
reloaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint *finished = user_data;

  g_assert_true (dh_record_list_reload_finish (DH_RECORD_LIST (source), result, &error));
  g_assert_no_error (error);
  (*finished)++;
}

static void
finalized_cb (gpointer  data,
              GObject  *where_it_was)
{
  g_atomic_int_set ((gint *) data, TRUE);
}

/* LIST let go, and finalized once its reloads' threads let go of it too:
 * a worker gives its task back, and the task the list, a moment after the
 * task's callback ran here, so the last reference may be the worker's. A
 * list that stays alive fails. */
static void
assert_finalized_after_reloads (DhRecordList *list)
{
  gint finalized = FALSE;
  gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  g_object_weak_ref (G_OBJECT (list), finalized_cb, &finalized);
  g_object_unref (list);
  while (!g_atomic_int_get (&finalized) && g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (g_atomic_int_get (&finalized));
}

static void
test_reload_in_a_thread (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  g_autoptr(GString) heard = g_string_new (NULL);
  g_autofree char *an = create_head (fixture, "Lò Văn An");
  g_autofree char *chi = create_head (fixture, "Lò Văn Chi");
  g_autofree char *binh = NULL;
  g_autofree char *dung = NULL;
  guint finished = 0;

  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), heard);

  binh = create_head (fixture, "Lò Văn Bình");
  dh_record_list_reload_async (list, NULL, reloaded_cb, &finished);
  g_assert_cmpstr (heard->str, ==, "");
  while (finished < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (heard->str, ==, "1,0,1;");
  assert_given_names (list, "An Bình Chi ");

  /* a reload asked for later wins over one still reading */
  g_string_truncate (heard, 0);
  dh_record_list_reload_async (list, NULL, reloaded_cb, &finished);
  dung = create_head (fixture, "Lò Văn Dũng");
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpstr (heard->str, ==, "3,0,1;");
  while (finished < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (heard->str, ==, "3,0,1;");
  assert_given_names (list, "An Bình Chi Dũng ");

  g_signal_handlers_disconnect_by_func (list, items_changed_cb, heard);
  assert_finalized_after_reloads (g_steal_pointer (&list));
}

/* A view as it follows the list: the ids of its items, kept up to date
 * from the changes alone, each added item read when it is told. */
static void
mirror_changed_cb (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GPtrArray  *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->len);
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint k = 0; k < added; k++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (model, position + k);

      g_assert_nonnull (record);
      g_ptr_array_insert (mirror, (int) (position + k), g_strdup (dh_record_get_id (record)));
    }
  g_assert_cmpuint (mirror->len, ==, g_list_model_get_n_items (model));
}

static GPtrArray *
ids_of (GListModel *model)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (model, i);

      g_ptr_array_add (ids, g_strdup (dh_record_get_id (record)));
    }

  return ids;
}

static void
assert_same_ids (GPtrArray *a,
                 GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* Households made, deleted, renamed (so that they move) and edited in
 * random rounds, the list reloaded after each, in a thread or not: a view
 * that follows the changes alone holds, after each, the list a new model
 * reads, and a kept record keeps its item. */
static void
test_random_reloads_keep_views_right (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  static const char * const given[] = { "An", "Bình", "Chi", "Dũng", "Giang", "Hoa", "Khánh", "Lan", "Mai", "Nga",
                                        "Phúc", "Quang", "Sơn", "Thảo", "Uyên", "Vinh", "Xuân", "Yến" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) live = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mirror = NULL;
  g_autoptr(DhRecordList) list = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261126);

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *head = g_strdup_printf ("Lò Văn %s %u", given[i % G_N_ELEMENTS (given)], i);

      g_ptr_array_add (live, create_head (fixture, head));
    }
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  mirror = ids_of (G_LIST_MODEL (list));
  g_signal_connect (list, "items-changed", G_CALLBACK (mirror_changed_cb), mirror);

  for (guint round = 0; round < 30; round++)
    {
      g_autoptr(DhRecordList) fresh = NULL;
      g_autoptr(GPtrArray) expected = NULL;
      g_autoptr(GPtrArray) before = NULL;
      g_autoptr(DhRecord) kept_before = NULL;
      guint n_writes = 1 + g_rand_int_range (rand, 0, 8);
      const char *kept = NULL;

      for (guint w = 0; w < n_writes; w++)
        {
          guint pick = live->len > 0 ? (guint) g_rand_int_range (rand, 0, (gint32) live->len) : 0;
          int what = live->len > 5 ? g_rand_int_range (rand, 0, 4) : 0;
          g_autofree char *head = g_strdup_printf ("Lò Văn %s %u-%u", given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))],
                                                   round, w);

          if (what == 0)
            g_ptr_array_add (live, create_head (fixture, head));
          else if (what == 1)
            {
              delete_household (fixture, g_ptr_array_index (live, pick));
              g_ptr_array_remove_index (live, pick);
            }
          else if (what == 2)
            {
              g_autofree char *changes = g_strdup_printf ("{\"head_name\": \"%s\"}", head);

              update_household (fixture, g_ptr_array_index (live, pick), changes);
            }
          else
            update_household (fixture, g_ptr_array_index (live, pick), "{\"notes\": \"đã thăm\"}");
        }

      /* an item the view holds at the start, whose record is still there unchanged */
      before = ids_of (G_LIST_MODEL (list));
      if (before->len > 0)
        {
          kept_before = g_list_model_get_item (G_LIST_MODEL (list), before->len / 2);
          kept = dh_record_get_id (kept_before);
        }

      if (round % 2 == 0)
        g_assert_true (dh_record_list_reload (list, &error));
      else
        {
          guint finished = 0;

          dh_record_list_reload_async (list, NULL, reloaded_cb, &finished);
          while (finished < 1)
            g_main_context_iteration (NULL, TRUE);
        }
      g_assert_no_error (error);

      fresh = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
      g_assert_no_error (error);
      expected = ids_of (G_LIST_MODEL (fresh));
      assert_same_ids (mirror, expected);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, expected->len);
      if (kept != NULL)
        {
          guint position;

          if (g_ptr_array_find_with_equal_func (expected, kept, g_str_equal, &position))
            {
              g_autoptr(DhRecord) now = g_list_model_get_item (G_LIST_MODEL (list), position);

              g_assert_cmpstr (dh_record_get_id (now), ==, kept);
            }
        }
    }

  g_signal_handlers_disconnect_by_func (list, mirror_changed_cb, mirror);
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

/* 1,200 households, Lò Văn A0000 to A2398 by twos, in the list's order. */
static void
create_even_heads (StoreFixture *fixture)
{
  for (guint i = 0; i < 1200; i++)
    {
      g_autofree char *head = g_strdup_printf ("Lò Văn A%04u", i * 2);

      g_free (create_head (fixture, head));
    }
}

/* One new household every 20 of them, all along the list: 60 runs. */
static void
create_odd_heads (StoreFixture *fixture)
{
  for (guint i = 0; i < 1200; i += 20)
    {
      g_autofree char *head = g_strdup_printf ("Lò Văn A%04u", i * 2 + 1);

      g_free (create_head (fixture, head));
    }
}

/* Far from where a view looks, changes are told in a few wide runs;
 * near it, one by one: the view still ends with the whole list right. */
static void
test_changes_far_from_the_focus_told_wide (StoreFixture  *fixture,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  g_autoptr(DhRecordList) fresh = NULL;
  g_autoptr(GPtrArray) mirror = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  guint told = 0;

  create_even_heads (fixture);
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  mirror = ids_of (G_LIST_MODEL (list));
  g_signal_connect (list, "items-changed", G_CALLBACK (mirror_changed_cb), mirror);
  g_signal_connect (list, "items-changed", G_CALLBACK (count_changes_cb), &told);

  create_odd_heads (fixture);

  /* a view looks at 600 to 620: 300 on each side are near, 30 runs */
  dh_record_list_set_focus (list, 600, 20);
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_no_error (error);

  fresh = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  expected = ids_of (G_LIST_MODEL (fresh));
  assert_same_ids (mirror, expected);
  /* the near runs one by one, the far ones as one before and one after */
  g_assert_cmpuint (told, >=, 30);
  g_assert_cmpuint (told, <=, 34);

  g_signal_handlers_disconnect_by_func (list, mirror_changed_cb, mirror);
  g_signal_handlers_disconnect_by_func (list, count_changes_cb, &told);
}

typedef struct
{
  GHashTable *seen;    /* id -> DhRecord a view held before the reload */
  const char *edited;  /* the id of one of them, edited before it */
  guint       same;    /* items asked for while told: the object held before */
  guint       other;   /* ... another object for a record kept as it was */
  guint       fresh;   /* ... the edited record as it is now */
} Held;

/* A view asking, after each change told, for the items where it looks. */
static void
ask_near_focus_cb (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Held       *held)
{
  for (guint i = 560; i < MIN (660u, g_list_model_get_n_items (model)); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (model, i);
      DhRecord *before = g_hash_table_lookup (held->seen, dh_record_get_id (record));

      if (before == NULL)
        continue;
      if (g_strcmp0 (dh_record_get_id (record), held->edited) == 0)
        {
          g_assert_true (before != record);
          g_assert_cmpstr (dh_record_get_string (record, "phone"), ==, "0912000111");
          held->fresh++;
        }
      else if (before == record)
        held->same++;
      else
        held->other++;
    }
}

/* While a reload tells its changes one by one near the focus, a record
 * kept as it was is the same item the view held before (so that the view
 * finds it again and keeps its row), not one read again. */
static void
test_told_changes_keep_the_items_of_kept_records (StoreFixture  *fixture,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhRecordList) list = NULL;
  g_autoptr(DhRecordList) fresh = NULL;
  g_autoptr(GPtrArray) mirror = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  Held held = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref), NULL, 0, 0, 0 };
  g_autofree char *edited = NULL;
  guint finished = 0;

  create_even_heads (fixture);
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  mirror = ids_of (G_LIST_MODEL (list));
  /* what a view of 580 to 640 holds, read last */
  for (guint i = 560; i < 660; i++)
    {
      DhRecord *record = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_hash_table_insert (held.seen, g_strdup (dh_record_get_id (record)), record);
    }
  g_signal_connect (list, "items-changed", G_CALLBACK (mirror_changed_cb), mirror);
  g_signal_connect (list, "items-changed", G_CALLBACK (ask_near_focus_cb), &held);

  /* one of them edited (its place stays), new households all along the
   * list, some near the focus */
  {
    g_autoptr(DhRecord) record = g_list_model_get_item (G_LIST_MODEL (list), 600);
    g_autoptr(json_object) changes = json_tokener_parse ("{\"phone\": \"0912000111\"}");
    g_autoptr(json_object) updated = NULL;

    edited = g_strdup (dh_record_get_id (record));
    held.edited = edited;
    updated = dh_store_update (fixture->store, "household", edited, changes, &error);
    g_assert_no_error (error);
  }
  create_odd_heads (fixture);
  dh_record_list_set_focus (list, 580, 60);
  dh_record_list_reload_async (list, NULL, reloaded_cb, &finished);
  while (finished < 1)
    g_main_context_iteration (NULL, TRUE);

  fresh = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  expected = ids_of (G_LIST_MODEL (fresh));
  assert_same_ids (mirror, expected);
  g_assert_cmpuint (held.same, >, 100);
  g_assert_cmpuint (held.other, ==, 0);
  g_assert_cmpuint (held.fresh, >, 0);

  g_signal_handlers_disconnect_by_func (list, mirror_changed_cb, mirror);
  g_signal_handlers_disconnect_by_func (list, ask_near_focus_cb, &held);
  g_hash_table_unref (held.seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/record-list/items-come-in-the-store-order", test_items_come_in_the_store_order);
  STORE_TEST ("/store/record-list/memory-stays-bounded", test_memory_stays_bounded);
  STORE_TEST ("/store/record-list/filters-and-places", test_filters_and_places);
  STORE_TEST ("/store/record-list/reload-tells-only-what-changed", test_reload_tells_only_what_changed);
  STORE_TEST ("/store/record-list/every-position-has-an-item", test_every_position_has_an_item);
  STORE_TEST ("/store/record-list/reload-in-a-thread", test_reload_in_a_thread);
  STORE_TEST ("/store/record-list/random-reloads-keep-views-right", test_random_reloads_keep_views_right);
  STORE_TEST ("/store/record-list/changes-far-from-the-focus-told-wide", test_changes_far_from_the_focus_told_wide);
  STORE_TEST ("/store/record-list/told-changes-keep-the-items-of-kept-records",
              test_told_changes_keep_the_items_of_kept_records);

  return g_test_run ();
}
