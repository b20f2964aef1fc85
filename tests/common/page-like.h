/* page-like.h – text shaped as a page of changes, for the compression tests */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

/* LENGTH bytes a page of changes might hold: JSON that repeats itself,
 * with numbers that do not, from SEED */
static inline GString *
page_like (gsize   length,
           guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GString *text = g_string_sized_new (length + 128);

  while (text->len < length)
    g_string_append_printf (text, "{\"e\":\"member\",\"r\":\"%08x-%04x\",\"f\":{\"full_name\":[\"Nguyễn Thị %u\"]}},",
                            g_rand_int (rand), g_rand_int_range (rand, 0, 0xffff), g_rand_int_range (rand, 0, 1000));
  g_string_truncate (text, length);
  return text;
}

typedef void (*RoundTrip) (const void *data,
                           gsize       length);

static inline gpointer
page_like_round_trips (gpointer data)
{
  RoundTrip *round_trip = data;
  static gint next_seed = 1;
  guint seed = (guint) g_atomic_int_add (&next_seed, 1);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GString) page = page_like (32 * 1024 + i * 997, seed * 100 + i);

      (*round_trip) (page->str, page->len);
    }
  return NULL;
}

/* ROUND_TRIP of pages of their own on four threads at once: a server's
 * threads compress at once, each with its own context */
static inline void
page_like_round_trips_in_threads (RoundTrip round_trip)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("round-trips", page_like_round_trips, &round_trip);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}
