/* test-thread.c – a writer thread and the main loop share the store: reads never wait, views hear on the main thread */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-record-list.h"
#include "store-fixture.h"

#define N_BATCHES  40
#define BATCH_SIZE 100

static GThread *main_thread;

static void
run_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static json_object *
create_household (DhStore    *store,
                  const char *village,
                  guint       number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Hộ Số %05u\"}", village, number);
  g_autoptr(json_object) fields = json_tokener_parse (text);
  json_object *record = dh_store_create (store, "household", fields, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static gint64
count_households (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = "household" };
  gint64 count = dh_store_count (store, &query, &error);

  g_assert_no_error (error);
  return count;
}

/* Reads while a write transaction stays open in another thread */

typedef struct
{
  StoreFixture *fixture;
  GMutex        mutex;
  GCond         cond;
  gboolean      begun;
  gboolean      read;
  char         *id;
} OpenWrite;

static gpointer
write_and_wait (gpointer data)
{
  OpenWrite *write = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) record = NULL;
  g_autoptr(json_object) seen = NULL;

  g_assert_true (dh_store_begin (write->fixture->store, &error));
  record = create_household (write->fixture->store, write->fixture->village, 1);

  /* inside its own transaction, the writer reads what it has not committed */
  seen = dh_store_get (write->fixture->store, "household", dh_json_get_string (record, "id"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (seen);
  g_assert_cmpint (count_households (write->fixture->store), ==, 1);

  g_mutex_lock (&write->mutex);
  write->id = g_strdup (dh_json_get_string (record, "id"));
  write->begun = TRUE;
  g_cond_signal (&write->cond);
  while (!write->read)
    g_cond_wait (&write->cond, &write->mutex);
  g_mutex_unlock (&write->mutex);

  g_assert_true (dh_store_commit (write->fixture->store, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_reads_never_wait_for_a_write (StoreFixture  *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autoptr(json_object) missing = NULL;
  g_autoptr(json_object) status = NULL;
  g_autoptr(json_object) report = NULL;
  g_autoptr(GPtrArray) villages = NULL;
  g_autoptr(DhRecordList) list = NULL;
  OpenWrite write = { .fixture = fixture };
  DhQuery query = { .entity = "village" };

  g_mutex_init (&write.mutex);
  g_cond_init (&write.cond);
  thread = g_thread_new ("writer", write_and_wait, &write);

  g_mutex_lock (&write.mutex);
  while (!write.begun)
    g_cond_wait (&write.cond, &write.mutex);
  g_mutex_unlock (&write.mutex);

  /* the writer holds its transaction open until these reads are done: a
   * read that waited for it would never return */
  g_assert_cmpint (count_households (fixture->store), ==, 0);
  missing = dh_store_get (fixture->store, "household", write.id, &error);
  g_assert_error (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);

  villages = dh_store_list (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (villages->len, ==, 2);
  status = dh_store_get_status (fixture->store, &error);
  g_assert_no_error (error);
  report = dh_store_report_classes_by_village (fixture->store, fixture->commune, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_object_array_length (report), ==, 2);
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  g_mutex_lock (&write.mutex);
  write.read = TRUE;
  g_cond_signal (&write.cond);
  g_mutex_unlock (&write.mutex);
  g_thread_join (g_steal_pointer (&thread));

  g_assert_cmpint (count_households (fixture->store), ==, 1);
  g_assert_true (dh_record_list_reload (list, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);

  g_free (write.id);
  g_mutex_clear (&write.mutex);
  g_cond_clear (&write.cond);
}

/* changed reaches the main thread */

static void
changed_cb (DhStore    *store,
            const char *entity,
            guint      *heard)
{
  g_assert_true (g_thread_self () == main_thread);
  (*heard)++;
}

static gpointer
write_one (gpointer data)
{
  StoreFixture *fixture = data;

  json_object_put (create_household (fixture->store, fixture->village, 7));
  return NULL;
}

static void
test_changed_reaches_the_main_thread (StoreFixture  *fixture,
                                      gconstpointer  data)
{
  guint heard = 0;

  run_main_context ();
  g_signal_connect (fixture->store, "changed::household", G_CALLBACK (changed_cb), &heard);

  g_thread_join (g_thread_new ("writer", write_one, fixture));
  g_assert_cmpuint (heard, ==, 0);
  run_main_context ();
  g_assert_cmpuint (heard, ==, 1);

  g_signal_handlers_disconnect_by_func (fixture->store, changed_cb, &heard);
}

/* A writer thread writes thousands of households while the main loop
 * pages a list of them */

typedef struct
{
  StoreFixture *fixture;
  DhRecordList *list;
  gint          finished;
  guint         changes_heard;
  guint         pages_read;
  guint         counts_read;
} Busy;

static gpointer
write_batches (gpointer data)
{
  Busy *busy = data;

  for (guint batch = 0; batch < N_BATCHES; batch++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (dh_store_begin (busy->fixture->store, &error));
      for (guint i = 0; i < BATCH_SIZE; i++)
        json_object_put (create_household (busy->fixture->store, busy->fixture->village, batch * BATCH_SIZE + i));
      g_assert_true (dh_store_commit (busy->fixture->store, &error));
      g_assert_no_error (error);
    }

  g_atomic_int_set (&busy->finished, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static guint
household_number (DhRecord *record)
{
  const char *head = dh_record_get_string (record, "head_name");

  g_assert_nonnull (head);
  return (guint) g_ascii_strtoull (strrchr (head, ' ') + 1, NULL, 10);
}

/* Households are written in the order they sort in, a batch at a time:
 * a consistent page holds whole batches, the household of each position
 * being the one of that number. */
static void
check_page (DhRecordList *list,
            guint         page)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (list));

  g_assert_cmpuint (n_items % BATCH_SIZE, ==, 0);
  for (guint i = page * 50; i < MIN (n_items, page * 50 + 50); i++)
    {
      g_autoptr(DhRecord) record = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_nonnull (record);
      g_assert_true (dh_record_is_loaded (record));
      g_assert_cmpuint (household_number (record), ==, i);
    }
}

static void
busy_changed_cb (DhStore    *store,
                 const char *entity,
                 Busy       *busy)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_thread_self () == main_thread);
  busy->changes_heard++;
  g_assert_true (dh_record_list_reload (busy->list, &error));
  g_assert_no_error (error);
}

static void
test_writer_thread_and_paging_main_loop (StoreFixture  *fixture,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autoptr(DhRecordList) list = NULL;
  Busy busy = { .fixture = fixture };
  guint total = N_BATCHES * BATCH_SIZE;

  run_main_context ();
  list = dh_record_list_new (fixture->store, "household", NULL, DH_SORT_GIVEN_NAME, &error);
  g_assert_no_error (error);
  busy.list = list;
  g_signal_connect (fixture->store, "changed::household", G_CALLBACK (busy_changed_cb), &busy);

  thread = g_thread_new ("writer", write_batches, &busy);
  while (!g_atomic_int_get (&busy.finished))
    {
      guint n_pages = (g_list_model_get_n_items (G_LIST_MODEL (list)) + 49) / 50;
      gint64 count;

      g_main_context_iteration (NULL, FALSE);

      /* the rows a scrolling view asks for, here and there */
      if (n_pages > 0)
        {
          check_page (list, (busy.pages_read * 7) % n_pages);
          busy.pages_read++;
        }

      count = count_households (fixture->store);
      g_assert_cmpint (count % BATCH_SIZE, ==, 0);
      g_assert_cmpint (count, >=, g_list_model_get_n_items (G_LIST_MODEL (list)));
      busy.counts_read++;
    }
  g_thread_join (g_steal_pointer (&thread));
  run_main_context ();

  g_test_message ("%u pages and %u counts read during %u commits; changed heard %u times",
                  busy.pages_read, busy.counts_read, N_BATCHES, busy.changes_heard);
  g_assert_cmpuint (busy.changes_heard, >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, total);
  for (guint page = 0; page < total / 50; page++)
    check_page (list, page);

  g_signal_handlers_disconnect_by_func (fixture->store, busy_changed_cb, &busy);
  g_assert_finalize_object (g_steal_pointer (&list));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

  STORE_TEST ("/store/thread/reads-never-wait-for-a-write", test_reads_never_wait_for_a_write);
  STORE_TEST ("/store/thread/changed-reaches-the-main-thread", test_changed_reaches_the_main_thread);
  STORE_TEST ("/store/thread/writer-thread-and-paging-main-loop", test_writer_thread_and_paging_main_loop);

  return g_test_run ();
}
