/* dh-sync-settings.c – which server a store syncs with, who is signed in, and where the token is kept */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#if DH_HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "dh-autocleanups.h"
#include "dh-sync-client.h"
#include "dh-sync-settings.h"

/* A token is 43 characters; a file much longer is not one. */
#define TOKEN_MAX_BYTES 4096

static const struct
{
  const char *key;
  gsize       offset;
} meta_keys[] = {
  { "sync_server", G_STRUCT_OFFSET (DhSyncSettings, server) },
  { "sync_ca_file", G_STRUCT_OFFSET (DhSyncSettings, ca_file) },
  { "sync_pin", G_STRUCT_OFFSET (DhSyncSettings, pin) },
  { "sync_username", G_STRUCT_OFFSET (DhSyncSettings, username) },
  { "sync_commune_id", G_STRUCT_OFFSET (DhSyncSettings, commune_id) },
  { "sync_commune_code", G_STRUCT_OFFSET (DhSyncSettings, commune_code) },
};

DhSyncSettings *
dh_sync_settings_load (DhStore *store)
{
  DhSyncSettings *settings = g_new0 (DhSyncSettings, 1);

  g_return_val_if_fail (DH_IS_STORE (store), settings);

  for (guint i = 0; i < G_N_ELEMENTS (meta_keys); i++)
    {
      char **field = G_STRUCT_MEMBER_P (settings, meta_keys[i].offset);
      char *value = dh_store_get_meta (store, meta_keys[i].key);

      /* an empty value is a setting that was cleared */
      if (value != NULL && *value == '\0')
        g_clear_pointer (&value, g_free);
      *field = value;
    }

  return settings;
}

/* All the settings or none: a store never names one server with
 * another's pin. */
gboolean
dh_sync_settings_save (DhStore               *store,
                       const DhSyncSettings  *settings,
                       GError               **error)
{
  gboolean ok;

  g_return_val_if_fail (DH_IS_STORE (store), FALSE);

  ok = dh_store_begin (store, error);
  for (guint i = 0; ok && i < G_N_ELEMENTS (meta_keys); i++)
    {
      char * const *field = G_STRUCT_MEMBER_P ((gpointer) settings, meta_keys[i].offset);

      ok = dh_store_set_meta (store, meta_keys[i].key, *field != NULL ? *field : "", error);
    }
  if (!ok)
    {
      dh_store_rollback (store);
      return FALSE;
    }

  return dh_store_commit (store, error);
}

void
dh_sync_settings_free (DhSyncSettings *settings)
{
  if (settings == NULL)
    return;

  g_free (settings->server);
  g_free (settings->ca_file);
  g_free (settings->pin);
  g_free (settings->username);
  g_free (settings->commune_id);
  g_free (settings->commune_code);
  g_free (settings);
}

/* The token file */

static gboolean
device_id_is_safe (const char *device_id)
{
  if (device_id == NULL || *device_id == '\0' || *device_id == '.' || strlen (device_id) > 64)
    return FALSE;
  for (const char *p = device_id; *p; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
        return FALSE;
    }
  return TRUE;
}

static char *
tokens_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "donghanh", "tokens", NULL);
}

/* Returns: (transfer full) (nullable): $XDG_CONFIG_HOME/donghanh/tokens/DEVICE_ID */
char *
dh_sync_token_path (const char *device_id)
{
  g_autofree char *dir = NULL;

  if (!device_id_is_safe (device_id))
    return NULL;

  dir = tokens_dir ();
  return g_build_filename (dir, device_id, NULL);
}

static void
set_file_error (GError     **error,
                int          saved_errno,
                const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _("The sign-in cannot be kept in %s: %s"), path, g_strerror (saved_errno));
}

/* The folder is the user's alone: made 0700, and refused when someone
 * else could reach into it. */
static gboolean
make_private_dir (const char  *dir,
                  GError     **error)
{
  struct stat info;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_file_error (error, errno, dir);
      return FALSE;
    }
  if (lstat (dir, &info) != 0)
    {
      set_file_error (error, errno, dir);
      return FALSE;
    }
  if (!S_ISDIR (info.st_mode) || info.st_uid != geteuid ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s is not a folder of yours; remove it and sign in again"), dir);
      return FALSE;
    }
  if ((info.st_mode & 077) != 0 && chmod (dir, 0700) != 0)
    {
      set_file_error (error, errno, dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
token_file_save (const char  *device_id,
                 const char  *token,
                 GError     **error)
{
  g_autofree char *dir = tokens_dir ();
  g_autofree char *path = dh_sync_token_path (device_id);
  g_autofree char *temporary = NULL;
  gsize length;
  gsize written = 0;
  int fd;

  g_return_val_if_fail (token != NULL, FALSE);

  if (path == NULL)
    {
      g_set_error (error, DH_SYNC_ERROR, DH_SYNC_ERROR_NOT_SET_UP,
                   _("This store’s device id “%s” cannot name a file; make a new store with donghanh-cli init"),
                   device_id != NULL ? device_id : "");
      return FALSE;
    }
  if (!make_private_dir (dir, error))
    return FALSE;

  /* a new file of our own, never one a link points at, then put in place
   * whole: a reader finds the old token or the new one */
  temporary = g_strdup_printf ("%s.%08x.tmp", path, g_random_int ());
  fd = open (temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_file_error (error, errno, temporary);
      return FALSE;
    }

  length = strlen (token);
  while (written < length)
    {
      ssize_t n = write (fd, token + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          g_unlink (temporary);
          set_file_error (error, saved_errno, temporary);
          return FALSE;
        }
      written += (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved_errno = errno;

      g_unlink (temporary);
      set_file_error (error, saved_errno, temporary);
      return FALSE;
    }
  if (g_rename (temporary, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (temporary);
      set_file_error (error, saved_errno, path);
      return FALSE;
    }

  return TRUE;
}

static char *
token_file_load (const char  *device_id,
                 GError     **error)
{
  g_autofree char *path = dh_sync_token_path (device_id);
  g_autofree char *token = NULL;
  struct stat info;
  ssize_t n;
  int fd;

  if (path == NULL)
    return NULL;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return NULL;
  if (fd < 0)
    {
      set_file_error (error, errno, path);
      return NULL;
    }

  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode) || info.st_uid != geteuid ())
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s is not a file of yours; remove it and sign in again"), path);
      return NULL;
    }
  if ((info.st_mode & 077) != 0)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The sign-in file %s can be read by others, so it is not used: remove it and sign in again"),
                   path);
      return NULL;
    }

  token = g_malloc0 (TOKEN_MAX_BYTES + 1);
  do
    n = read (fd, token, TOKEN_MAX_BYTES);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n <= 0 || n == TOKEN_MAX_BYTES || strchr (token, '\n') != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The sign-in file %s does not hold a session; remove it and sign in again"), path);
      return NULL;
    }

  return g_steal_pointer (&token);
}

static gboolean
token_file_forget (const char  *device_id,
                   GError     **error)
{
  g_autofree char *path = dh_sync_token_path (device_id);

  if (path == NULL)
    return TRUE;

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      set_file_error (error, errno, path);
      return FALSE;
    }
  return TRUE;
}

/**
 * dh_sync_sign_in:
 * @ca_file: (nullable): an absolute path
 * @pin: (nullable): sha256//BASE64
 *
 * Signs @username in to @server as the store's device, and keeps the
 * settings in the store and the token in its file.
 *
 * Returns: (transfer full): the server's /v2/me, with "expires_at" of the
 *   new token; NULL with an error of %DH_SYNC_ERROR, or of the store.
 */
json_object *
dh_sync_sign_in (DhStore       *store,
                 const char    *server,
                 const char    *ca_file,
                 const char    *pin,
                 const char    *username,
                 const char    *password,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(DhSyncClient) client = NULL;
  g_autoptr(json_object) signed_in = NULL;
  g_autoptr(json_object) me = NULL;
  DhSyncSettings settings = { 0 };
  json_object *value = NULL;
  const char *token;

  g_return_val_if_fail (DH_IS_STORE (store), NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  if (!dh_store_check_can_send (store, error))
    return NULL;

  client = dh_sync_client_new (server, ca_file, pin, error);
  if (client == NULL)
    return NULL;
  dh_sync_client_set_cancellable (client, cancellable);

  signed_in = dh_sync_client_sign_in (client, username, password, dh_store_get_device_id (store), error);
  if (signed_in == NULL)
    return NULL;
  token = json_object_get_string (json_object_object_get (signed_in, "token"));

  dh_sync_client_set_token (client, token);
  me = dh_sync_client_request (client, "GET", "/v2/me", NULL, error);
  if (me == NULL)
    return NULL;

  settings.server = (char *) server;
  settings.ca_file = (char *) ca_file;
  settings.pin = (char *) pin;
  if (json_object_object_get_ex (me, "username", &value) && json_object_is_type (value, json_type_string))
    settings.username = (char *) json_object_get_string (value);
  else
    settings.username = (char *) username;
  if (json_object_object_get_ex (me, "commune_id", &value) && json_object_is_type (value, json_type_string))
    settings.commune_id = (char *) json_object_get_string (value);
  if (json_object_object_get_ex (me, "commune", &value) && json_object_is_type (value, json_type_string))
    settings.commune_code = (char *) json_object_get_string (value);

  /* a device holds one commune's households: an account of none (the
   * province's administrator) has nothing to sync here */
  if (settings.commune_id == NULL)
    {
      g_set_error_literal (error, DH_SYNC_ERROR, DH_SYNC_ERROR_REFUSED,
                           _("This account is the province administrator’s and belongs to no commune, while this "
                             "computer keeps one commune’s households. Sign in with the account of a caseworker or "
                             "an official of the commune."));
      return NULL;
    }

  if (!dh_sync_token_save (dh_store_get_device_id (store), token, error) ||
      !dh_sync_settings_save (store, &settings, error) ||
      !dh_store_set_meta (store, "signed_in_user", settings.username, error))
    return NULL;
  /* the changes made from now on are recorded under this name */
  dh_store_set_user (store, settings.username);

  if (json_object_object_get_ex (signed_in, "expires_at", &value))
    json_object_object_add (me, "expires_at", json_object_get (value));

  return g_steal_pointer (&me);
}

/* The desktop keyring */

#if DH_HAVE_LIBSECRET
static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.donghanh.DongHanh.Session", SECRET_SCHEMA_NONE,
    {
      { "device", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}
#endif

/* DONGHANH_TOKEN_STORE=file keeps the token in its file even where a
 * keyring runs (a shared account, a script). */
static gboolean
keyring_wanted (void)
{
#if DH_HAVE_LIBSECRET
  return g_strcmp0 (g_getenv ("DONGHANH_TOKEN_STORE"), "file") != 0;
#else
  return FALSE;
#endif
}

/**
 * dh_sync_token_save:
 *
 * Keeps the token in the desktop keyring when the build has libsecret and
 * a Secret Service answers; else in $XDG_CONFIG_HOME/donghanh/tokens/DEVICE_ID,
 * mode 0600.
 */
gboolean
dh_sync_token_save (const char  *device_id,
                    const char  *token,
                    GError     **error)
{
  g_return_val_if_fail (token != NULL, FALSE);

#if DH_HAVE_LIBSECRET
  if (keyring_wanted () && device_id_is_safe (device_id))
    {
      g_autoptr(GError) keyring_error = NULL;
      g_autofree char *label = g_strdup_printf (_("Đồng Hành session of device %s"), device_id);

      if (secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT, label, token, NULL,
                                      &keyring_error, "device", device_id, NULL))
        /* one place only: an older session in a file is not left behind */
        return token_file_forget (device_id, error);
      g_debug ("No keyring for the session, a file instead: %s", keyring_error->message);
    }
#endif

  return token_file_save (device_id, token, error);
}

/**
 * dh_sync_token_load:
 *
 * Returns: (transfer full) (nullable): the token, or NULL without an error
 *   when nobody is signed in on the device; NULL with an error when the
 *   file is there but cannot be trusted.
 */
char *
dh_sync_token_load (const char  *device_id,
                    GError     **error)
{
#if DH_HAVE_LIBSECRET
  if (keyring_wanted () && device_id_is_safe (device_id))
    {
      g_autoptr(GError) keyring_error = NULL;
      char *secret = secret_password_lookup_sync (token_schema (), NULL, &keyring_error,
                                                  "device", device_id, NULL);

      if (secret != NULL)
        {
          char *token = g_strdup (secret);

          secret_password_free (secret);
          return token;
        }
    }
#endif

  return token_file_load (device_id, error);
}

gboolean
dh_sync_token_forget (const char  *device_id,
                      GError     **error)
{
#if DH_HAVE_LIBSECRET
  if (keyring_wanted () && device_id_is_safe (device_id))
    secret_password_clear_sync (token_schema (), NULL, NULL, "device", device_id, NULL);
#endif

  return token_file_forget (device_id, error);
}
