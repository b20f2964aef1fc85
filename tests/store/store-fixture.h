/* store-fixture.h – a fresh store in a temporary folder, with one province, commune and village */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "dh-autocleanups.h"
#include "dh-store.h"
#include "dh-change.h"
#include "../test-tree.h"

typedef struct
{
  char        *dir;
  char        *path;
  DhStore     *store;
  char        *province;
  char        *commune;
  char        *village;
  char        *other_village;
} StoreFixture;

static inline json_object *
fixture_json (const char *text)
{
  json_object *object = json_tokener_parse (text);

  g_assert_nonnull (object);
  return object;
}

/* Creates ENTITY from a printf-formatted JSON text; asserts success. */
G_GNUC_PRINTF (3, 4)
static inline json_object *
fixture_create (StoreFixture *fixture,
                const char   *entity,
                const char   *format,
                ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(json_object) fields = NULL;
  json_object *record;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  fields = fixture_json (text);
  record = dh_store_create (fixture->store, entity, fields, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);

  return record;
}

static inline char *
fixture_create_id (StoreFixture *fixture,
                   const char   *entity,
                   const char   *text)
{
  g_autoptr(json_object) record = fixture_create (fixture, entity, "%s", text);

  return g_strdup (dh_json_get_string (record, "id"));
}

/* Creates ENTITY from a printf-formatted JSON text; returns its id. */
G_GNUC_PRINTF (3, 4)
static inline char *
fixture_new_id (StoreFixture *fixture,
                const char   *entity,
                const char   *format,
                ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  return fixture_create_id (fixture, entity, text);
}

/* A change as it travels, its fields as a plain object of values. */
static inline json_object *
fixture_change_values (json_object *wire)
{
  json_object *values = json_object_new_object ();
  json_object *fields = NULL;

  g_assert_true (json_object_object_get_ex (wire, "f", &fields));
  {
    json_object_object_foreach (fields, key, entry)
      {
        DhWrite write;

        (void) entry;
        g_assert_true (dh_change_wire_get_write (wire, key, &write));
        json_object_object_add (values, key, write.value != NULL ? json_object_get (write.value) : NULL);
      }
  }

  return values;
}

/* As a push does: what is in the queue has left the device. */
static inline void
fixture_mark_sent (StoreFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = dh_store_get_pending_changes (fixture->store, 0, &error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < changes->len; i++)
    {
      json_object *wire = g_ptr_array_index (changes, i);

      g_ptr_array_add (ids, g_strconcat (dh_json_get_string (wire, "r"), "@", dh_json_get_string (wire, "k"), NULL));
    }
  g_ptr_array_add (ids, NULL);
  g_assert_true (dh_store_mark_changes_sent (fixture->store, (const char * const *) ids->pdata, &error));
  g_assert_no_error (error);
}

static inline void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  fixture->dir = g_dir_make_tmp ("donghanh-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "store.db", NULL);
  fixture->store = dh_store_open (fixture->path, &error);
  g_assert_no_error (error);
  dh_store_set_user (fixture->store, "tester");

  fixture->province = fixture_create_id (fixture, "admin_unit",
                                         "{\"code\": \"99\", \"kind\": \"province\", \"name\": \"Tỉnh Thử\"}");
  json = g_strdup_printf ("{\"code\": \"99001\", \"kind\": \"commune\", \"name\": \"Xã Thử\", \"area\": \"rural\", \"parent\": \"%s\"}",
                          fixture->province);
  fixture->commune = fixture_create_id (fixture, "admin_unit", json);
  g_free (json);
  json = g_strdup_printf ("{\"code\": \"T1\", \"kind\": \"village\", \"name\": \"Thôn Nà Hẩu\", \"parent\": \"%s\"}",
                          fixture->commune);
  fixture->village = fixture_create_id (fixture, "admin_unit", json);
  g_free (json);
  json = g_strdup_printf ("{\"code\": \"T2\", \"kind\": \"village\", \"name\": \"Bản Phìn Hồ\", \"parent\": \"%s\"}",
                          fixture->commune);
  fixture->other_village = fixture_create_id (fixture, "admin_unit", json);
}

static inline void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  data)
{
  g_clear_object (&fixture->store);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->province);
  g_free (fixture->commune);
  g_free (fixture->village);
  g_free (fixture->other_village);
}

#define STORE_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)
