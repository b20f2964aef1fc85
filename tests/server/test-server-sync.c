/* test-server-sync.c – push and pull through donghanh-server, between real device stores */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "dh-autocleanups.h"
#include "dh-catalogue.h"
#include "dh-gzip.h"
#include "dh-server-db.h"
#include "dh-server-sync.h"
#include "dh-store.h"
#include "server-client.h"
#include "server-fixture.h"
#include "../sync/store-state.h"

#define PASSWORD "mật khẩu 2026"

static PgCluster cluster;
static GSubprocess *serving;
static char *base_url;
static char *cert_file;
static char *key_file;
static ServerClient client;
static GSubprocess *other_serving;  /* a second process on the same database */
static char *other_url;
static ServerClient other_client;
static guint n_devices;

/* A device: its store, and the token of the user signed in on it. */
typedef struct
{
  DhStore            *store;
  char               *token;
  char               *commune_id;
  const ServerClient *via;         /* the server process it speaks to */
  gboolean            lose_ack;    /* its next push's answer never arrives */
  guint               page_limit;  /* 0: the server's */
  guint               protocol;    /* the version its pushes and pulls speak; 0: 2 */
} Device;

static void
device_clear (Device *device)
{
  g_clear_object (&device->store);
  g_clear_pointer (&device->token, g_free);
  g_clear_pointer (&device->commune_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Device, device_clear)

static char *
query_one (const char *sql)
{
  g_autoptr(PGconn) conn = PQconnectdb (cluster.conninfo);
  g_autoptr(PGresult) result = NULL;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (result), ==, 1);
  return g_strdup (PQgetvalue (result, 0, 0));
}

static gint64
count_rows (const char *sql)
{
  g_autofree char *value = query_one (sql);

  return g_ascii_strtoll (value, NULL, 10);
}

/* The records of each commune, and the province's, are as many as
 * migration 5's trigger counted: a first pull's progress reads them. */
static void
assert_record_counts_kept (void)
{
  g_assert_cmpint (count_rows ("SELECT count (*) FROM"
                               " (SELECT commune, count (*) AS records FROM record GROUP BY commune) counted"
                               " FULL JOIN record_count kept"
                               " ON coalesce (kept.commune, '00000000-0000-0000-0000-000000000000')"
                               "  = coalesce (counted.commune, '00000000-0000-0000-0000-000000000000')"
                               " WHERE kept.records IS DISTINCT FROM counted.records"), ==, 0);
  g_assert_cmpint (count_rows ("SELECT count (*) FROM record_count"), >, 1);
}

/* A new, empty store on a device where USERNAME signed in. */
static void
device_init (Device     *device,
             const char *username)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("device-%u.db", n_devices++);
  g_autofree char *path = g_build_filename (cluster.dir, name, NULL);
  g_autofree char *body = NULL;
  g_autoptr(json_object) sign_in = json_object_new_object ();
  Reply reply = { 0 };

  device->store = dh_store_open (path, &error);
  g_assert_no_error (error);
  dh_store_set_user (device->store, username);
  if (device->via == NULL)
    device->via = &client;

  json_object_object_add (sign_in, "username", json_object_new_string (username));
  json_object_object_add (sign_in, "password", json_object_new_string (PASSWORD));
  json_object_object_add (sign_in, "device", json_object_new_string (dh_store_get_device_id (device->store)));
  server_request (device->via, &reply, "POST", "/v1/sign-in", NULL, json_object_to_json_string (sign_in), -1);
  g_assert_cmpint (reply.status, ==, 200);
  device->token = g_strdup (reply_member (&reply, "token"));

  server_request (device->via, &reply, "GET", "/v1/me", device->token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  device->commune_id = g_strdup (reply_member (&reply, "commune_id"));
  reply_clear (&reply);
}

static char *
changes_body (GPtrArray *wires)
{
  g_autoptr(json_object) body = json_object_new_object ();
  json_object *list = json_object_new_array ();

  for (guint i = 0; i < wires->len; i++)
    json_object_array_add (list, json_object_get (g_ptr_array_index (wires, i)));
  json_object_object_add (body, "changes", list);
  return g_strdup (json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN));
}

/* POSTs the changes to version PROTOCOL (0: 2) and returns the results,
 * checked to be one a change. */
static json_object *
push_wires_version (const ServerClient *via,
                    guint               protocol,
                    const char         *token,
                    GPtrArray          *wires)
{
  g_autofree char *body = changes_body (wires);
  g_autofree char *path = g_strdup_printf ("/v%u/push", protocol != 0 ? protocol : 2);
  Reply reply = { 0 };
  json_object *results = NULL;

  server_request (via, &reply, "POST", path, token, body, -1);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_true (json_object_object_get_ex (reply.reply, "results", &results));
  g_assert_cmpuint (json_object_array_length (results), ==, wires->len);
  g_assert_nonnull (reply_member (&reply, "now"));
  json_object_get (results);
  reply_clear (&reply);
  return results;
}

static json_object *
push_wires (const char *token,
            GPtrArray  *wires)
{
  return push_wires_version (&client, 1, token, wires);
}

static const char *
result_status (json_object *results,
               guint        index)
{
  json_object *result = json_object_array_get_idx (results, index);

  return dh_json_get_string (result, "status");
}

static const char *
result_code (json_object *results,
             guint        index)
{
  return dh_json_get_string (json_object_array_get_idx (results, index), "code");
}

/* What a device's sync does (src/sync does it for the application): its
 * pending changes pushed and settled, then every page since its cursor
 * applied with the cursor. */
static void
device_sync (Device *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = dh_store_get_pending_changes (device->store, 0, &error);
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  gboolean more = TRUE;

  g_assert_no_error (error);
  if (pending->len > 0)
    {
      g_autoptr(json_object) results = NULL;
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < pending->len; i++)
        {
          json_object *wire = g_ptr_array_index (pending, i);

          g_ptr_array_add (ids, g_strconcat (dh_json_get_string (wire, "r"), "@", dh_json_get_string (wire, "k"), NULL));
        }
      g_ptr_array_add (ids, NULL);
      g_assert_true (dh_store_mark_changes_sent (device->store, (const char * const *) ids->pdata, &error));
      g_assert_no_error (error);

      results = push_wires_version (device->via, device->protocol, device->token, pending);
      if (device->lose_ack)
        {
          /* the server committed; the answer was lost on the way */
          device->lose_ack = FALSE;
          return;
        }
      for (guint i = 0; i < pending->len; i++)
        {
          const char *status = result_status (results, i);

          if (g_str_equal (status, "rejected"))
            {
              g_ptr_array_add (rejected, g_strdup (g_ptr_array_index (ids, i)));
              g_ptr_array_add (reasons, g_strdup (dh_json_get_string (json_object_array_get_idx (results, i), "message")));
            }
          else
            g_ptr_array_add (acknowledged, g_strdup (g_ptr_array_index (ids, i)));
        }
      g_ptr_array_add (acknowledged, NULL);
      g_ptr_array_add (rejected, NULL);
      g_ptr_array_add (reasons, NULL);
      g_assert_true (dh_store_acknowledge_changes (device->store, (const char * const *) acknowledged->pdata, &error));
      g_assert_no_error (error);
      if (rejected->len > 1)
        {
          g_assert_true (dh_store_reject_changes (device->store, (const char * const *) rejected->pdata,
                                                  (const char * const *) reasons->pdata, &error));
          g_assert_no_error (error);
        }
    }

  while (more)
    {
      g_autofree char *cursor = dh_store_get_meta (device->store, "pull_cursor");
      g_autofree char *path = g_strdup_printf ("/v%u/pull?limit=%u%s%s", device->protocol != 0 ? device->protocol : 2,
                                               device->page_limit > 0 ? device->page_limit : 7,
                                               cursor != NULL ? "&after=" : "", cursor != NULL ? cursor : "");
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
      json_object *changes = NULL;
      Reply reply = { 0 };

      server_request (device->via, &reply, "GET", path, device->token, NULL, 0);
      g_assert_cmpint (reply.status, ==, 200);
      g_assert_true (json_object_object_get_ex (reply.reply, "changes", &changes));
      for (size_t i = 0; i < json_object_array_length (changes); i++)
        g_ptr_array_add (page, json_object_get (json_object_array_get_idx (changes, i)));
      g_assert_true (dh_store_apply_changes (device->store, page, reply_member (&reply, "cursor"), NULL, &error));
      g_assert_no_error (error);
      more = g_str_equal (reply_member (&reply, "more"), "true");
      reply_clear (&reply);
    }
}

static json_object *
create (DhStore    *store,
        const char *entity,
        const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = json_tokener_parse (json);
  json_object *record = dh_store_create (store, entity, fields, &error);

  g_assert_no_error (error);
  return record;
}

static void
update (DhStore    *store,
        const char *entity,
        const char *id,
        const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) fields = json_tokener_parse (json);
  g_autoptr(json_object) record = dh_store_update (store, entity, id, fields, &error);

  g_assert_no_error (error);
}

static char *
village (DhStore    *store,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  char *id = dh_store_resolve_place (store, "village", name, NULL, &error);

  g_assert_no_error (error);
  return id;
}

/* A household of Minh Tiến with a member, a visit and a delivered support
 * entry, made on DEVICE; its id. */
static char *
make_household (Device     *device,
                const char *head_name)
{
  g_autofree char *village_id = village (device->store, "Thôn Đồng Tâm");
  g_autofree char *fields = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"%s\", \"classification\": \"poor\"}",
                                             village_id, head_name);
  g_autoptr(json_object) household = create (device->store, "household", fields);
  const char *id = dh_json_get_string (household, "id");
  g_autofree char *member = g_strdup_printf ("{\"household\": \"%s\", \"full_name\": \"%s\", \"relation\": \"head\"}",
                                             id, head_name);
  g_autofree char *visit = g_strdup_printf ("{\"household\": \"%s\", \"visited_on\": \"2026-11-02\"}", id);
  g_autofree char *support = g_strdup_printf ("{\"household\": \"%s\", \"support_type\": \"livestock\", "
                                              "\"delivered_on\": \"2026-11-03\", \"amount_vnd\": 5000000}", id);
  g_autoptr(json_object) m = create (device->store, "member", member);
  g_autoptr(json_object) v = create (device->store, "visit", visit);
  g_autoptr(json_object) s = create (device->store, "support", support);

  return g_strdup (id);
}

static gint64
count (DhStore    *store,
       const char *entity)
{
  g_autoptr(GError) error = NULL;
  DhQuery query = { .entity = entity };
  gint64 n = dh_store_count (store, &query, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_first_pull_brings_own_places (void)
{
  g_auto(Device) lan = { 0 };
  g_auto(Device) khoa = { 0 };
  g_autofree char *minh_tien = NULL;

  device_init (&lan, "lan.hoang");
  device_init (&khoa, "khoa.le");
  g_assert_nonnull (lan.commune_id);
  device_sync (&lan);
  device_sync (&khoa);

  /* the province, the commune and its five villages; nothing of Thịnh An */
  g_assert_cmpint (count (lan.store, "village"), ==, 5);
  g_assert_cmpint (count (lan.store, "commune"), ==, 1);
  g_assert_cmpint (count (lan.store, "province"), ==, 1);
  g_assert_cmpint (count (khoa.store, "village"), ==, 4);
  minh_tien = village (lan.store, "Bản Phiêng Lá");
  g_assert_nonnull (minh_tien);
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *none = dh_store_resolve_place (khoa.store, "village", "Bản Phiêng Lá", NULL, &error);

    g_assert_null (none);
    g_assert_nonnull (error);
  }
  /* a place is the server's own record: it keeps its unit's id */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT code FROM unit WHERE id = '%s'", minh_tien);
    g_autofree char *code = query_one (sql);

    g_assert_true (g_str_has_prefix (code, "DEMO-01-"));
  }
}

static void
test_push_then_pull_converges (void)
{
  g_auto(Device) lan = { 0 };
  g_auto(Device) tuan = { 0 };
  g_autofree char *household = NULL;
  g_autofree char *state_lan = NULL;
  g_autofree char *state_tuan = NULL;
  g_autoptr(GError) error = NULL;

  device_init (&lan, "lan.hoang");
  device_init (&tuan, "tuan.pham");
  device_sync (&lan);
  household = make_household (&lan, "Lò Văn Pản");
  device_sync (&lan);
  g_assert_cmpint (dh_store_count_pending_changes (lan.store, &error), ==, 0);

  device_sync (&tuan);
  g_assert_cmpint (count (tuan.store, "household"), >=, 1);
  {
    g_autoptr(json_object) copy = dh_store_get (tuan.store, "household", household, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dh_json_get_string (copy, "head_name"), ==, "Lò Văn Pản");
  }

  /* an edit on the second device comes back to the first */
  update (tuan.store, "household", household, "{\"phone\": \"0912345678\"}");
  device_sync (&tuan);
  device_sync (&lan);
  state_lan = store_state (lan.store);
  state_tuan = store_state (tuan.store);
  g_assert_cmpstr (state_lan, ==, state_tuan);
}

static void
test_concurrent_edit_is_one_conflict (void)
{
  g_auto(Device) lan = { 0 };
  g_auto(Device) tuan = { 0 };
  g_autofree char *household = NULL;
  g_autofree char *state_lan = NULL;
  g_autofree char *state_tuan = NULL;
  g_autoptr(GPtrArray) conflicts_lan = NULL;
  g_autoptr(GPtrArray) conflicts_tuan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  device_init (&lan, "lan.hoang");
  device_init (&tuan, "tuan.pham");
  device_sync (&lan);
  household = make_household (&lan, "Hà Thị Mai");
  device_sync (&lan);
  device_sync (&tuan);

  /* both edit the phone offline, neither having seen the other */
  update (lan.store, "household", household, "{\"phone\": \"0911111111\"}");
  update (tuan.store, "household", household, "{\"phone\": \"0922222222\"}");
  device_sync (&lan);
  {
    g_autoptr(GPtrArray) pending = dh_store_get_pending_changes (tuan.store, 0, &error);
    g_autoptr(json_object) results = push_wires (tuan.token, pending);

    /* the server finds it when the second edit meets the first */
    g_assert_cmpstr (result_status (results, 0), ==, "conflict");
  }
  device_sync (&tuan);
  device_sync (&lan);

  state_lan = store_state (lan.store);
  state_tuan = store_state (tuan.store);
  g_assert_cmpstr (state_lan, ==, state_tuan);
  conflicts_lan = dh_store_list_conflicts (lan.store, FALSE, &error);
  g_assert_no_error (error);
  conflicts_tuan = dh_store_list_conflicts (tuan.store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts_lan->len, ==, 1);
  g_assert_cmpuint (conflicts_tuan->len, ==, 1);
  sql = g_strdup_printf ("SELECT count (*) FROM record WHERE entity = 'conflict' AND wire LIKE '%%%s%%'", household);
  g_assert_cmpint (count_rows (sql), ==, 1);
}

typedef struct
{
  const char *token;
  GPtrArray  *wires;
  guint       applied;
} ReplayThread;

static gpointer
replay_thread (gpointer data)
{
  ReplayThread *replay = data;
  g_autoptr(json_object) results = push_wires (replay->token, replay->wires);

  for (guint i = 0; i < replay->wires->len; i++)
    if (!g_str_equal (result_status (results, i), "already"))
      replay->applied++;
  return NULL;
}

static void
test_replays_create_nothing_twice (void)
{
  g_auto(Device) lan = { 0 };
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) first = NULL;
  g_autofree char *household = NULL;
  gint64 records, audited;
  ReplayThread replays[4];
  GThread *threads[4];

  device_init (&lan, "lan.hoang");
  device_sync (&lan);
  household = make_household (&lan, "Vàng A Sử");
  pending = dh_store_get_pending_changes (lan.store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 4);

  first = push_wires (lan.token, pending);
  for (guint i = 0; i < pending->len; i++)
    g_assert_cmpstr (result_status (first, i), ==, "applied");
  records = count_rows ("SELECT count (*) FROM record");
  audited = count_rows ("SELECT count (*) FROM audit WHERE action = 'push'");

  /* the same batch three times over, as after lost acknowledgements */
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(json_object) again = push_wires (lan.token, pending);

      for (guint i = 0; i < pending->len; i++)
        g_assert_cmpstr (result_status (again, i), ==, "already");
    }
  /* and four times at once */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      replays[i] = (ReplayThread) { lan.token, pending, 0 };
      threads[i] = g_thread_new ("replay", replay_thread, &replays[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (replays[i].applied, ==, 0);
    }
  g_assert_cmpint (count_rows ("SELECT count (*) FROM record"), ==, records);
  assert_record_counts_kept ();
  /* what the server had already is not audited again */
  g_assert_cmpint (count_rows ("SELECT count (*) FROM audit WHERE action = 'push'"), ==, audited);
}

/* A copy of WIRE with one member of its envelope set to VALUE. */
static json_object *
with_envelope (json_object *wire,
               const char  *key,
               const char  *value)
{
  json_object *copy = NULL;

  g_assert_cmpint (json_object_deep_copy (wire, &copy, NULL), ==, 0);
  json_object_object_add (copy, key, json_object_new_string (value));
  return copy;
}

static void
test_scope_of_communes (void)
{
  g_auto(Device) lan = { 0 };
  g_auto(Device) khoa = { 0 };
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) crafted = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(json_object) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *household = NULL;
  g_autofree char *path = NULL;
  g_autofree char *admin = NULL;
  Reply reply = { 0 };

  device_init (&lan, "lan.hoang");
  device_init (&khoa, "khoa.le");
  device_sync (&lan);
  household = make_household (&lan, "Lường Văn Thành");
  pending = dh_store_get_pending_changes (lan.store, 0, &error);
  g_assert_no_error (error);
  device_sync (&lan);

  /* the official of Thịnh An pulls none of Minh Tiến's households */
  device_sync (&khoa);
  g_assert_cmpint (count (khoa.store, "household"), ==, 0);
  path = g_strdup_printf ("/v1/pull?commune=%s", lan.commune_id);
  server_request (&client, &reply, "GET", path, khoa.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 403);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "out_of_scope");

  /* nor pushes to them: as they are, claiming his commune, or a member of
   * his commune in a household of hers */
  g_ptr_array_add (crafted, json_object_get (g_ptr_array_index (pending, 0)));
  g_ptr_array_add (crafted, with_envelope (g_ptr_array_index (pending, 0), "c", khoa.commune_id));
  g_ptr_array_add (crafted, with_envelope (g_ptr_array_index (pending, 1), "c", khoa.commune_id));
  results = push_wires (khoa.token, crafted);
  for (guint i = 0; i < crafted->len; i++)
    {
      g_assert_cmpstr (result_status (results, i), ==, "rejected");
      g_assert_cmpstr (result_code (results, i), ==, "out_of_scope");
    }

  /* a new household in his commune placed in one of her villages */
  {
    g_autoptr(json_object) moved = with_envelope (g_ptr_array_index (pending, 0), "c", khoa.commune_id);
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_autoptr(json_object) answer = NULL;
    g_autofree char *new_id = g_uuid_string_random ();

    json_object_object_add (moved, "r", json_object_new_string (new_id));
    g_ptr_array_add (one, moved);
    answer = push_wires (khoa.token, one);
    g_assert_cmpstr (result_code (answer, 0), ==, "out_of_scope");
  }

  /* a province administrator names the commune */
  admin = g_strdup ("province.admin");
  {
    g_auto(Device) ha = { 0 };

    device_init (&ha, admin);
    server_request (&client, &reply, "GET", "/v1/pull", ha.token, NULL, 0);
    g_assert_cmpint (reply.status, ==, 400);
    g_clear_pointer (&path, g_free);
    path = g_strdup_printf ("/v1/pull?commune=%s", lan.commune_id);
    server_request (&client, &reply, "GET", path, ha.token, NULL, 0);
    g_assert_cmpint (reply.status, ==, 200);
    g_assert_nonnull (strstr (json_object_to_json_string (reply.reply), household));
  }
  reply_clear (&reply);
  g_assert_cmpint (count_rows ("SELECT count (*) FROM record WHERE entity = 'household' AND commune <> "
                               "(SELECT id FROM unit WHERE code = 'DEMO-01')"), ==, 0);
}

static gint64 future_ms;

static gint64
future_clock (gpointer data)
{
  return future_ms;
}

static void
test_bad_changes_refused_alone (void)
{
  g_auto(Device) lan = { 0 };
  g_auto(Device) tuan = { 0 };
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(json_object) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *household = NULL;
  g_autofree char *support_id = NULL;
  json_object *fields = NULL;

  device_init (&lan, "lan.hoang");
  device_sync (&lan);
  household = make_household (&lan, "Đinh Thị Hoa");
  pending = dh_store_get_pending_changes (lan.store, 0, &error);
  g_assert_no_error (error);
  support_id = g_strdup (dh_json_get_string (g_ptr_array_index (pending, 3), "r"));
  g_assert_cmpstr (dh_json_get_string (g_ptr_array_index (pending, 3), "e"), ==, "support");
  device_sync (&lan);

  /* 0: an edit stamped 40 days ahead, by a device whose clock is wrong */
  future_ms = g_get_real_time () / 1000 + (gint64) 40 * 24 * 3600 * 1000;
  dh_store_set_wall_clock (lan.store, future_clock, NULL);
  update (lan.store, "household", household, "{\"notes\": \"đồng hồ sai\"}");
  dh_store_set_wall_clock (lan.store, NULL, NULL);
  {
    g_autoptr(GPtrArray) later = dh_store_get_pending_changes (lan.store, 0, &error);

    g_assert_no_error (error);
    g_ptr_array_add (batch, json_object_get (g_ptr_array_index (later, 0)));
  }
  /* 1: a value no device would write */
  {
    json_object *bad = with_envelope (g_ptr_array_index (pending, 0), "k", dh_json_get_string (g_ptr_array_index (pending, 0), "k"));
    json_object *rich = json_object_new_array ();

    json_object_array_add (rich, json_object_new_string ("rich"));
    g_assert_true (json_object_object_get_ex (bad, "f", &fields));
    json_object_object_add (fields, "classification", rich);
    g_ptr_array_add (batch, bad);
  }
  /* 2: an account */
  g_ptr_array_add (batch, with_envelope (g_ptr_array_index (pending, 0), "e", "user"));
  /* 3: the delivered entry changed: a later write of its amount */
  {
    json_object *wire;
    char clock[64];

    wire = with_envelope (g_ptr_array_index (pending, 3), "k", dh_json_get_string (g_ptr_array_index (pending, 3), "k"));
    g_assert_true (json_object_object_get_ex (wire, "f", &fields));
    /* a second later than the entry's making */
    {
      const char *made = dh_json_get_string (wire, "k");
      guint64 packed = g_ascii_strtoull (made, NULL, 16) + ((guint64) 1000 << 16);

      g_snprintf (clock, sizeof clock, "%016" G_GINT64_MODIFIER "x%s", packed, made + 16);
    }
    json_object_object_add (wire, "k", json_object_new_string (clock));
    json_object_object_add (fields, "amount_vnd", json_object_new_array ());
    json_object_array_add (json_object_object_get (fields, "amount_vnd"), json_object_new_int64 (9));
    json_object_array_add (json_object_object_get (fields, "amount_vnd"),
                           json_object_new_string (dh_json_get_string (g_ptr_array_index (pending, 3), "k")));
    {
      json_object *only = json_object_new_object ();

      json_object_object_add (only, "amount_vnd", json_object_get (json_object_object_get (fields, "amount_vnd")));
      json_object_object_add (wire, "f", only);
    }
    g_ptr_array_add (batch, wire);
  }
  /* 4: an ordinary edit from a device whose clock is right (hers now
   * stamps after the wrong time it saw: that is what keeps her edits in
   * order, and why the receivers refuse it) */
  device_init (&tuan, "tuan.pham");
  device_sync (&tuan);
  update (tuan.store, "household", household, "{\"phone\": \"0933333333\"}");
  {
    g_autoptr(GPtrArray) later = dh_store_get_pending_changes (tuan.store, 0, &error);

    g_assert_no_error (error);
    g_ptr_array_add (batch, json_object_get (g_ptr_array_index (later, later->len - 1)));
  }

  /* 5: the household's id in capitals, which PostgreSQL would take for
   * the same record and devices for another */
  {
    g_autofree char *capitals = g_ascii_strup (household, -1);
    json_object *wire = with_envelope (g_ptr_array_index (pending, 0), "r", capitals);

    g_assert_true (json_object_object_get_ex (wire, "f", &fields));
    json_object_object_del (fields, "head_name");
    g_ptr_array_add (batch, wire);
  }

  results = push_wires (lan.token, batch);
  g_test_message ("%s", json_object_to_json_string (results));
  g_assert_cmpstr (result_code (results, 5), ==, "invalid");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT wire LIKE '%%Đinh Thị Hoa%%' FROM record WHERE id = '%s'", household);
    g_autofree char *kept = query_one (sql);

    g_assert_cmpstr (kept, ==, "t");
  }
  g_assert_cmpstr (result_status (results, 0), ==, "rejected");
  g_assert_cmpstr (result_code (results, 0), ==, "clock_ahead");
  g_assert_cmpstr (result_code (results, 1), ==, "invalid");
  g_assert_nonnull (strstr (dh_json_get_string (json_object_array_get_idx (results, 1), "message"), "classification"));
  g_assert_cmpstr (result_code (results, 2), ==, "not_synced");
  g_assert_cmpstr (result_code (results, 3), ==, "refused");
  g_assert_cmpstr (result_status (results, 4), ==, "applied");
  {
    g_autofree char *sql = g_strdup_printf ("SELECT wire LIKE '%%5000000%%' FROM record WHERE id = '%s'", support_id);
    g_autofree char *kept = query_one (sql);

    g_assert_cmpstr (kept, ==, "t");
  }
}

static void
test_gzip_both_ways (void)
{
  g_auto(Device) lan = { 0 };
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *household = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) gzipped = NULL;
  const char * const gzip_headers[] = { "Content-Encoding: gzip", NULL };
  const char * const brotli_headers[] = { "Content-Encoding: br", NULL };
  RequestOptions gzip_options = { gzip_headers, "gzip" };
  RequestOptions brotli_options = { brotli_headers, NULL };
  RequestOptions accept = { NULL, "gzip" };
  Reply reply = { 0 };
  gsize plain_bytes;

  device_init (&lan, "lan.hoang");
  device_sync (&lan);
  household = make_household (&lan, "Sầm Văn Khánh");
  pending = dh_store_get_pending_changes (lan.store, 0, &error);
  g_assert_no_error (error);

  body = changes_body (pending);
  gzipped = dh_gzip_compress (body, strlen (body));
  server_request_full (&client, &reply, "POST", "/v1/push", lan.token,
                       g_bytes_get_data (gzipped, NULL), g_bytes_get_size (gzipped), &gzip_options);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_nonnull (strstr (json_object_to_json_string (reply.reply), "\"applied\""));

  /* the answer to a pull comes gzipped to whoever takes it */
  server_request_full (&client, &reply, "GET", "/v1/pull", lan.token, NULL, 0, NULL);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_null (reply.content_encoding);
  plain_bytes = reply.bytes;
  server_request_full (&client, &reply, "GET", "/v1/pull", lan.token, NULL, 0, &accept);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpstr (reply.content_encoding, ==, "gzip");
  g_assert_cmpuint (reply.bytes * 3, <, plain_bytes);
  /* nor to one that refuses it, however it writes its zero */
  {
    const char * const refusing[] = { "Accept-Encoding: gzip;q=0.0, identity", NULL };
    RequestOptions refuse = { refusing, NULL };

    server_request_full (&client, &reply, "GET", "/v1/pull", lan.token, NULL, 0, &refuse);
    g_assert_cmpint (reply.status, ==, 200);
    g_assert_null (reply.content_encoding);
  }
  /* zstd to one that takes it at least as gladly as gzip: the same
   * answer, in as few bytes; gzip to one that prefers gzip or refuses zstd */
  {
    g_autofree char *plain = NULL;
    const struct { const char *accept; const char *coding; } asked[] = {
      { "zstd, gzip", "zstd" },
      { "gzip, zstd", "zstd" },
      { "zstd", "zstd" },
      { "gzip;q=1, zstd;q=0.5", "gzip" },
      { "zstd;q=0, gzip", "gzip" },
      { "zstd;q=0.000", NULL },
    };

    server_request_full (&client, &reply, "GET", "/v1/pull", lan.token, NULL, 0, NULL);
    g_assert_null (reply.content_encoding);
    plain = g_strdup (json_object_to_json_string (json_object_object_get (reply.reply, "changes")));
    g_assert_cmpuint (strlen (plain), >, 1024);
    for (guint i = 0; i < G_N_ELEMENTS (asked); i++)
      {
        RequestOptions options = { .accept = asked[i].accept };

        server_request_full (&client, &reply, "GET", "/v1/pull", lan.token, NULL, 0, &options);
        g_assert_cmpint (reply.status, ==, 200);
        g_assert_cmpstr (reply.content_encoding, ==, asked[i].coding);
        /* the same changes (the server's clock moves between answers) */
        g_assert_cmpstr (json_object_to_json_string (json_object_object_get (reply.reply, "changes")), ==, plain);
        if (asked[i].coding != NULL)
          g_assert_cmpuint (reply.bytes * 3, <, plain_bytes);
      }
  }

  /* not gzip though it says so; an encoding it does not read; a bomb */
  server_request_full (&client, &reply, "POST", "/v1/push", lan.token, body, -1, &gzip_options);
  g_assert_cmpint (reply.status, ==, 400);
  server_request_full (&client, &reply, "POST", "/v1/push", lan.token, body, -1, &brotli_options);
  g_assert_cmpint (reply.status, ==, 415);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "unsupported_encoding");
  {
    gsize size = 64 * 1024 * 1024;
    g_autofree char *zeros = g_malloc0 (size);
    g_autoptr(GBytes) bomb = dh_gzip_compress (zeros, size);

    g_assert_cmpuint (g_bytes_get_size (bomb), <, 256 * 1024);
    server_request_full (&client, &reply, "POST", "/v1/push", lan.token,
                         g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb), &gzip_options);
    g_assert_cmpint (reply.status, ==, 413);
  }
  /* and it keeps serving */
  server_request (&client, &reply, "GET", "/v1/me", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  reply_clear (&reply);
}

/* What PostgreSQL counts as read from this connection's own record table
 * (rows returned by sequential scans and fetched through indexes), its
 * counts flushed first. */
static gint64
record_rows_read (PGconn *conn)
{
  g_autoptr(PGresult) flushed = PQexec (conn, "SELECT pg_stat_force_next_flush ()");
  g_autoptr(PGresult) cleared = NULL;
  g_autoptr(PGresult) result = NULL;

  g_assert_cmpint (PQresultStatus (flushed), ==, PGRES_TUPLES_OK);
  cleared = PQexec (conn, "SELECT pg_stat_clear_snapshot ()");
  g_assert_cmpint (PQresultStatus (cleared), ==, PGRES_TUPLES_OK);
  result = PQexec (conn,
                   "SELECT coalesce (seq_tup_read, 0) + coalesce (idx_tup_fetch, 0)"
                   " FROM pg_stat_user_tables WHERE relid = 'pg_temp.record'::regclass");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (result), ==, 1);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static void
exec_ok (PGconn     *conn,
         const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
}

/* A page of a large commune reads its own rows and the page's end, not
 * every record after the cursor, whatever the table's statistics: a first
 * sync would otherwise read the commune over and over. */
static void
test_pull_page_reads_its_rows (void)
{
  const guint places = 150;
  const guint total = 3000;
  const guint limit = 100;
  g_autoptr(PGconn) conn = PQconnectdb (cluster.conninfo);
  g_autoptr(GError) error = NULL;
  g_autofree char *commune = g_uuid_string_random ();
  g_autofree char *seed = NULL;
  gint64 after = 0;
  guint pages = 0;
  guint received_places = 0;
  guint received = 0;
  gboolean more = TRUE;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  /* A record table of this connection alone, which the pull's statements
   * find first: no other connection's reads are counted with its own,
   * and autovacuum never gives it statistics, as a table fresh from an
   * import has none. The province's places first, then a commune. */
  exec_ok (conn, "CREATE TEMP TABLE record (LIKE public.record INCLUDING ALL);"
                 "CREATE TEMP TABLE record_count (LIKE public.record_count INCLUDING ALL);"
                 "CREATE TRIGGER record_counted AFTER INSERT ON record REFERENCING NEW TABLE AS counted"
                 " FOR EACH STATEMENT EXECUTE FUNCTION record_counted ()");
  seed = g_strdup_printf ("INSERT INTO record (id, entity, commune, seq, wire)"
                          " SELECT gen_random_uuid (), 'admin_unit', NULL, nextval ('record_seq'),"
                          "        json_build_object ('p', n)::text"
                          " FROM generate_series (1, %u) n;"
                          "INSERT INTO record (id, entity, commune, seq, wire)"
                          " SELECT gen_random_uuid (), 'household', '%s', nextval ('record_seq'),"
                          "        json_build_object ('n', n)::text"
                          " FROM generate_series (1, %u) n",
                          places, commune, total);
  exec_ok (conn, seed);

  while (more)
    {
      g_autoptr(GString) out = g_string_new ("[");
      g_autoptr(json_object) page = NULL;
      gint64 before = record_rows_read (conn);
      gint64 cursor;
      gint64 read;

      gint64 remaining = -1;

      g_assert_true (dh_sync_pull (conn, commune, after, limit, FALSE, out, &cursor, &more, NULL, &error));
      g_assert_no_error (error);
      read = record_rows_read (conn) - before;
      /* the page and the row after it, from each of the two scans at most:
       * the commune's records and the province's places */
      g_assert_cmpint (read, <=, 2 * (limit + 1));

      g_string_append_c (out, ']');
      page = json_tokener_parse (out->str);
      g_assert_nonnull (page);
      g_assert_cmpuint (json_object_array_length (page), <=, limit);
      for (size_t i = 0; i < json_object_array_length (page); i++)
        {
          json_object *change = json_object_array_get_idx (page, i);
          json_object *n = NULL;

          /* the places come first, then the commune's records, each in order */
          if (json_object_object_get_ex (change, "p", &n))
            {
              g_assert_cmpuint (received, ==, 0);
              g_assert_cmpint (json_object_get_int (n), ==, ++received_places);
            }
          else
            {
              g_assert_true (json_object_object_get_ex (change, "n", &n));
              g_assert_cmpint (json_object_get_int (n), ==, ++received);
            }
        }

      /* counted when asked: the records from the cursor on, this page's
       * among them; from the start, as the trigger counted them */
      g_assert_true (dh_sync_pull (conn, commune, after, limit, FALSE, g_string_truncate (out, 0), &cursor, &more, &remaining, &error));
      g_assert_no_error (error);
      g_assert_cmpint (remaining, ==, places + total - (received_places + received) + (gint64) json_object_array_length (page));

      g_assert_cmpint (cursor, >, after);
      after = cursor;
      pages++;
    }
  g_assert_cmpuint (received_places, ==, places);
  g_assert_cmpuint (received, ==, total);
  g_assert_cmpuint (pages, ==, (places + total + limit - 1) / limit);
}

static void
test_pull_pages_resume (void)
{
  g_auto(Device) lan = { 0 };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = g_strdup ("");
  g_autofree char *everything = NULL;
  Reply reply = { 0 };
  gint64 last = -1;
  gboolean more = TRUE;
  guint pages = 0;
  json_object *changes = NULL;

  device_init (&lan, "lan.hoang");
  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/v1/pull?limit=3&after=%s", cursor);

      server_request (&client, &reply, "GET", path, lan.token, NULL, 0);
      g_assert_cmpint (reply.status, ==, 200);
      g_assert_true (json_object_object_get_ex (reply.reply, "changes", &changes));
      g_assert_cmpuint (json_object_array_length (changes), <=, 3);
      for (size_t i = 0; i < json_object_array_length (changes); i++)
        {
          const char *id = dh_json_get_string (json_object_array_get_idx (changes, i), "r");

          /* no record twice, where nothing was written meanwhile */
          g_assert_false (g_hash_table_contains (seen, id));
          g_hash_table_add (seen, g_strdup (id));
        }
      g_assert_cmpint (g_ascii_strtoll (reply_member (&reply, "cursor"), NULL, 10), >, last);
      last = g_ascii_strtoll (reply_member (&reply, "cursor"), NULL, 10);
      g_free (cursor);
      cursor = g_strdup (reply_member (&reply, "cursor"));
      more = g_str_equal (reply_member (&reply, "more"), "true");
      pages++;
    }
  g_assert_cmpuint (pages, >, 2);

  /* one page of everything holds the same records */
  server_request (&client, &reply, "GET", "/v1/pull?limit=2000", lan.token, NULL, 0);
  g_assert_true (json_object_object_get_ex (reply.reply, "changes", &changes));
  g_assert_cmpuint (json_object_array_length (changes), ==, g_hash_table_size (seen));
  g_assert_cmpstr (reply_member (&reply, "more"), ==, "false");
  /* told only when asked */
  g_assert_null (reply_member (&reply, "total"));

  /* how many there are from a cursor on, when asked: all of them, then
   * those after the first page */
  server_request (&client, &reply, "GET", "/v1/pull?limit=3&count=1", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_cmpint (g_ascii_strtoll (reply_member (&reply, "total"), NULL, 10), ==, g_hash_table_size (seen));
  {
    g_autofree char *path = g_strdup_printf ("/v1/pull?limit=3&count=1&after=%s", reply_member (&reply, "cursor"));

    server_request (&client, &reply, "GET", path, lan.token, NULL, 0);
    g_assert_cmpint (g_ascii_strtoll (reply_member (&reply, "total"), NULL, 10), ==, g_hash_table_size (seen) - 3);
  }
  server_request (&client, &reply, "GET", "/v1/pull?count=yes", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 400);

  /* nothing after the last cursor */
  {
    g_autofree char *path = g_strdup_printf ("/v1/pull?after=%s", cursor);

    server_request (&client, &reply, "GET", path, lan.token, NULL, 0);
    g_assert_true (json_object_object_get_ex (reply.reply, "changes", &changes));
    g_assert_cmpuint (json_object_array_length (changes), ==, 0);
    g_assert_cmpstr (reply_member (&reply, "cursor"), ==, cursor);
  }

  server_request (&client, &reply, "GET", "/v1/pull?after=abc", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 400);
  server_request (&client, &reply, "GET", "/v1/pull?limit=0", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 400);
  server_request (&client, &reply, "GET", "/v1/pull?limit=2001", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 400);
  server_request (&client, &reply, "GET", "/v1/pull", NULL, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  server_request (&client, &reply, "POST", "/v1/push", lan.token, "{\"changes\": 3}", -1);
  g_assert_cmpint (reply.status, ==, 400);
  reply_clear (&reply);
}

/* A device of version 1 of the protocol reads every field in a list; one
 * of version 2 gets a field whose base, clock and author are the change's
 * as its value alone; both are the same changes. */
static void
test_pull_of_version_1_in_lists (void)
{
  g_auto(Device) lan = { 0 };
  Reply replies[2] = { { 0 }, { 0 } };
  json_object *changes[2];
  guint alone = 0;

  device_init (&lan, "lan.hoang");
  device_sync (&lan);
  g_free (make_household (&lan, "Lò Văn Pọm"));
  device_sync (&lan);
  for (guint version = 1; version <= 2; version++)
    {
      g_autofree char *path = g_strdup_printf ("/v%u/pull?limit=2000", version);

      server_request (&client, &replies[version - 1], "GET", path, lan.token, NULL, 0);
      g_assert_cmpint (replies[version - 1].status, ==, 200);
      g_assert_true (json_object_object_get_ex (replies[version - 1].reply, "changes", &changes[version - 1]));
    }
  g_assert_cmpuint (json_object_array_length (changes[0]), >, 1);
  g_assert_cmpuint (json_object_array_length (changes[0]), ==, json_object_array_length (changes[1]));
  for (size_t i = 0; i < json_object_array_length (changes[0]); i++)
    {
      json_object *old = json_object_array_get_idx (changes[0], i);
      json_object *now = json_object_array_get_idx (changes[1], i);
      g_autoptr(GError) error = NULL;
      g_autoptr(DhChange) read_old = NULL;
      g_autoptr(DhChange) read_now = NULL;
      DhValidator validator;

      {
        json_object_object_foreach (json_object_object_get (old, "f"), key, entry)
          {
            (void) key;
            g_assert_true (json_object_is_type (entry, json_type_array));
          }
      }
      {
        json_object_object_foreach (json_object_object_get (now, "f"), key, entry)
          {
            (void) key;
            alone += !json_object_is_type (entry, json_type_array);
          }
      }
      dh_validator_init (&validator);
      read_old = dh_change_from_json (old, &validator, &error);
      g_assert_no_error (error);
      read_now = dh_change_from_json (now, &validator, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (read_old->clock, ==, read_now->clock);
      g_assert_cmpstr (read_old->record_id, ==, read_now->record_id);
      g_assert_true (json_object_equal (read_old->fields, read_now->fields));
    }
  g_assert_cmpuint (alone, >, 0);
  reply_clear (&replies[0]);
  reply_clear (&replies[1]);
}

/* Five devices of one commune, through two server processes over one
 * database, clocks skewed by up to two days, answers lost, pages of random
 * sizes: after each round of offline edits every device holds the same
 * records, and each of the K concurrent edits of one field that lost is
 * exactly one conflict — on every device, the commune official's too. */
#define N_DEVICES 5
#define N_ROUNDS  5
#define DAY_MS    ((gint64) 24 * 3600 * 1000)

static gint64
skewed_clock (gpointer data)
{
  return g_get_real_time () / 1000 + *(gint64 *) data;
}

static void
sync_all_in_turn (Device *devices)
{
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < N_DEVICES; i++)
      device_sync (&devices[i]);
}

static void
assert_all_agree (Device *devices)
{
  g_autofree char *first = store_state (devices[0].store);

  for (guint i = 1; i < N_DEVICES; i++)
    {
      g_autofree char *other = store_state (devices[i].store);

      g_assert_cmpstr (first, ==, other);
    }
}

static guint
count_conflicts (DhStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = dh_store_list_conflicts (store, TRUE, &error);

  g_assert_no_error (error);
  return conflicts->len;
}

static void
converge_seed (guint32 seed)
{
  /* two caseworkers on four laptops, and the commune's official on the fifth */
  static const char * const users[] = { "lan.hoang", "tuan.pham", "lan.hoang", "tuan.pham", "hoa.tran" };
  static const char * const fields[] = { "notes", "address" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  Device devices[N_DEVICES] = { { 0 } };
  gint64 skews[N_DEVICES];
  char *households[3];
  g_autofree char *village_id = NULL;
  guint baseline;
  guint expected = 0;

  g_test_message ("seed %u (DONGHANH_SIMULATION_SEED=%u replays it)", seed, seed);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      devices[i].via = g_rand_boolean (rand) ? &client : &other_client;
      devices[i].page_limit = g_rand_int_range (rand, 3, 60);
      /* devices of both versions of the protocol, side by side */
      devices[i].protocol = g_rand_boolean (rand) ? 1 : 2;
      device_init (&devices[i], users[i]);
      skews[i] = g_rand_int_range (rand, -2 * 24 * 3600, 2 * 24 * 3600) * (gint64) 1000;
      dh_store_set_wall_clock (devices[i].store, skewed_clock, &skews[i]);
    }
  sync_all_in_turn (devices);
  baseline = count_conflicts (devices[0].store);

  village_id = village (devices[0].store, "Bản Nà Khoang");
  for (guint h = 0; h < G_N_ELEMENTS (households); h++)
    {
      g_autofree char *name = g_strdup_printf ("Hộ thử %u-%u", seed, h);
      g_autofree char *json = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"%s\"}", village_id, name);
      g_autoptr(json_object) household = create (devices[g_rand_int_range (rand, 0, N_DEVICES)].store, "household", json);

      households[h] = g_strdup (dh_json_get_string (household, "id"));
    }
  sync_all_in_turn (devices);

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      const char *household = households[g_rand_int_range (rand, 0, G_N_ELEMENTS (households))];
      const char *field = fields[g_rand_int_range (rand, 0, G_N_ELEMENTS (fields))];
      guint k = g_rand_int_range (rand, 2, N_DEVICES + 1);
      guint order[N_DEVICES];

      for (guint i = 0; i < N_DEVICES; i++)
        order[i] = i;
      /* the first K of a shuffle edit the field, each to a value of its own */
      for (guint i = N_DEVICES - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          guint t = order[i];

          order[i] = order[j];
          order[j] = t;
        }
      for (guint i = 0; i < k; i++)
        {
          g_autofree char *json = g_strdup_printf ("{\"%s\": \"vòng %u, máy %u\"}", field, round, order[i]);

          update (devices[order[i]].store, "household", household, json);
        }
      /* and others write elsewhere meanwhile */
      for (guint i = k; i < N_DEVICES; i++)
        if (g_rand_boolean (rand))
          {
            g_autofree char *json = g_strdup_printf ("{\"household\": \"%s\", \"visited_on\": \"2026-11-0%u\"}",
                                                     households[g_rand_int_range (rand, 0, G_N_ELEMENTS (households))],
                                                     g_rand_int_range (rand, 1, 10));
            g_autoptr(json_object) visit = create (devices[order[i]].store, "visit", json);
          }
      expected += k - 1;

      /* each syncs in a shuffled order, some losing the answer to their push */
      for (guint i = N_DEVICES - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          guint t = order[i];

          order[i] = order[j];
          order[j] = t;
        }
      for (guint i = 0; i < N_DEVICES; i++)
        {
          devices[order[i]].lose_ack = g_rand_int_range (rand, 0, 5) == 0;
          device_sync (&devices[order[i]]);
          devices[order[i]].lose_ack = FALSE;
        }
      sync_all_in_turn (devices);
      assert_all_agree (devices);
      for (guint i = 0; i < N_DEVICES; i++)
        {
          if (dh_store_count_pending_changes (devices[i].store, NULL) != 0)
            {
              g_autoptr(GPtrArray) left = dh_store_list_queue (devices[i].store, FALSE, 0, NULL);

              for (guint j = 0; j < left->len; j++)
                g_test_message ("device %u still has %s", i, json_object_to_json_string (g_ptr_array_index (left, j)));
            }
          g_assert_cmpint (dh_store_count_pending_changes (devices[i].store, &error), ==, 0);
          g_assert_cmpuint (count_conflicts (devices[i].store), ==, baseline + expected);
        }
    }

  for (guint h = 0; h < G_N_ELEMENTS (households); h++)
    g_free (households[h]);
  for (guint i = 0; i < N_DEVICES; i++)
    device_clear (&devices[i]);
}

static void
test_five_devices_converge (void)
{
  const char *replay = g_getenv ("DONGHANH_SIMULATION_SEED");

  if (replay != NULL)
    {
      converge_seed ((guint32) g_ascii_strtoull (replay, NULL, 10));
      return;
    }
  for (guint32 seed = 1; seed <= 3; seed++)
    converge_seed (seed);
  /* pushed through two processes, concurrently, again and again */
  assert_record_counts_kept ();
}

typedef struct
{
  const ServerClient *via;
  const char         *token;
  const char         *body;
  CURLcode            code;
  long                status;
} PushThread;

static gpointer
push_thread (gpointer data)
{
  PushThread *push = data;
  RequestOptions options = { .may_fail = TRUE };
  Reply reply = { 0 };

  push->code = server_request_full (push->via, &reply, "POST", "/v1/push", push->token,
                                    push->body, -1, &options);
  push->status = reply.status;
  reply_clear (&reply);
  return NULL;
}

/* A server process killed while it merges a batch: the batch holds whole
 * or not at all, and the device sending it again to another process ends
 * with every change there once. */
static void
test_server_killed_mid_batch (void)
{
  g_auto(Device) lan = { 0 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree char *village_id = NULL;

  device_init (&lan, "lan.hoang");
  device_sync (&lan);
  village_id = village (lan.store, "Thôn Tân Lập");

  for (guint attempt = 0; attempt < 4; attempt++)
    {
      g_autoptr(GPtrArray) pending = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GString) ids = g_string_new (NULL);
      g_autoptr(GSubprocess) doomed = NULL;
      g_autofree char *doomed_url = NULL;
      g_autofree char *body = NULL;
      g_autofree char *sql = NULL;
      ServerClient doomed_client;
      PushThread push;
      GThread *thread;
      gint64 held;

      for (guint i = 0; i < 300; i++)
        {
          g_autofree char *json = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Hộ %u-%u\"}",
                                                   village_id, attempt, i);
          g_autoptr(json_object) household = create (lan.store, "household", json);

          g_string_append_printf (ids, "%s'%s'", ids->len > 0 ? "," : "", dh_json_get_string (household, "id"));
        }
      pending = dh_store_get_pending_changes (lan.store, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (pending->len, ==, 300);
      body = changes_body (pending);

      doomed = server_serve (&cluster, cert_file, key_file, &doomed_url);
      doomed_client = (ServerClient) { doomed_url, cert_file };
      push = (PushThread) { &doomed_client, lan.token, body, CURLE_OK, 0 };
      thread = g_thread_new ("push", push_thread, &push);
      g_usleep (g_rand_int_range (rand, 0, 400) * 1000);
      g_subprocess_force_exit (doomed);
      g_thread_join (thread);
      g_subprocess_wait (doomed, NULL, NULL);
      g_test_message ("attempt %u: curl %d, status %ld", attempt, push.code, push.status);

      /* all or nothing of the batch */
      sql = g_strdup_printf ("SELECT count (*) FROM record WHERE id IN (%s)", ids->str);
      held = count_rows (sql);
      g_assert_true (held == 0 || held == 300);

      /* the device never had an answer: it sends the batch again elsewhere */
      device_sync (&lan);
      g_assert_cmpint (dh_store_count_pending_changes (lan.store, &error), ==, 0);
      g_assert_cmpint (count_rows (sql), ==, 300);
    }
  /* a batch that did not land counted nothing */
  assert_record_counts_kept ();
}

/* Every role on both endpoints: a caseworker and an official push and
 * pull their own commune alone; a province administrator names any
 * commune of the province, and pushes to it. */
static void
test_roles_on_every_endpoint (void)
{
  g_auto(Device) khoa = { 0 };
  g_auto(Device) admin = { 0 };
  g_auto(Device) lan = { 0 };
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(json_object) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *household = NULL;
  g_autofree char *path = NULL;
  Reply reply = { 0 };

  device_init (&khoa, "khoa.le");
  device_init (&lan, "lan.hoang");
  device_init (&admin, "province.admin");
  g_assert_null (admin.commune_id);

  /* the official of Thịnh An writes in his commune */
  device_sync (&khoa);
  {
    g_autofree char *village_id = village (khoa.store, "Tổ dân phố 2");
    g_autofree char *json = g_strdup_printf ("{\"village\": \"%s\", \"head_name\": \"Phạm Thị Thu\"}", village_id);
    g_autoptr(json_object) made = create (khoa.store, "household", json);

    household = g_strdup (dh_json_get_string (made, "id"));
  }
  pending = dh_store_get_pending_changes (khoa.store, 0, &error);
  g_assert_no_error (error);
  results = push_wires (khoa.token, pending);
  g_assert_cmpstr (result_status (results, 0), ==, "applied");

  /* the caseworker of Minh Tiến neither pulls it nor pushes to it */
  path = g_strdup_printf ("/v1/pull?commune=%s", khoa.commune_id);
  server_request (&client, &reply, "GET", path, lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 403);
  g_clear_pointer (&results, json_object_put);
  results = push_wires (lan.token, pending);
  g_assert_cmpstr (result_code (results, 0), ==, "out_of_scope");

  /* the province's administrator pulls it by its commune, and edits it */
  server_request (&client, &reply, "GET", path, admin.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_nonnull (strstr (json_object_to_json_string (reply.reply), household));
  {
    g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
    g_autoptr(GPtrArray) edit = NULL;
    json_object *changes = NULL;

    g_assert_true (json_object_object_get_ex (reply.reply, "changes", &changes));
    for (size_t i = 0; i < json_object_array_length (changes); i++)
      g_ptr_array_add (page, json_object_get (json_object_array_get_idx (changes, i)));
    g_assert_true (dh_store_apply_changes (admin.store, page, NULL, NULL, &error));
    g_assert_no_error (error);
    update (admin.store, "household", household, "{\"notes\": \"đã kiểm tra\"}");
    edit = dh_store_get_pending_changes (admin.store, 0, &error);
    g_assert_no_error (error);
    g_clear_pointer (&results, json_object_put);
    results = push_wires (admin.token, edit);
    g_assert_cmpstr (result_status (results, 0), ==, "applied");
  }
  /* a commune the server does not know */
  {
    g_autofree char *unknown = g_uuid_string_random ();
    g_autofree char *unknown_path = g_strdup_printf ("/v1/pull?commune=%s", unknown);

    server_request (&client, &reply, "GET", unknown_path, admin.token, NULL, 0);
    g_assert_cmpint (reply.status, ==, 404);
    server_request (&client, &reply, "GET", "/v1/pull?commune=not-an-id", admin.token, NULL, 0);
    g_assert_cmpint (reply.status, ==, 400);
  }
  /* without a token, with a wrong one, with the wrong method */
  server_request (&client, &reply, "POST", "/v1/push", NULL, "{\"changes\": []}", -1);
  g_assert_cmpint (reply.status, ==, 401);
  server_request (&client, &reply, "POST", "/v1/push", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "{\"changes\": []}", -1);
  g_assert_cmpint (reply.status, ==, 401);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "token_invalid");
  server_request (&client, &reply, "GET", "/v1/push", khoa.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 405);
  server_request (&client, &reply, "POST", "/v1/pull", khoa.token, "{}", -1);
  g_assert_cmpint (reply.status, ==, 405);
  reply_clear (&reply);
}

/* Pushes that are not what the protocol says get a 4xx with a message,
 * and the server keeps serving. */
static void
test_malformed_pushes (void)
{
  g_auto(Device) lan = { 0 };
  g_autoptr(GString) deep = g_string_new ("{\"changes\": [");
  g_autoptr(GString) many = g_string_new ("{\"changes\": [");
  Reply reply = { 0 };

  device_init (&lan, "lan.hoang");
  for (guint i = 0; i < 40; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 40; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "]}");
  server_request (&client, &reply, "POST", "/v1/push", lan.token, deep->str, -1);
  g_assert_cmpint (reply.status, ==, 400);
  g_assert_cmpstr (reply_member (&reply, "error"), ==, "too_deep");

  for (guint i = 0; i <= 1000; i++)
    g_string_append_printf (many, "%s{}", i > 0 ? "," : "");
  g_string_append (many, "]}");
  server_request (&client, &reply, "POST", "/v1/push", lan.token, many->str, -1);
  g_assert_cmpint (reply.status, ==, 413);
  g_assert_nonnull (strstr (reply_member (&reply, "message"), "1000"));

  server_request (&client, &reply, "POST", "/v1/push", lan.token, "{\"changes\": [", -1);
  g_assert_cmpint (reply.status, ==, 400);
  server_request (&client, &reply, "POST", "/v1/push", lan.token, "[]", -1);
  g_assert_cmpint (reply.status, ==, 400);
  /* an empty batch, and changes that are not changes, each answered */
  server_request (&client, &reply, "POST", "/v1/push", lan.token, "{\"changes\": []}", -1);
  g_assert_cmpint (reply.status, ==, 200);
  server_request (&client, &reply, "POST", "/v1/push", lan.token, "{\"changes\": [3, \"x\", {}]}", -1);
  g_assert_cmpint (reply.status, ==, 200);
  g_assert_nonnull (strstr (json_object_to_json_string (reply.reply), "\"invalid\""));
  server_request (&client, &reply, "GET", "/v1/me", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  reply_clear (&reply);
}

/* The codes and names the server checks with, for a device to compare
 * with its own: their version in every answer of the sync, the files
 * themselves once, then 304 while they stay the same. */
static void
test_catalogues_download (void)
{
  g_auto(Device) lan = { 0 };
  g_autofree char *version = NULL;
  g_autofree char *if_none_match = NULL;
  g_autofree char *stale = g_strdup ("If-None-Match: \"0000\"");
  json_object *files = NULL;
  json_object *programmes = NULL;
  Reply reply = { 0 };

  device_init (&lan, "lan.hoang");
  server_request (&client, &reply, "GET", "/v1/catalogues", lan.token, NULL, 0);
  g_assert_cmpint (reply.status, ==, 200);
  version = g_strdup (reply_member (&reply, "version"));
  g_assert_cmpuint (strlen (version), ==, 64);
  g_assert_true (json_object_object_get_ex (reply.reply, "files", &files));
  g_assert_true (json_object_object_get_ex (files, "programmes.json", &programmes));
  g_assert_nonnull (strstr (json_object_to_json_string (programmes), "NTP-GNBV-2021-2025"));
  g_assert_cmpint (json_object_object_length (files), >=, 9);

  /* the same version the device's own build has, and every sync answer says */
  g_assert_cmpstr (version, ==, dh_catalogues_get_version (dh_catalogues_get_default ()));
  server_request (&client, &reply, "GET", "/v1/pull?limit=1", lan.token, NULL, 0);
  g_assert_cmpstr (reply_member (&reply, "catalogues"), ==, version);

  if_none_match = g_strdup_printf ("If-None-Match: \"%s\"", version);
  {
    const char * const same[] = { if_none_match, NULL };
    const char * const other[] = { stale, NULL };
    RequestOptions unchanged = { same, "gzip" };
    RequestOptions changed = { other, "gzip" };

    server_request_full (&client, &reply, "GET", "/v1/catalogues", lan.token, NULL, 0, &unchanged);
    g_assert_cmpint (reply.status, ==, 304);
    g_assert_cmpuint (reply.bytes, ==, 0);
    server_request_full (&client, &reply, "GET", "/v1/catalogues", lan.token, NULL, 0, &changed);
    g_assert_cmpint (reply.status, ==, 200);
    g_assert_cmpstr (reply.content_encoding, ==, "gzip");
  }
  server_request (&client, &reply, "GET", "/v1/catalogues", NULL, NULL, 0);
  g_assert_cmpint (reply.status, ==, 401);
  reply_clear (&reply);
}

/* A database of version 3 kept each record twice, as its state and as
 * the change a pull sends. Migrating it keeps the change alone, written
 * again in the order pulls read it, and counts each commune's records
 * (migration 5); the server then merges into the state
 * read back from it: an edit made before the migration and one after
 * reach every device, and two edits of one field are still one conflict. */
static void
test_migrate_keeps_records_once (void)
{
  g_auto(Device) lan = { 0 };
  g_auto(Device) tuan = { 0 };
  g_auto(Device) hoa = { 0 };
  g_autofree char *household = NULL;
  g_autofree char *state_lan = NULL;
  g_autofree char *state_tuan = NULL;
  g_autofree char *state_hoa = NULL;
  g_autofree char *conflicts_sql = NULL;
  g_autoptr(PGconn) conn = PQconnectdb (cluster.conninfo);
  ServerRun run = { 0 };
  gint64 records;

  device_init (&lan, "lan.hoang");
  device_init (&tuan, "tuan.pham");
  device_init (&hoa, "hoa.tran");
  device_sync (&lan);
  household = make_household (&lan, "Vàng Thị Dua");
  update (lan.store, "household", household, "{\"phone\": \"0912000001\"}");
  device_sync (&lan);
  device_sync (&tuan);

  /* the table as version 3 left it: a state beside each change, which
   * nothing reads any more */
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  exec_ok (conn, "DROP TRIGGER record_counted ON record; DROP FUNCTION record_counted (); DROP TABLE record_count;"
                 "ALTER TABLE record ADD COLUMN state text NOT NULL DEFAULT '{\"not\": \"read\"}';"
                 "DELETE FROM schema_version WHERE version >= 4");
  records = count_rows ("SELECT count (*) FROM record");

  g_assert_cmpint (server_run (&run, &cluster, NULL, "migrate"), ==, 0);
  g_test_message ("migrate: %s", run.out);
  server_run_clear (&run);
  g_assert_cmpint (count_rows ("SELECT max (version) FROM schema_version"), ==, dh_db_latest_version ());
  g_assert_cmpint (count_rows ("SELECT count (*) FROM information_schema.columns "
                               "WHERE table_name = 'record' AND column_name = 'state'"), ==, 0);
  g_assert_cmpint (count_rows ("SELECT count (*) FROM record"), ==, records);
  /* the records that were there are counted, and so are those that come after */
  assert_record_counts_kept ();

  /* an edit after it merges into what was there before it */
  update (tuan.store, "household", household, "{\"notes\": \"Nhà sàn, cần sửa mái\"}");
  device_sync (&tuan);
  device_sync (&lan);
  device_sync (&hoa);
  state_lan = store_state (lan.store);
  state_tuan = store_state (tuan.store);
  state_hoa = store_state (hoa.store);
  g_assert_cmpstr (state_lan, ==, state_tuan);
  g_assert_cmpstr (state_hoa, ==, state_lan);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(json_object) copy = dh_store_get (hoa.store, "household", household, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (dh_json_get_string (copy, "phone"), ==, "0912000001");
    g_assert_cmpstr (dh_json_get_string (copy, "notes"), ==, "Nhà sàn, cần sửa mái");
  }

  /* the same field edited on two devices that had not seen each other's edit */
  update (lan.store, "household", household, "{\"phone\": \"0912000002\"}");
  update (tuan.store, "household", household, "{\"phone\": \"0912000003\"}");
  device_sync (&lan);
  device_sync (&tuan);
  conflicts_sql = g_strdup_printf ("SELECT count (*) FROM record WHERE entity = 'conflict' AND wire LIKE '%%%s%%'", household);
  g_assert_cmpint (count_rows (conflicts_sql), ==, 1);
  assert_record_counts_kept ();
}

static void
add_user (const char *username,
          const char *role,
          const char *commune)
{
  ServerRun run = { 0 };
  int status = commune != NULL
             ? server_run (&run, &cluster, PASSWORD "\n", "add-user", username, "--role", role, "--commune", commune)
             : server_run (&run, &cluster, PASSWORD "\n", "add-user", username, "--role", role);

  if (status != 0)
    g_error ("add-user %s: %s", username, run.err);
  server_run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  server_setup_demo (&cluster, &cert_file, &key_file);
  add_user ("lan.hoang", "caseworker", "DEMO-01");
  add_user ("tuan.pham", "caseworker", "DEMO-01");
  add_user ("khoa.le", "commune_official", "DEMO-02");
  add_user ("hoa.tran", "commune_official", "DEMO-01");
  add_user ("province.admin", "province_admin", NULL);

  serving = server_serve (&cluster, cert_file, key_file, &base_url);
  client = (ServerClient) { base_url, cert_file };
  other_serving = server_serve (&cluster, cert_file, key_file, &other_url);
  other_client = (ServerClient) { other_url, cert_file };

  g_test_add_func ("/server-sync/first-pull-brings-the-commune's-places", test_first_pull_brings_own_places);
  g_test_add_func ("/server-sync/push-then-pull-converges", test_push_then_pull_converges);
  g_test_add_func ("/server-sync/concurrent-edit-is-one-conflict", test_concurrent_edit_is_one_conflict);
  g_test_add_func ("/server-sync/replays-create-nothing-twice", test_replays_create_nothing_twice);
  g_test_add_func ("/server-sync/scope-of-communes", test_scope_of_communes);
  g_test_add_func ("/server-sync/bad-changes-refused-alone", test_bad_changes_refused_alone);
  g_test_add_func ("/server-sync/gzip-both-ways-and-zstd-answers", test_gzip_both_ways);
  g_test_add_func ("/server-sync/pull-pages-resume", test_pull_pages_resume);
  g_test_add_func ("/server-sync/pull-of-version-1-in-lists", test_pull_of_version_1_in_lists);
  g_test_add_func ("/server-sync/a-pulled-page-reads-its-own-rows", test_pull_page_reads_its_rows);
  g_test_add_func ("/server-sync/roles-on-every-endpoint", test_roles_on_every_endpoint);
  g_test_add_func ("/server-sync/catalogues-download", test_catalogues_download);
  g_test_add_func ("/server-sync/malformed-pushes-get-4xx", test_malformed_pushes);
  g_test_add_func ("/server-sync/five-devices-two-processes-converge", test_five_devices_converge);
  g_test_add_func ("/server-sync/server-killed-mid-batch", test_server_killed_mid_batch);
  g_test_add_func ("/server-sync/migrate-keeps-records-once", test_migrate_keeps_records_once);

  status = g_test_run ();

  {
    g_autoptr(GError) error = NULL;

    g_subprocess_send_signal (serving, SIGTERM);
    g_subprocess_wait_check (serving, NULL, &error);
    g_assert_no_error (error);
    g_subprocess_send_signal (other_serving, SIGTERM);
    g_subprocess_wait_check (other_serving, NULL, &error);
    g_assert_no_error (error);
  }
  g_clear_object (&serving);
  g_clear_object (&other_serving);
  pg_cluster_stop (&cluster);
  curl_global_cleanup ();
  return status;
}
