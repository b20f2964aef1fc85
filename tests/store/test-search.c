/* test-search.c – finding households the way caseworkers type */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-store-private.h"
#include "dh-error.h"
#include "store-fixture.h"

static char *
add_household (StoreFixture *fixture,
               const char   *head,
               const char   *extra)
{
  g_autoptr(json_object) record =
    fixture_create (fixture, "household", "{\"village\": \"%s\", \"head_name\": \"%s\"%s%s}",
                    fixture->village, head, extra[0] ? ", " : "", extra);

  return g_strdup (dh_json_get_string (record, "id"));
}

static void
assert_finds (StoreFixture *fixture,
              const char   *text,
              const char   *expected_head)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = dh_store_search_households (fixture->store, text, 20, &error);

  g_assert_no_error (error);
  g_test_message ("searching “%s”", text);
  if (expected_head == NULL)
    {
      g_assert_cmpuint (rows->len, ==, 0);
      return;
    }

  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, 0), "head_name"), ==, expected_head);
}

static void
test_folded_forms_find_the_same_household (StoreFixture  *fixture,
                                           gconstpointer  data)
{
  g_autofree char *a = add_household (fixture, "Nguyễn Văn Đặng", "");
  g_autofree char *b = add_household (fixture, "Trần Thị Hoa", "");

  assert_finds (fixture, "nguyen van dang", "Nguyễn Văn Đặng");
  assert_finds (fixture, "NGUYỄN VĂN ĐẶNG", "Nguyễn Văn Đặng");
  assert_finds (fixture, "Nguyễn Văn Đặng", "Nguyễn Văn Đặng");
  assert_finds (fixture, "Nguye\xcc\x82\xcc\x83n", "Nguyễn Văn Đặng");
  assert_finds (fixture, "tran hoa", "Trần Thị Hoa");
  assert_finds (fixture, "nguyen hoa", NULL);
}

static void
test_prefixes_while_typing (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autofree char *a = add_household (fixture, "Nguyễn Văn Đặng", "");
  g_autofree char *b = add_household (fixture, "Nguyễn Thị Dung", "");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) both = NULL;

  assert_finds (fixture, "ngu van da", "Nguyễn Văn Đặng");
  assert_finds (fixture, "ngu thi d", "Nguyễn Thị Dung");
  both = dh_store_search_households (fixture->store, "ngu", 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (both->len, ==, 2);
  /* sorted by given name: Dung before Đặng */
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (both, 0), "head_name"), ==, "Nguyễn Thị Dung");
}

static void
test_code_phone_village_and_members (StoreFixture  *fixture,
                                     gconstpointer  data)
{
  g_autofree char *house = add_household (fixture, "Sùng A Chứ", "\"code\": \"PH-017\", \"phone\": \"0912 345 678\"");
  g_autoptr(json_object) member = fixture_create (fixture, "member",
                                                  "{\"household\": \"%s\", \"full_name\": \"Sùng Thị Mỷ\", \"citizen_id\": \"002185001234\"}",
                                                  house);

  assert_finds (fixture, "PH-017", "Sùng A Chứ");
  assert_finds (fixture, "ph 017", "Sùng A Chứ");
  assert_finds (fixture, "0912345", "Sùng A Chứ");
  assert_finds (fixture, "na hau", "Sùng A Chứ");
  assert_finds (fixture, "sung thi my", "Sùng A Chứ");
  assert_finds (fixture, "002185001234", "Sùng A Chứ");
}

static void
test_edits_and_deletes_follow (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = add_household (fixture, "Vàng A Páo", "");
  g_autofree char *other = add_household (fixture, "Lò Văn Tủa", "");
  g_autoptr(json_object) member = fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Vàng Thị Sua\"}", house);
  g_autofree char *move_text = g_strdup_printf ("{\"household\": \"%s\"}", other);
  g_autoptr(json_object) move = json_tokener_parse (move_text);
  g_autoptr(json_object) rename = json_tokener_parse ("{\"head_name\": \"Vàng A Sính\"}");
  g_autoptr(json_object) moved = NULL;
  g_autoptr(json_object) renamed = NULL;

  renamed = dh_store_update (fixture->store, "household", house, rename, &error);
  g_assert_no_error (error);
  assert_finds (fixture, "vang a sinh", "Vàng A Sính");
  assert_finds (fixture, "vang a pao", NULL);

  moved = dh_store_update (fixture->store, "member", dh_json_get_string (member, "id"), move, &error);
  g_assert_no_error (error);
  assert_finds (fixture, "sua", "Lò Văn Tủa");

  g_assert_true (dh_store_delete (fixture->store, "household", other, &error));
  assert_finds (fixture, "tua", NULL);
  assert_finds (fixture, "sua", NULL);
}

static void
test_empty_query_finds_nothing (StoreFixture  *fixture,
                                gconstpointer  data)
{
  g_autofree char *house = add_household (fixture, "Hồ Văn Nam", "");

  assert_finds (fixture, "   ", NULL);
  assert_finds (fixture, "\"*", NULL);
}

static GPtrArray *
search (StoreFixture *fixture,
        const char   *text,
        guint         limit,
        gboolean     *more)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = dh_store_search_households_full (fixture->store, text, limit, more, &error);

  g_assert_no_error (error);
  g_test_message ("searching “%s”, %u at most", text, limit);

  return rows;
}

static const char *
matched (json_object *row,
         const char  *key)
{
  json_object *match = NULL;

  if (!json_object_object_get_ex (row, "matched", &match))
    return NULL;

  return dh_json_get_string (match, key);
}

static void
test_full_name_ranks_its_bearer_first (StoreFixture  *fixture,
                                       gconstpointer  data)
{
  g_autofree char *bearer = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gboolean more = FALSE;

  /* households written first come first in the index: each holds the
   * three words, spread over its head and a member */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *house = add_household (fixture, "Nguyễn Thị Lan", "");
      g_autoptr(json_object) member =
        fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Lê Văn Đặng\"}", house);
    }
  bearer = add_household (fixture, "Nguyễn Văn Đặng", "");

  rows = search (fixture, "nguyen van dang", 5, &more);

  g_assert_cmpuint (rows->len, ==, 5);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, 0), "id"), ==, bearer);
  g_assert_cmpstr (matched (g_ptr_array_index (rows, 0), "role"), ==, "head");
  g_assert_cmpstr (matched (g_ptr_array_index (rows, 0), "name"), ==, "Nguyễn Văn Đặng");
  g_assert_true (more);
}

static void
test_name_ranks_before_other_text (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autofree char *bearer = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gboolean more = FALSE;

  for (guint i = 0; i < 21; i++)
    {
      g_autofree char *code = g_strdup_printf ("\"code\": \"HUONG-%02u\"", i);
      g_autofree char *house = add_household (fixture, "Lê Văn Nam", code);
    }
  bearer = add_household (fixture, "Trần Thị Hường", "");

  rows = search (fixture, "huong", 20, &more);

  g_assert_cmpuint (rows->len, ==, 20);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, 0), "id"), ==, bearer);
  g_assert_null (matched (g_ptr_array_index (rows, 1), "role"));
  g_assert_true (more);
}

static void
test_member_name_says_which_member (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autofree char *house = add_household (fixture, "Sùng A Chứ", "");
  g_autofree char *other = add_household (fixture, "Giàng A Tủa", "");
  g_autoptr(json_object) member =
    fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Sùng Thị Mỷ\"}", house);
  g_autoptr(GPtrArray) rows = search (fixture, "sung thi my", 20, NULL);

  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (rows, 0), "id"), ==, house);
  g_assert_cmpstr (matched (g_ptr_array_index (rows, 0), "role"), ==, "member");
  g_assert_cmpstr (matched (g_ptr_array_index (rows, 0), "member"), ==, dh_json_get_string (member, "id"));
  g_assert_cmpstr (matched (g_ptr_array_index (rows, 0), "name"), ==, "Sùng Thị Mỷ");
}

static void
test_cut_list_says_it_was_cut (StoreFixture  *fixture,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) cut = NULL;
  g_autoptr(GPtrArray) whole = NULL;
  gboolean more = FALSE;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *house = add_household (fixture, "Trần Thị Hoa", "");
    }

  cut = search (fixture, "tran hoa", 2, &more);
  g_assert_cmpuint (cut->len, ==, 2);
  g_assert_true (more);

  whole = search (fixture, "tran hoa", 3, &more);
  g_assert_cmpuint (whole->len, ==, 3);
  g_assert_false (more);
}

static void
test_deleted_member_is_no_longer_found (StoreFixture  *fixture,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *house = add_household (fixture, "Vàng A Páo", "");
  g_autoptr(json_object) member = fixture_create (fixture, "member", "{\"household\": \"%s\", \"full_name\": \"Vàng Thị Sua\"}", house);

  assert_finds (fixture, "vang thi sua", "Vàng A Páo");
  g_assert_true (dh_store_delete (fixture->store, "member", dh_json_get_string (member, "id"), &error));
  g_assert_no_error (error);
  assert_finds (fixture, "sua", NULL);
}

/* VACUUM may renumber the rows the index names, and a store made before
 * people had entries of their own has none: both get their entries anew. */
static void
test_index_rebuilt_after_vacuum_and_for_old_stores (StoreFixture  *fixture,
                                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = add_household (fixture, "Nguyễn Văn Đặng", "");
  g_autofree char *second = add_household (fixture, "Trần Thị Hường", "");

  g_assert_true (dh_store_vacuum (fixture->store, &error));
  g_assert_no_error (error);
  assert_finds (fixture, "nguyen van dang", "Nguyễn Văn Đặng");
  assert_finds (fixture, "huong", "Trần Thị Hường");

  /* as an older version left it: no entries of the new form */
  g_assert_true (dh_store_set_meta (fixture->store, "search_version", "1", &error));
  g_assert_true (dh_store_begin (fixture->store, &error));
  dh_store_lock (fixture->store);
  g_assert_true (dh_store_exec (fixture->store, "DELETE FROM household_search", &error));
  dh_store_unlock (fixture->store);
  g_assert_true (dh_store_commit (fixture->store, &error));
  g_assert_no_error (error);
  assert_finds (fixture, "huong", NULL);

  g_clear_object (&fixture->store);
  fixture->store = dh_store_open (fixture->path, &error);
  g_assert_no_error (error);
  assert_finds (fixture, "huong", "Trần Thị Hường");
  assert_finds (fixture, "dang", "Nguyễn Văn Đặng");
}

/* A search is measured before it is folded: a long text is refused at
 * once, in words, whoever asks (the CLI or the application). */
static void
test_long_search_is_refused_before_folding (StoreFixture  *fixture,
                                            gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  while (text->len <= 200)
    g_string_append (text, "Nguye\xcc\x82\xcc\x83n ");

  found = dh_store_search_households (fixture->store, text->str, 10, &error);
  g_assert_null (found);
  g_assert_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "200"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  STORE_TEST ("/store/search/folded-forms-find-the-same-household", test_folded_forms_find_the_same_household);
  STORE_TEST ("/store/search/prefixes-while-typing", test_prefixes_while_typing);
  STORE_TEST ("/store/search/code-phone-village-and-members", test_code_phone_village_and_members);
  STORE_TEST ("/store/search/edits-and-deletes-follow", test_edits_and_deletes_follow);
  STORE_TEST ("/store/search/empty-query-finds-nothing", test_empty_query_finds_nothing);
  STORE_TEST ("/store/search/full-name-ranks-its-bearer-first", test_full_name_ranks_its_bearer_first);
  STORE_TEST ("/store/search/name-ranks-before-other-text", test_name_ranks_before_other_text);
  STORE_TEST ("/store/search/member-name-says-which-member", test_member_name_says_which_member);
  STORE_TEST ("/store/search/cut-list-says-it-was-cut", test_cut_list_says_it_was_cut);
  STORE_TEST ("/store/search/index-rebuilt-after-vacuum-and-for-old-stores", test_index_rebuilt_after_vacuum_and_for_old_stores);
  STORE_TEST ("/store/search/deleted-member-is-no-longer-found", test_deleted_member_is_no_longer_found);
  STORE_TEST ("/store/search/long-search-is-refused-before-folding", test_long_search_is_refused_before_folding);

  return g_test_run ();
}
