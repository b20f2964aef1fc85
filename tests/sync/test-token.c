/* test-token.c – the session token's file, the server address a device accepts, the settings kept in the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <sys/stat.h>
#include <glib/gstdio.h>

#include "dh-sync-engine.h"

static char *config_home;

static void
test_token_file_is_private (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dh_sync_token_path ("0123456789abcdef");
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *token = NULL;
  struct stat info;

  g_assert_true (g_str_has_prefix (path, config_home));
  g_assert_null (dh_sync_token_load ("0123456789abcdef", &error));
  g_assert_no_error (error);

  g_assert_true (dh_sync_token_save ("0123456789abcdef", "pQ3-first", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);

  /* replaced whole, still private */
  g_assert_true (dh_sync_token_save ("0123456789abcdef", "pQ3-second", &error));
  g_assert_no_error (error);
  token = dh_sync_token_load ("0123456789abcdef", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "pQ3-second");
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);

  /* a file others can read is refused, with what to do */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_clear_pointer (&token, g_free);
  token = dh_sync_token_load ("0123456789abcdef", &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_clear_error (&error);

  /* forgetting it twice is harmless */
  g_assert_true (dh_sync_token_forget ("0123456789abcdef", &error));
  g_assert_true (dh_sync_token_forget ("0123456789abcdef", &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_token_file_never_follows_a_link (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = dh_sync_token_path ("fedcba9876543210");
  g_autofree char *elsewhere = g_build_filename (config_home, "elsewhere", NULL);

  g_assert_true (dh_sync_token_save ("0000000000000000", "x", &error));
  g_assert_true (g_file_set_contents (elsewhere, "someone else's", -1, NULL));
  g_assert_cmpint (g_chmod (elsewhere, 0600), ==, 0);
  g_assert_cmpint (symlink (elsewhere, path), ==, 0);
  g_assert_null (dh_sync_token_load ("fedcba9876543210", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_unlink (path);

  /* an id that is no file name names no file */
  g_assert_null (dh_sync_token_path ("../escape"));
  g_assert_false (dh_sync_token_save ("../escape", "x", &error));
  g_assert_nonnull (error);
}

static void
test_server_address_is_https (void)
{
  static const char * const good[] = {
    "https://donghanh.example.gov.vn/", "https://10.0.0.5:8443", "http://127.0.0.1:8080/", "http://[::1]:8080/",
  };
  static const char * const bad[] = {
    "http://donghanh.example.gov.vn/", "ftp://x/", "donghanh.example.gov.vn", "", "https://",
    "https://user:pw@host/", "http://127.0.0.2/", "https://host/?a=b",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (dh_sync_check_server_url (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (dh_sync_check_server_url (bad[i], &error));
      g_assert_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED);
      g_assert_nonnull (strstr (error->message, "https://"));
    }
}

static void
test_settings_kept_in_the_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (config_home, "store.db", NULL);
  g_autoptr(DhStore) store = dh_store_open_full (path, DH_STORE_OPEN_CREATE, &error);
  g_autoptr(DhSyncSettings) read = NULL;
  g_autoptr(DhSyncEngine) engine = NULL;
  DhSyncSettings settings = { (char *) "https://donghanh.example.gov.vn/", (char *) "/etc/ca.pem", (char *) "sha256//AAAA",
                              (char *) "lan.hoang", NULL, (char *) "DEMO-01" };

  g_assert_no_error (error);
  g_assert_true (dh_sync_settings_save (store, &settings, &error));
  g_assert_no_error (error);
  read = dh_sync_settings_load (store);
  g_assert_cmpstr (read->server, ==, settings.server);
  g_assert_cmpstr (read->ca_file, ==, settings.ca_file);
  g_assert_cmpstr (read->pin, ==, settings.pin);
  g_assert_cmpstr (read->username, ==, settings.username);
  g_assert_null (read->commune_id);
  g_assert_cmpstr (read->commune_code, ==, settings.commune_code);

  /* a server but no token: the engine asks for a sign-in, and its sync says so */
  engine = dh_sync_engine_new (store);
  g_assert_cmpint (dh_sync_engine_get_state (engine), ==, DH_SYNC_STATE_SIGN_IN_NEEDED);
  g_assert_cmpint (dh_sync_engine_get_pending (engine), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&engine));
  g_clear_object (&store);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  config_home = g_dir_make_tmp ("donghanh-sync-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/token/file-is-private", test_token_file_is_private);
  g_test_add_func ("/sync/token/never-follows-a-link", test_token_file_never_follows_a_link);
  g_test_add_func ("/sync/settings/server-address-is-https", test_server_address_is_https);
  g_test_add_func ("/sync/settings/kept-in-the-store", test_settings_kept_in_the_store);

  status = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", config_home, NULL };

    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (config_home);
  return status;
}
