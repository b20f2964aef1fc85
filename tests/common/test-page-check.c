/* test-page-check.c – a page of changes checked on a thread of its own */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "dh-autocleanups.h"
#include "dh-page-check.h"
#include "dh-thread.h"

static DhValidator validator;

/* The check of a page given as JSON objects, which it holds. */
static DhPageCheck *
check_start (DhPageChecker      *checker,
             GPtrArray          *changes,
             const DhValidator  *with,
             DhPageCheckPrepare  prepare,
             GDestroyNotify      prepared_free)
{
  g_autoptr(DhWirePage) page = dh_wire_page_new_from_json (changes);

  return dh_page_check_start (checker, page, with, prepare, prepared_free);
}

/* The check of the same page as a pull reads it, from its text
 * (dh_wire_page_parse_answer()). */
static DhPageCheck *
check_start_from_text (GPtrArray *changes)
{
  GString *text = g_string_new ("{\"changes\": [");
  g_autoptr(json_object) answer = NULL;
  g_autoptr(DhWirePage) page = NULL;
  gsize length;

  for (guint i = 0; i < changes->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                            json_object_to_json_string_ext (g_ptr_array_index (changes, i), JSON_C_TO_STRING_PLAIN));
  g_string_append (text, "]}");
  length = text->len;
  page = dh_wire_page_parse_answer (g_string_free (text, FALSE), length, 32, &answer);
  g_assert_nonnull (page);

  return dh_page_check_start (NULL, page, &validator, NULL, NULL);
}

/* A page of N household changes; some are bad in different ways, where
 * a page of that size has them. */
static GPtrArray *
page_new (guint n)
{
  GPtrArray *page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *commune = g_uuid_string_random ();
      g_autofree char *village = g_uuid_string_random ();
      g_autofree char *text = NULL;
      const char *clock = i % 11 == 5 ? "not-a-clock" : "0000000000010000-aaaaaaaaaaaaaaaa";
      const char *extra = i % 7 == 3 ? ", \"colour\": [\"xanh\"]" : i % 13 == 8 ? ", \"phone\": [42]" : "";

      if (i % 17 == 16)
        {
          g_ptr_array_add (page, json_tokener_parse ("[1, 2, 3]"));
          continue;
        }
      text = g_strdup_printf ("{\"e\": \"household\", \"r\": \"%s\", \"c\": \"%s\", \"u\": \"lan.hoang\", \"k\": \"%s\", "
                              "\"f\": {\"village\": [\"%s\"], \"head_name\": [\"  Lò  Văn Sính %u \"]%s}}",
                              id, commune, clock, village, i, extra);
      g_ptr_array_add (page, json_tokener_parse (text));
      g_assert_nonnull (g_ptr_array_index (page, i));
    }

  return page;
}

/* How many of the first N changes of page_new() are bad. */
static guint
expected_bad (guint n)
{
  guint bad = 0;

  for (guint i = 0; i < n; i++)
    bad += i % 17 == 16 || i % 11 == 5 || i % 7 == 3 || i % 13 == 8;

  return bad;
}

static char *
checked_to_string (const DhCheckedChange *checked)
{
  GString *text = g_string_new (checked->record_id);

  g_string_append_printf (text, " %s %s %s", checked->entity->name, checked->commune, checked->clock);
  for (guint i = 0; i < checked->writes->len; i++)
    {
      const DhCheckedWrite *entry = &g_array_index (checked->writes, DhCheckedWrite, i);

      g_string_append_printf (text, " %s=%s@%s", entry->field != NULL ? entry->field->name : "deleted",
                              json_object_to_json_string (entry->write.value), entry->write.clock);
    }

  return g_string_free (text, FALSE);
}

/* Takes each change of CHECK, of PAGE, and asserts that it is what
 * checking it alone gives; returns how many were refused, and adds the
 * kinds of refusal met to KINDS. With SAME_OBJECTS, CHECK was started with
 * PAGE's own objects, whose texts the taken changes refer to. */
static guint
assert_as_checked_alone (DhPageCheck *check,
                         GPtrArray   *page,
                         gboolean     same_objects,
                         GHashTable  *kinds)
{
  guint bad = 0;

  for (guint i = 0; i < page->len; i++)
    {
      const DhCheckedChange *taken = NULL;
      g_auto(DhCheckedChange) alone = { 0 };
      g_autoptr(GError) taken_error = NULL;
      g_autoptr(GError) alone_error = NULL;
      gpointer prepared = &alone;
      gboolean taken_ok = dh_page_check_get (check, i, &taken, &prepared, &taken_error);
      gboolean alone_ok = dh_change_check_json (g_ptr_array_index (page, i), &validator, &alone, &alone_error);

      g_assert_null (prepared);
      g_assert_cmpint (taken_ok, ==, alone_ok);
      if (!alone_ok)
        {
          g_assert_nonnull (taken_error);
          g_assert_cmpstr (taken_error->message, ==, alone_error->message);
          g_assert_true (g_error_matches (taken_error, alone_error->domain, alone_error->code));
          g_hash_table_add (kinds, GINT_TO_POINTER (i % 17 == 16 ? 1 : i % 11 == 5 ? 2 : i % 7 == 3 ? 3 : 4));
          bad++;
        }
      else
        {
          g_autofree char *taken_text = checked_to_string (taken);
          g_autofree char *alone_text = checked_to_string (&alone);

          g_assert_no_error (taken_error);
          g_assert_cmpstr (taken_text, ==, alone_text);
          /* what it reads stays the page's */
          if (same_objects)
            g_assert_true (taken->record_id == alone.record_id);
        }
    }

  return bad;
}

/* Each change taken from the page is what checking it alone gives, in
 * order, threaded or not: the same values, the same refusals; the page
 * given as JSON objects, or read from its text as a pull reads it. */
static void
test_same_as_checking_each (void)
{
  static const guint sizes[] = { 1, 20, 63, 64, 300 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes) * 2; s++)
    {
      gboolean from_text = s >= G_N_ELEMENTS (sizes);
      guint size = sizes[s % G_N_ELEMENTS (sizes)];
      g_autoptr(GPtrArray) page = page_new (size);
      g_autoptr(DhPageCheck) check = from_text ? check_start_from_text (page) : check_start (NULL, page, &validator, NULL, NULL);
      /* the kinds of refusal met: the clock, an unknown field, a value, not an object */
      g_autoptr(GHashTable) kinds = g_hash_table_new (NULL, NULL);
      guint bad;

      g_assert_cmpint (dh_page_check_is_threaded (check), ==, size >= 64 && g_get_num_processors () > 1);
      bad = assert_as_checked_alone (check, page, !from_text, kinds);
      /* the larger pages hold every kind of bad change, and refuse nothing else */
      if (size >= 20)
        {
          g_assert_cmpuint (g_hash_table_size (kinds), ==, 4);
          g_assert_cmpuint (bad, ==, expected_bad (size));
        }
    }
}

/* A change given twice in a page, the same object, is read on one thread
 * alone: json-c counts its references without atomics. */
static void
test_change_twice_checked_on_one_thread (void)
{
  g_autoptr(GPtrArray) page = page_new (100);
  g_autoptr(DhPageCheck) distinct = check_start (NULL, page, &validator, NULL, NULL);
  g_autoptr(DhPageCheck) twice = NULL;

  g_assert_cmpint (dh_page_check_is_threaded (distinct), ==, g_get_num_processors () > 1);
  g_clear_pointer (&distinct, dh_page_check_free);
  g_ptr_array_add (page, json_object_get (g_ptr_array_index (page, 40)));
  twice = check_start (NULL, page, &validator, NULL, NULL);
  g_assert_false (dh_page_check_is_threaded (twice));
  for (guint i = 0; i < page->len; i++)
    {
      const DhCheckedChange *checked = NULL;
      g_autoptr(GError) error = NULL;

      if (dh_page_check_get (twice, i, &checked, NULL, &error))
        g_assert_cmpuint (checked->writes->len, >=, 2);
      else
        g_assert_nonnull (error);
    }
}

typedef struct
{
  GThread    *thread;
  const char *record_id;
  int         niceness;
} Prepared;

static gint prepared_made;
static gint prepared_freed;

static gpointer
prepare (const DhCheckedChange *checked)
{
  Prepared *prepared = g_new (Prepared, 1);

  prepared->thread = g_thread_self ();
  prepared->record_id = checked->record_id;
  prepared->niceness = dh_thread_get_niceness ();
  g_atomic_int_inc (&prepared_made);

  return prepared;
}

static void
prepared_free (gpointer data)
{
  g_atomic_int_inc (&prepared_freed);
  g_free (data);
}

/* What the caller makes of a change is made on the checker's thread, of
 * the change that checked well, and given with it; that thread is as nice
 * as the caller's. With WITH_CHECKER, two pages started with one checker
 * made here, as a pull makes it: both are checked on its one thread. */
static gpointer
check_prepared (gpointer with_checker)
{
  g_autoptr(DhPageChecker) checker = with_checker != NULL ? dh_page_checker_new () : NULL;
  g_autoptr(GPtrArray) page = page_new (200);
  g_autoptr(GPtrArray) second = page_new (200);
  g_autoptr(DhPageCheck) check = NULL;
  g_autoptr(DhPageCheck) second_check = NULL;
  gboolean threaded;
  int niceness = dh_thread_get_niceness ();
  GThread *checker_thread = NULL;
  guint good = 0;

  /* counted from naught before the checker begins, which may prepare them all at once */
  g_atomic_int_set (&prepared_made, 0);
  g_atomic_int_set (&prepared_freed, 0);
  check = check_start (checker, page, &validator, prepare, prepared_free);
  threaded = dh_page_check_is_threaded (check);
  g_assert_cmpint (threaded, ==, g_get_num_processors () > 1);
  if (with_checker != NULL)
    second_check = check_start (checker, second, &validator, prepare, prepared_free);
  for (guint n = 0; n < (with_checker != NULL ? 2u : 1u); n++)
    {
      for (guint i = 0; i < page->len; i++)
        {
          const DhCheckedChange *checked = NULL;
          g_autoptr(GError) error = NULL;
          Prepared *prepared = NULL;

          if (!dh_page_check_get (n == 0 ? check : second_check, i, &checked, (gpointer *) &prepared, &error))
            {
              g_assert_nonnull (error);
              g_assert_null (prepared);
              continue;
            }
          good++;
          if (!threaded)
            {
              g_assert_null (prepared);
              continue;
            }
          g_assert_nonnull (prepared);
          g_assert_true (prepared->thread != g_thread_self ());
          /* a checker's pages, all on its one thread */
          if (checker_thread == NULL)
            checker_thread = prepared->thread;
          if (with_checker != NULL)
            g_assert_true (prepared->thread == checker_thread);
          /* the sync's priority, whatever it is */
          g_assert_cmpint (prepared->niceness, ==, niceness);
          g_assert_true (prepared->record_id == checked->record_id);
        }
    }
  g_clear_pointer (&check, dh_page_check_free);
  g_clear_pointer (&second_check, dh_page_check_free);
  g_clear_pointer (&checker, dh_page_checker_free);

  g_assert_cmpuint (good, >, with_checker != NULL ? 200 : 100);
  g_assert_cmpint (g_atomic_int_get (&prepared_made), ==, threaded ? (gint) good : 0);
  g_assert_cmpint (g_atomic_int_get (&prepared_freed), ==, g_atomic_int_get (&prepared_made));

  return GINT_TO_POINTER (niceness);
}

static GThread *
new_nicer_thread (const char  *name,
                  GThreadFunc  func,
                  gpointer     data)
{
  g_autoptr(GError) error = NULL;
  GThread *thread = dh_thread_try_new_nicer (name, func, data, &error);

  g_assert_no_error (error);
  return thread;
}

static void
test_prepared_on_the_checker_thread (void)
{
  check_prepared (NULL);
}

/* A page checked in a thread made nicer (a sync's, beside a window) is
 * checked as nicely: its checker has the same share of the processor as
 * the store's thread it works for, and less than the interface's. */
static void
test_checker_as_nice_as_its_maker (void)
{
  int niceness = dh_thread_get_niceness ();
  /* a page's own thread, and a pull's checker */
  for (guint with_checker = 0; with_checker < 2; with_checker++)
    {
      int nicer = GPOINTER_TO_INT (g_thread_join (new_nicer_thread ("test-nicer", check_prepared,
                                                                     with_checker ? GINT_TO_POINTER (1) : NULL)));

#ifdef __linux__
      g_assert_cmpint (nicer, ==, MIN (niceness + DH_THREAD_NICER, 19));
#else
      g_assert_cmpint (nicer, ==, niceness);
#endif
      /* and the thread that made it is as it was */
      g_assert_cmpint (dh_thread_get_niceness (), ==, niceness);
    }
}

/* Takes the first N changes of CHECK, as a caller that then stops (a
 * write failed): what was made of them, not asked for, is freed with them. */
static void
take_first (DhPageCheck *check,
            guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      const DhCheckedChange *checked = NULL;
      g_autoptr(GError) error = NULL;

      if (!dh_page_check_get (check, i, &checked, NULL, &error))
        g_assert_nonnull (error);
    }
}

/* A caller that stops taking (a write failed) frees the check: the
 * checker stops where it is, and what it checked and made is freed (the
 * sanitizer's leak check sees the rest). Again and again, to meet the
 * checker at every point of its page. */
static void
test_stopped_midway (void)
{
  g_autoptr(GPtrArray) page = page_new (500);

  g_atomic_int_set (&prepared_made, 0);
  g_atomic_int_set (&prepared_freed, 0);
  for (guint round = 0; round < 40; round++)
    {
      g_autoptr(DhPageCheck) check = check_start (NULL, page, &validator, prepare, prepared_free);

      take_first (check, round * 12 % page->len);
    }

  g_assert_cmpint (g_atomic_int_get (&prepared_freed), ==, g_atomic_int_get (&prepared_made));
  if (g_get_num_processors () > 1)
    g_assert_cmpint (g_atomic_int_get (&prepared_made), >, 0);
}

/* Pages started with one checker, all before the first is taken, as a
 * pull's reader starts the next page while the store writes the last:
 * the checker checks them in turn, and each gives what checking each
 * change alone gives. A page too small for a thread is checked by its
 * taker, checker or not. */
static void
test_checker_checks_pages_in_turn (void)
{
  static const guint sizes[] = { 300, 64, 20, 500, 150 };
  g_autoptr(DhPageChecker) checker = dh_page_checker_new ();
  GPtrArray *pages[G_N_ELEMENTS (sizes)];
  DhPageCheck *checks[G_N_ELEMENTS (sizes)];

  /* one processor: no checker, and each page is checked by its taker */
  g_assert_cmpint (checker != NULL, ==, g_get_num_processors () > 1);
  for (guint round = 0; round < 3; round++)
    {
      for (guint p = 0; p < G_N_ELEMENTS (sizes); p++)
        {
          pages[p] = page_new (sizes[p]);
          checks[p] = check_start (checker, pages[p], &validator, NULL, NULL);
          g_assert_cmpint (dh_page_check_is_threaded (checks[p]), ==, checker != NULL && sizes[p] >= DH_PAGE_CHECK_MIN_THREADED);
        }
      for (guint p = 0; p < G_N_ELEMENTS (sizes); p++)
        {
          g_autoptr(GHashTable) kinds = g_hash_table_new (NULL, NULL);

          g_assert_cmpuint (assert_as_checked_alone (checks[p], pages[p], TRUE, kinds), ==, expected_bad (sizes[p]));
          dh_page_check_free (checks[p]);
          g_ptr_array_unref (pages[p]);
        }
    }
}

/* Checks freed before their checker reached them, or while it checks
 * them (a write failed, a sync was cancelled): the first are taken off
 * its list, the others stop where they are, and what was made of them is
 * freed; the page started after them is checked whole. Again and again,
 * to meet the checker at every point. */
static void
test_checker_pages_freed_early (void)
{
  g_autoptr(DhPageChecker) checker = dh_page_checker_new ();
  g_autoptr(GPtrArray) first = page_new (500);
  g_autoptr(GPtrArray) second = page_new (500);
  g_autoptr(GPtrArray) third = page_new (200);

  g_atomic_int_set (&prepared_made, 0);
  g_atomic_int_set (&prepared_freed, 0);
  for (guint round = 0; round < 40; round++)
    {
      DhPageCheck *a = check_start (checker, first, &validator, prepare, prepared_free);
      DhPageCheck *b = check_start (checker, second, &validator, prepare, prepared_free);
      g_autoptr(DhPageCheck) c = check_start (checker, third, &validator, NULL, NULL);
      g_autoptr(GHashTable) kinds = g_hash_table_new (NULL, NULL);

      take_first (a, round * 13 % first->len);
      /* the one behind first, begun or not, then the one under way */
      if (round % 2 == 0)
        {
          dh_page_check_free (b);
          dh_page_check_free (a);
        }
      else
        {
          dh_page_check_free (a);
          dh_page_check_free (b);
        }
      g_assert_cmpuint (assert_as_checked_alone (c, third, TRUE, kinds), ==, expected_bad (third->len));
    }
  g_clear_pointer (&checker, dh_page_checker_free);

  g_assert_cmpint (g_atomic_int_get (&prepared_freed), ==, g_atomic_int_get (&prepared_made));
  if (g_get_num_processors () > 1)
    g_assert_cmpint (g_atomic_int_get (&prepared_made), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dh_validator_init (&validator);

  g_test_add_func ("/common/page-check/same-as-checking-each", test_same_as_checking_each);
  g_test_add_func ("/common/page-check/change-twice-checked-on-one-thread", test_change_twice_checked_on_one_thread);
  g_test_add_func ("/common/page-check/prepared-on-the-checker-thread", test_prepared_on_the_checker_thread);
  g_test_add_func ("/common/page-check/checker-as-nice-as-its-maker", test_checker_as_nice_as_its_maker);
  g_test_add_func ("/common/page-check/stopped-midway-frees-what-it-made", test_stopped_midway);
  g_test_add_func ("/common/page-check/checker-checks-pages-in-turn", test_checker_checks_pages_in_turn);
  g_test_add_func ("/common/page-check/checker-pages-freed-early", test_checker_pages_freed_early);

  return g_test_run ();
}
