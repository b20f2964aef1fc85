/* crash-writer.c – writes to a store without end and reports each acknowledged write; killed by test-crash */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <stdio.h>

#include "dh-autocleanups.h"
#include "dh-store.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DhStore) store = NULL;
  g_autoptr(GRand) rand = NULL;
  const char *village;

  if (argc != 4)
    {
      g_printerr ("usage: crash-writer STORE VILLAGE_ID SEED\n");
      return 2;
    }

  store = dh_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("crash-writer: %s\n", error->message);
      return 1;
    }
  village = argv[2];
  rand = g_rand_new_with_seed ((guint32) g_ascii_strtoull (argv[3], NULL, 10));

  for (guint n = 0;; n++)
    {
      g_autoptr(json_object) household = NULL;
      g_autoptr(json_object) member = NULL;
      g_autofree char *text = NULL;
      g_autoptr(json_object) fields = NULL;
      gboolean batch = g_rand_int_range (rand, 0, 4) == 0;

      /* some writes go in multi-record transactions: all of one lands or none */
      if (batch && !dh_store_begin (store, &error))
        break;

      text = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Nguyễn Văn Số %u\", \"notes\": \"%s\"}",
                              village, n, batch ? "batch" : "single");
      fields = json_tokener_parse (text);
      household = dh_store_create (store, "household", fields, &error);
      if (household == NULL)
        break;

      g_free (text);
      json_object_put (fields);
      text = g_strdup_printf ("{\"household\": \"%s\", \"full_name\": \"Trần Thị Thành Viên %u\"}",
                              dh_json_get_string (household, "id"), n);
      fields = json_tokener_parse (text);
      member = dh_store_create (store, "member", fields, &error);
      if (member == NULL)
        break;

      if (batch && !dh_store_commit (store, &error))
        break;

      /* acknowledged: the write has committed */
      printf ("%s %s\n", dh_json_get_string (household, "id"), dh_json_get_string (member, "id"));
      fflush (stdout);
    }

  g_printerr ("crash-writer: %s\n", error != NULL ? error->message : "stopped");
  return 1;
}
