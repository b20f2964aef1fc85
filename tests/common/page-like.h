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
