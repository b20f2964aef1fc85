/* store-state.h – everything a device's store holds, as text two copies can be compared by */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

#include "dh-store.h"

/* Every record of every kind a sync carries, with every clock, base and
 * author (dh_store_export_state()): two copies that agree give the same
 * text, byte for byte. */
static inline char *
store_state (DhStore *store)
{
  static const char * const entities[] = { "admin_unit", "household", "member", "exit_plan", "visit",
                                            "assessment", "support", "conflict" };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) changes = dh_store_export_state (store, entities[i], &error);

      g_assert_no_error (error);
      for (guint j = 0; j < changes->len; j++)
        {
          g_string_append (text, json_object_to_json_string_ext (g_ptr_array_index (changes, j), JSON_C_TO_STRING_PLAIN));
          g_string_append_c (text, '\n');
        }
    }
  return g_string_free (text, FALSE);
}
