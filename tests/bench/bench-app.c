/* bench-app.c – the application's frames on a large store: start to the first painted list, typing a search, scrolling, during a sync */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "bench-app"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>

#include "bench-common.h"
#include "dh-application.h"
#include "dh-autocleanups.h"
#include "dh-entity.h"
#include "dh-i18n.h"
#include "dh-record.h"
#include "dh-thread.h"
#include "dh-window.h"

/* The window of the application on a real display (Xvfb, through
 * build-aux/bench-app), driven as a caseworker drives it, with every
 * frame timed from the window's frame clock: the interval between the
 * ends of two successive paints is how long the screen stood still. A
 * tick callback keeps the clock running, so that an idle window paints at
 * the display's own pace; that idle interval, measured in the same run, is
 * the baseline every other figure is read against.
 *
 * The store is a demo store of HOUSEHOLDS households (100,000 unless
 * given), made once and kept in the build tree; each run works on a copy,
 * since the sync writes into it. The sync is a commune's first download
 * (a demo commune of SYNC_HOUSEHOLDS households, every record of it as
 * the server sends it, its places those of the store's own province),
 * applied page after page in a thread made nicer than the window's
 * (dh_thread_try_new_nicer()), as the application's sync engine writes
 * them. Each activity starts while a sync writes: when one has ended, the
 * next commune's (another seed) begins, up to N_SYNCS, so that every
 * activity is measured while records land. */

#define STORE_SEED        2026
#define SYNC_HOUSEHOLDS   5800   /* about 65,000 records */
#define SYNC_SEED         7      /* the first commune's; the next ones' follow */
#define N_SYNCS           3
#define SYNC_PAGE         500
#define KEY_INTERVAL_MS   200    /* a typist at five letters a second */
#define SETTLE_MS         500
#define IDLE_MS           2000
#define PAGE_STEPS        300    /* frames scrolled a page at a time */
#define DRAG_FRAMES       600    /* frames to drag the scrollbar to the end */
#define SLOW_FRAME_MS     50.0   /* the aim: no frame longer */
#define START_AIM_MS      1000.0

static const char typed[] = "nguyen van an";

/* What a first download brings, in the order it brings it; the places are
 * the store's already. */
static const char * const synced_entities[] = {
  "user", "household", "member", "exit_plan", "visit", "assessment", "support",
};

typedef struct
{
  const char *name;
  GArray     *ms;               /* frame intervals */
  double      longest_layout_ms; /* the frame clock's update and layout: the rows bound */
  double      longest_paint_ms;  /* its paint: the window rendered */
  double      longest_call_ms;   /* the longest call that drove it, on the main thread */
} Frames;

typedef struct
{
  DhWindow      *window;
  GtkListView   *list_view;
  GtkAdjustment *vadjustment;
  gint64         last_paint;        /* µs; 0 before the first */
  gint64         frame_start;       /* µs: this frame's before-paint */
  gint64         layout_end;
  gint64         paint_end;
  gint64         first_list_paint;  /* µs; 0 until a frame showed rows */
  Frames        *recording;         /* where the intervals go, or NULL */
  gboolean       only_while_syncing;
  gboolean       trace;             /* --trace: each slow frame's times on stderr */

  /* scrolling: one step a frame */
  double         step;              /* 0: not scrolling */
  guint          steps_left;

  /* the syncs */
  DhStore       *store;
  GPtrArray     *syncs;             /* of the pages of each: GPtrArray of GPtrArray of json_object */
  guint          next_sync;
  GPtrArray     *pages;             /* the sync running's */
  GThread       *sync_thread;       /* the sync under way: its report is its own until it ends */
  gboolean       syncing;
  gint64         sync_time;         /* µs, of the syncs ended */
  gint64         sync_start;
  DhApplyReport  sync_report;
} Bench;

static Frames *
frames_new (const char *name)
{
  Frames *frames = g_new0 (Frames, 1);

  frames->name = name;
  frames->ms = g_array_new (FALSE, FALSE, sizeof (double));
  return frames;
}

static void
frames_free (Frames *frames)
{
  g_array_unref (frames->ms);
  g_free (frames);
}

/* ---- the frame clock ---------------------------------------------------- */

/* A frame shows the list when it has items and its first row is on screen. */
static gboolean
list_is_painted (Bench *bench)
{
  GListModel *households = dh_window_get_households (bench->window);
  GtkWidget *first_row = gtk_widget_get_first_child (GTK_WIDGET (bench->list_view));

  return households != NULL && g_list_model_get_n_items (households) > 0
         && gtk_widget_get_mapped (GTK_WIDGET (bench->list_view))
         && first_row != NULL && gtk_widget_get_mapped (first_row);
}

static void
before_paint_cb (GdkFrameClock *clock,
                 gpointer       user_data)
{
  Bench *bench = user_data;

  bench->frame_start = g_get_monotonic_time ();
  bench->layout_end = bench->paint_end = 0;
}

/* Connected after GTK's own handlers of the signals, so they run when
 * GTK's work in each phase is done. */
static void
layout_cb (GdkFrameClock *clock,
           gpointer       user_data)
{
  Bench *bench = user_data;

  bench->layout_end = g_get_monotonic_time ();
}

static void
paint_cb (GdkFrameClock *clock,
          gpointer       user_data)
{
  Bench *bench = user_data;

  bench->paint_end = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();

  if (bench->first_list_paint == 0 && list_is_painted (bench))
    bench->first_list_paint = now;

  if (bench->recording != NULL && bench->last_paint != 0
      && (!bench->only_while_syncing || bench->syncing))
    {
      double ms = (now - bench->last_paint) / 1000.0;

      g_array_append_val (bench->recording->ms, ms);
      /* CLOCK_MONOTONIC, as `perf record -k CLOCK_MONOTONIC` stamps its
       * samples: `perf script --time START,END` shows what ran */
      if (bench->trace && ms > SLOW_FRAME_MS)
        fprintf (stderr, "slow frame: %.1f ms in \"%s\", --time %" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT
                 ",%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT "\n",
                 ms, bench->recording->name, bench->last_paint / G_USEC_PER_SEC, bench->last_paint % G_USEC_PER_SEC,
                 now / G_USEC_PER_SEC, now % G_USEC_PER_SEC);
      if (bench->layout_end != 0)
        bench->recording->longest_layout_ms = MAX (bench->recording->longest_layout_ms,
                                                   (bench->layout_end - bench->frame_start) / 1000.0);
      if (bench->layout_end != 0 && bench->paint_end != 0)
        bench->recording->longest_paint_ms = MAX (bench->recording->longest_paint_ms,
                                                  (bench->paint_end - bench->layout_end) / 1000.0);
    }
  bench->last_paint = now;
}

/* Keeps the clock painting every frame, and scrolls a step a frame. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Bench *bench = user_data;

  if (bench->step > 0)
    {
      double end = gtk_adjustment_get_upper (bench->vadjustment) - gtk_adjustment_get_page_size (bench->vadjustment);
      double value = MIN (gtk_adjustment_get_value (bench->vadjustment) + bench->step, end);

      gtk_adjustment_set_value (bench->vadjustment, value);
      if (value >= end || --bench->steps_left == 0)
        bench->step = 0;
    }

  return G_SOURCE_CONTINUE;
}

static void
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Records the intervals from the next frame on into FRAMES (or stops,
 * with NULL): what came before, such as the benchmark's own preparations,
 * never counts as a frame. */
static void
record_into (Bench  *bench,
             Frames *frames)
{
  bench->recording = NULL;
  if (frames == NULL)
    return;

  bench->last_paint = 0;
  while (bench->last_paint == 0)
    g_main_context_iteration (NULL, TRUE);
  bench->recording = frames;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* ---- what the caseworker does ------------------------------------------- */

static void
stay_idle (Bench  *bench,
           Frames *frames)
{
  record_into (bench, frames);
  run_for (IDLE_MS);
  record_into (bench, NULL);
}

/* The card of the first household listed, opened as a caseworker opens
 * it, then left shown (for the rest of the run, as a caseworker leaves it
 * while typing and scrolling); the frames from the opening on. */
static void
show_a_card (Bench  *bench,
             Frames *frames)
{
  g_autoptr(DhRecord) first = g_list_model_get_item (dh_window_get_households (bench->window), 0);

  record_into (bench, frames);
  if (first == NULL || !dh_window_show_household (bench->window, dh_record_get_id (first)))
    g_error ("no household's card could be shown");
  run_for (IDLE_MS);
  record_into (bench, NULL);
}

/* Where the keys go: the search entry, which has the focus when the
 * window opens. */
static GtkEditable *
focused_editable (Bench *bench)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (bench->window));

  if (focus == NULL || !GTK_IS_EDITABLE (focus))
    g_error ("the search entry does not have the focus");
  return GTK_EDITABLE (focus);
}

/* A key pressed: a letter added at the end, or with NULL the last one
 * erased, as the keyboard does it; then the time until the next key. The
 * key itself is timed, since what runs before it returns holds up the
 * frame. */
static void
press_key (Bench      *bench,
           const char *letter,
           Frames     *frames)
{
  GtkEditable *editable = focused_editable (bench);
  int length = (int) g_utf8_strlen (gtk_editable_get_text (editable), -1);
  gint64 start = g_get_monotonic_time ();

  if (letter != NULL)
    gtk_editable_insert_text (editable, letter, -1, &length);
  else if (length > 0)
    gtk_editable_delete_text (editable, length - 1, length);
  frames->longest_call_ms = MAX (frames->longest_call_ms, (g_get_monotonic_time () - start) / 1000.0);
  run_for (KEY_INTERVAL_MS);
}

static gboolean keep_syncing (Bench *bench);

/* Types TEXT a letter at a time, then erases it a letter at a time, back
 * to the whole list. The search entry waits for a pause in the typing
 * before it searches, as it does for a caseworker. */
static void
type_and_erase (Bench      *bench,
                const char *text,
                Frames     *typing,
                Frames     *erasing)
{
  /* Ctrl+F, as a caseworker goes back to the search from a card */
  if (!gtk_widget_activate_action (GTK_WIDGET (bench->window), "win.search", NULL))
    g_error ("the window has no search action");
  run_for (SETTLE_MS);
  record_into (bench, typing);
  for (const char *letter = text; *letter != '\0'; letter = g_utf8_next_char (letter))
    {
      g_autofree char *one = g_strndup (letter, g_utf8_next_char (letter) - letter);

      press_key (bench, one, typing);
    }
  run_for (SETTLE_MS);

  keep_syncing (bench);
  record_into (bench, erasing);
  for (const char *letter = text; *letter != '\0'; letter = g_utf8_next_char (letter))
    press_key (bench, NULL, erasing);
  run_for (SETTLE_MS);
  record_into (bench, NULL);
}

static void
scroll_to_top (Bench *bench)
{
  gtk_adjustment_set_value (bench->vadjustment, 0);
  run_for (SETTLE_MS);
}

/* STEPS steps of a page each from the top, a step a frame. */
static void
scroll_by_pages (Bench  *bench,
                 guint   steps,
                 Frames *frames)
{
  scroll_to_top (bench);
  record_into (bench, frames);
  bench->steps_left = steps;
  bench->step = gtk_adjustment_get_page_size (bench->vadjustment);
  while (bench->step > 0 && (!bench->only_while_syncing || bench->syncing))
    g_main_context_iteration (NULL, TRUE);
  bench->step = 0;
  record_into (bench, NULL);
}

/* From the top to the end of the list in about FRAMES frames, as when the
 * scrollbar is dragged: each frame shows rows not read before. */
static void
scroll_to_end (Bench  *bench,
               guint   frames_wanted,
               Frames *frames)
{
  double distance;

  scroll_to_top (bench);
  distance = gtk_adjustment_get_upper (bench->vadjustment) - gtk_adjustment_get_page_size (bench->vadjustment);
  record_into (bench, frames);
  bench->steps_left = G_MAXUINT;
  bench->step = MAX (gtk_adjustment_get_page_size (bench->vadjustment), distance / frames_wanted);
  while (bench->step > 0 && (!bench->only_while_syncing || bench->syncing))
    g_main_context_iteration (NULL, TRUE);
  bench->step = 0;
  record_into (bench, NULL);
}

/* ---- the sync ----------------------------------------------------------- */

/* Places by kind and code, to their ids in STORE. */
static GHashTable *
places_by_code (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = "admin_unit", .limit = DH_STORE_MAX_LIMIT };
  g_autoptr(GPtrArray) places = dh_store_list (store, &query, &error);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (places == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < places->len; i++)
    {
      json_object *place = g_ptr_array_index (places, i);

      g_hash_table_insert (ids,
                           g_strdup_printf ("%s:%s", dh_json_get_string (place, "kind"), dh_json_get_string (place, "code")),
                           g_strdup (dh_json_get_string (place, "id")));
    }

  return ids;
}

/* The ids of SOURCE's places to the ids of TARGET's places of the same
 * kind and code. */
static GHashTable *
match_places (DhStore *source,
              DhStore *target)
{
  g_autoptr(GHashTable) from = places_by_code (source);
  g_autoptr(GHashTable) to = places_by_code (target);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, id;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &id))
    {
      const char *target_id = g_hash_table_lookup (to, key);

      if (target_id != NULL)
        g_hash_table_insert (ids, g_strdup (id), g_strdup (target_id));
    }

  return ids;
}

static void
move_fields_to_places (json_object *fields,
                       GHashTable  *places)
{
  json_object_object_foreach (fields, name, entry)
    {
      gboolean alone = !json_object_is_type (entry, json_type_array);
      json_object *value = alone ? entry : json_object_array_get_idx (entry, 0);
      const char *place = json_object_is_type (value, json_type_string)
                          ? g_hash_table_lookup (places, json_object_get_string (value)) : NULL;

      if (place == NULL)
        continue;
      if (alone)
        json_object_object_add (fields, name, json_object_new_string (place));
      else
        json_object_array_put_idx (entry, 0, json_object_new_string (place));
    }
}

/* A change of the source as if made in the target's places: its commune
 * and every field that names a place. */
static void
move_to_places (json_object *change,
                GHashTable  *places)
{
  const char *commune = dh_json_get_string (change, "c");
  const char *moved = commune != NULL ? g_hash_table_lookup (places, commune) : NULL;
  json_object *fields;

  if (moved != NULL)
    json_object_object_add (change, "c", json_object_new_string (moved));
  if (json_object_object_get_ex (change, "f", &fields))
    move_fields_to_places (fields, places);
}

/* A commune's first download for TARGET, in pages as the server sends
 * them: the records of a demo store of its own. */
static GPtrArray *
make_sync_pages (DhStore *target,
                 guint    seed,
                 guint   *out_changes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source_path = bench_cached_demo_store (SYNC_HOUSEHOLDS, seed);
  g_autoptr(DhStore) source = dh_store_open_full (source_path, DH_STORE_OPEN_READ_ONLY, &error);
  g_autoptr(GHashTable) places = NULL;
  GPtrArray *pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *page = NULL;

  if (source == NULL)
    g_error ("%s", error->message);
  places = match_places (source, target);
  *out_changes = 0;

  for (guint i = 0; i < G_N_ELEMENTS (synced_entities); i++)
    {
      g_autoptr(GPtrArray) state = dh_store_export_state (source, synced_entities[i], &error);

      if (state == NULL)
        g_error ("%s", error->message);
      for (guint j = 0; j < state->len; j++)
        {
          json_object *change = g_ptr_array_index (state, j);

          if (page == NULL || page->len == SYNC_PAGE)
            {
              page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
              g_ptr_array_add (pages, page);
            }
          move_to_places (change, places);
          g_ptr_array_add (page, json_object_get (change));
          (*out_changes)++;
        }
    }

  return pages;
}

/* The sync's end, told on the main thread */
static gboolean
sync_ended_cb (gpointer user_data)
{
  Bench *bench = user_data;

  g_thread_join (g_steal_pointer (&bench->sync_thread));
  bench->syncing = FALSE;
  bench->sync_time += g_get_monotonic_time () - bench->sync_start;
  return G_SOURCE_REMOVE;
}

/* A commune's pages written one after another, as the engine's sync
 * thread writes them, in a thread as much nicer than the window's */
static gpointer
apply_pages (gpointer data)
{
  Bench *bench = data;

  for (guint i = 0; i < bench->pages->len; i++)
    {
      g_autoptr(GError) error = NULL;
      DhApplyReport report;

      if (!dh_store_apply_changes (bench->store, g_ptr_array_index (bench->pages, i), NULL, &report, &error))
        g_error ("%s", error->message);
      bench->sync_report.applied += report.applied;
      bench->sync_report.already += report.already;
      bench->sync_report.held += report.held;
      bench->sync_report.conflicts += report.conflicts;
      bench->sync_report.rejected += report.rejected;
    }
  g_idle_add (sync_ended_cb, bench);
  return NULL;
}

/* Starts the next commune's sync when none runs; whether one runs. */
static gboolean
keep_syncing (Bench *bench)
{
  if (bench->syncs == NULL)
    return FALSE;
  if (bench->syncing || bench->next_sync == bench->syncs->len)
    return bench->syncing;

  bench->pages = g_ptr_array_index (bench->syncs, bench->next_sync++);
  bench->syncing = TRUE;
  bench->sync_start = g_get_monotonic_time ();
  {
    g_autoptr(GError) error = NULL;

    bench->sync_thread = dh_thread_try_new_nicer ("bench-sync", apply_pages, bench, &error);
    if (bench->sync_thread == NULL)
      g_error ("%s", error->message);
  }
  return TRUE;
}

/* ---- the figures -------------------------------------------------------- */

static void
print_header (void)
{
  printf ("  %-52s %6s %8s %8s %8s %7s %9s %8s %8s\n", "", "frames", "median", "p99", "max", ">50 ms", "max/idle",
          "layout", "paint");
}

static void
print_frames (Frames *frames,
              double  idle_median)
{
  double max;
  guint slow = 0;

  if (frames->ms->len == 0)
    {
      printf ("  %-52s      0 (none measured)\n", frames->name);
      return;
    }

  for (guint i = 0; i < frames->ms->len; i++)
    if (g_array_index (frames->ms, double, i) > SLOW_FRAME_MS)
      slow++;
  max = bench_percentile (frames->ms, 1.0);

  printf ("  %-52s %6u %5.1f ms %5.1f ms %5.1f ms %7u %8.1f× %5.1f ms %5.1f ms\n", frames->name, frames->ms->len,
          bench_percentile (frames->ms, 0.5), bench_percentile (frames->ms, 0.99), max, slow,
          max / idle_median, frames->longest_layout_ms, frames->longest_paint_ms);
  if (frames->longest_call_ms > 0)
    printf ("  %-52s %24.1f ms\n", "    of which the longest key press itself", frames->longest_call_ms);
}

static void
print_load (const char *when)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    printf ("load average %s: %s", when, load);
}

/* The caseworker's round: the window idle, a name typed and erased, the
 * list scrolled a page a frame and then to its end; the frames of each
 * printed against IDLE_MEDIAN, or against this round's idle frames when
 * 0, whose median it returns. While a sync runs, frames count only until
 * it ends, and rounds a third as long go on until then. */
static double
measure_round (Bench  *bench,
               double  idle_median)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) frames_free);
  /* while syncs run, rounds a third as long, so that a few communes' syncs
   * are enough */
  gboolean syncs = bench->syncs != NULL;
  guint shorter = syncs ? 3 : 1;
  g_autofree char *typing_name = g_strdup_printf ("typing \"%s\", a letter every %u ms", typed, KEY_INTERVAL_MS);
  g_autofree char *paging_name = g_strdup_printf ("scrolling a page a frame (%u pages)", PAGE_STEPS / shorter);
  g_autofree char *dragging_name = g_strdup_printf ("scrolling to the end (scrollbar dragged, ~%u frames)",
                                                    DRAG_FRAMES / shorter);
  Frames *idle = frames_new ("the window idle");
  Frames *card = frames_new ("a household's card shown, then idle");
  Frames *typing = frames_new (typing_name);
  Frames *erasing = frames_new ("erasing it a letter at a time, to the whole list");
  Frames *paging = frames_new (paging_name);
  Frames *dragging = frames_new (dragging_name);

  g_ptr_array_add (all, idle);
  g_ptr_array_add (all, card);
  g_ptr_array_add (all, typing);
  g_ptr_array_add (all, erasing);
  g_ptr_array_add (all, paging);
  g_ptr_array_add (all, dragging);

  /* with syncs, each activity begins while one writes, and its frames
   * count until it ends */
  bench->only_while_syncing = syncs;
  keep_syncing (bench);
  stay_idle (bench, idle);
  keep_syncing (bench);
  show_a_card (bench, card);
  keep_syncing (bench);
  type_and_erase (bench, typed, typing, erasing);
  keep_syncing (bench);
  scroll_by_pages (bench, PAGE_STEPS / shorter, paging);
  keep_syncing (bench);
  scroll_to_end (bench, DRAG_FRAMES / shorter, dragging);
  while (bench->syncing)
    g_main_context_iteration (NULL, TRUE);

  if (idle_median == 0)
    idle_median = bench_percentile (idle->ms, 0.5);
  print_header ();
  for (guint i = 0; i < all->len; i++)
    print_frames (g_ptr_array_index (all, i), idle_median);
  fflush (stdout);

  return idle_median;
}

/* ---- the run ------------------------------------------------------------ */

static char *
copy_store (const char *path,
            const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) from = g_file_new_for_path (path);
  char *copy = g_build_filename (dir, "bench-app.db", NULL);
  g_autoptr(GFile) to = g_file_new_for_path (copy);

  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);

  return copy;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhApplication) app = NULL;
  g_autofree char *cached = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  Bench bench = { 0 };
  GdkFrameClock *clock;
  gboolean sync = TRUE;
  guint households = 100000;
  guint sync_changes = 0;
  gint64 start_init, start_app, registered, window_made;
  double idle_median;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--no-sync") == 0)
        sync = FALSE;
      else if (strcmp (argv[i], "--trace") == 0)
        bench.trace = TRUE;
      else if ((households = (guint) atoi (argv[i])) == 0)
        {
          fprintf (stderr, "usage: %s [--no-sync] [--trace] [HOUSEHOLDS]\n", argv[0]);
          return 2;
        }
    }

  cached = bench_cached_demo_store (households, STORE_SEED);
  dir = g_dir_make_tmp ("donghanh-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = copy_store (cached, dir);

  printf ("Đồng Hành application benchmark: a store of %s households (demo, seed %u), on %s\n",
          bench_grouped (households), STORE_SEED, g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : "no display");
  print_load ("at the start");

  /* 1. from nothing to a list on the screen */
  start_init = g_get_monotonic_time ();
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  dh_i18n_init ();
  /* the renderer the application would take here (GSK_RENDERER=gl to measure OpenGL) */
  dh_application_choose_renderer ();
  gtk_init ();
  adw_init ();

  start_app = g_get_monotonic_time ();
  app = dh_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  dh_application_set_store_path (app, path);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  registered = g_get_monotonic_time ();

  bench.window = g_object_ref_sink (dh_window_new (app));
  bench.list_view = dh_window_get_list_view (bench.window);
  bench.vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench.list_view));
  window_made = g_get_monotonic_time ();
  gtk_window_present (GTK_WINDOW (bench.window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
  g_assert (clock != NULL);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), &bench);
  g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), &bench);
  g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), &bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &bench);
  while (bench.first_list_paint == 0)
    g_main_context_iteration (NULL, TRUE);

  printf ("renderer: %s; window %d×%d\n\n",
          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (bench.window))),
          gtk_widget_get_width (GTK_WIDGET (bench.window)), gtk_widget_get_height (GTK_WIDGET (bench.window)));
  printf ("1. Start to the first painted list of %s households (aim: under %.0f ms)\n",
          bench_grouped (g_list_model_get_n_items (dh_window_get_households (bench.window))), START_AIM_MS);
  printf ("  %-52s %8.1f ms\n", "dh_application_new to the first frame with rows:", (bench.first_list_paint - start_app) / 1000.0);
  printf ("    %-50s %8.1f ms\n", "the application made and registered", (registered - start_app) / 1000.0);
  printf ("    %-50s %8.1f ms\n", "the window made (the store opened, its list read)", (window_made - registered) / 1000.0);
  printf ("    %-50s %8.1f ms\n", "presented, to the end of the first frame with rows", (bench.first_list_paint - window_made) / 1000.0);
  printf ("  %-52s %8.1f ms\n", "before it, gtk_init and adw_init:", (start_app - start_init) / 1000.0);
  fflush (stdout);

  /* 2. the frames of an idle window, then of typing and scrolling */
  gtk_widget_add_tick_callback (GTK_WIDGET (bench.window), tick_cb, &bench, NULL);
  run_for (SETTLE_MS);
  printf ("\n2. Frames: the interval between the ends of two paints (aim: none over %.0f ms); the idle\n"
          "   window paints at the display's own pace, the baseline of max/idle\n", SLOW_FRAME_MS);
  idle_median = measure_round (&bench, 0);

  /* 3. the same while syncs write */
  if (sync)
    {
      bench.store = dh_context_get_store (dh_application_get_context (app));
      bench.syncs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
      for (guint i = 0; i < N_SYNCS; i++)
        {
          guint changes = 0;

          g_ptr_array_add (bench.syncs, make_sync_pages (bench.store, SYNC_SEED + i, &changes));
          sync_changes = MAX (sync_changes, changes);
        }
      print_load ("before the syncs");
      printf ("\n3. The same while a sync writes about %s records in pages of %u (a commune's first download;\n"
              "   each activity begins while one runs, the next commune's when the one before has ended)\n",
              bench_grouped (sync_changes), SYNC_PAGE);
      measure_round (&bench, idle_median);
      printf ("  %u syncs took %.1f s: %s applied, %s already there, %s held, %s set aside;\n"
              "  max/idle: against the idle window's median before the syncs\n",
              bench.next_sync, bench.sync_time / 1e6, bench_grouped (bench.sync_report.applied),
              bench_grouped (bench.sync_report.already), bench_grouped (bench.sync_report.held),
              bench_grouped (bench.sync_report.rejected));
    }

  print_load ("at the end");
  gtk_window_destroy (GTK_WINDOW (bench.window));
  g_clear_object (&bench.window);
  g_clear_pointer (&bench.syncs, g_ptr_array_unref);
  g_clear_object (&app);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  bench_remove_store (dir, path);

  return 0;
}
