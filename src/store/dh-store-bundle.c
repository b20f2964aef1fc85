/* dh-store-bundle.c – a device's changes written to a file, and a file of changes merged into the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-store"

#include "config.h"

/* renameat2 () and RENAME_NOREPLACE */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dh-change.h"
#include "dh-store-private.h"

/* The first line says what the file is; it is short, and a file whose
 * first line is long is something else. */
#define HEADER_MAX_BYTES 4096
/* What is kept of a line that is not a change, to show with its reason. */
#define SET_ASIDE_MAX_BYTES 1024
/* The depth dh_change_parse () allows a change. */
#define CHANGE_MAX_DEPTH 16

void
dh_bundle_report_clear (DhBundleReport *report)
{
  g_clear_pointer (&report->device, g_free);
  g_clear_pointer (&report->user, g_free);
  g_clear_pointer (&report->made_at, g_free);
  g_clear_pointer (&report->set_aside, g_ptr_array_unref);
}

/* An error of the file system, with its code; format names the file, then the reason. */
G_GNUC_PRINTF (3, 4)
static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), message);
}

/* Writing a bundle */

static gboolean
write_line (FILE        *file,
            json_object *object)
{
  const char *text = json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

  return fputs (text, file) >= 0 && fputc ('\n', file) != EOF;
}

static json_object *
new_header (DhStore *self,
            guint    count)
{
  g_autofree char *made_at = dh_store_now_iso (self);
  json_object *header = json_object_new_object ();

  json_object_object_add (header, "donghanh", json_object_new_string ("changes"));
  json_object_object_add (header, "version", json_object_new_int (DH_BUNDLE_VERSION));
  json_object_object_add (header, "device", json_object_new_string (dh_store_get_device_id (self)));
  /* who made it, as a person reads it; the device id is for programs */
  if (dh_store_get_user (self) != NULL)
    json_object_object_add (header, "user", json_object_new_string (dh_store_get_user (self)));
  json_object_object_add (header, "made_at", json_object_new_string (made_at));
  json_object_object_add (header, "count", json_object_new_int64 (count));

  return header;
}

/* Writes the whole bundle to a new private file at tmp_path, next to
 * path, and flushes it to the disk. */
static gboolean
write_bundle (DhStore     *self,
              GPtrArray   *changes,
              const char  *path,
              char        *tmp_path,
              GError     **error)
{
  g_autoptr(json_object) header = new_header (self, changes->len);
  g_autoptr(json_object) end = json_object_new_object ();
  g_autofree char *display = g_filename_display_name (path);
  gboolean ok;
  FILE *file;
  int fd, saved;

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      set_io_error (error, saved, _("Cannot write “%s”: %s; check that the folder exists, has room and is not read-only"),
                    display, g_strerror (saved));
      return FALSE;
    }

  file = fdopen (fd, "w");
  if (file == NULL)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp_path);
      set_io_error (error, saved, _("Cannot write “%s”: %s; check that the folder exists, has room and is not read-only"),
                    display, g_strerror (saved));
      return FALSE;
    }

  json_object_object_add (end, "end", json_object_new_int64 (changes->len));
  ok = write_line (file, header);
  for (guint i = 0; ok && i < changes->len; i++)
    ok = write_line (file, g_ptr_array_index (changes, i));
  ok = ok && write_line (file, end);
  /* a USB stick may be pulled out as soon as this returns */
  ok = ok && fflush (file) == 0 && fsync (fileno (file)) == 0;
  saved = errno;
  if (fclose (file) != 0 && ok)
    {
      ok = FALSE;
      saved = errno;
    }

  if (!ok)
    {
      g_unlink (tmp_path);
      set_io_error (error, saved, _("Cannot write “%s”: %s; check that the folder exists, has room and is not read-only"),
                    display, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

/* Puts the finished file in place, unless a file of that name is there. */
static int
rename_without_replacing (const char *from,
                          const char *to)
{
  struct stat info;

#ifdef RENAME_NOREPLACE
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return -1;
#endif

  /* a file system that cannot refuse for us: look, then rename */
  if (g_lstat (to, &info) == 0)
    {
      errno = EEXIST;
      return -1;
    }

  return g_rename (from, to);
}

static void
sync_folder (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  /* the rename is on the disk too; some file systems cannot say so, and
   * the file's own data is already there */
  if (fd >= 0)
    {
      if (fsync (fd) != 0)
        g_debug ("Could not flush the folder of a bundle: %s", g_strerror (errno));
      close (fd);
    }
}

static gboolean
exists_error (const char  *path,
              GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("“%s” exists already; choose another name for the bundle, or say that it may be replaced"), display);
  return FALSE;
}

/**
 * dh_store_export_bundle:
 * @path: the file to write
 * @replace: whether a file already at @path may be replaced
 * @out_count: (out) (optional): how many changes the bundle carries
 *
 * Writes the changes waiting on this device (the ones the server refused
 * left out) to a bundle, mode 0600, through a temporary file in the same
 * folder renamed at the end: there is never half a bundle at @path. Then
 * the changes count as sent: they left the device, and later edits make
 * changes of their own. They stay in the queue until the server
 * acknowledges them, so the next bundle carries them again; a store that
 * had them takes them as the replay they are.
 *
 * Without @replace, an existing file is refused with %G_IO_ERROR_EXISTS.
 * When the bundle is written but the store cannot record the changes as
 * sent, the bundle stays and this fails: its changes go out again next time.
 */
gboolean
dh_store_export_bundle (DhStore     *self,
                        const char  *path,
                        gboolean     replace,
                        guint       *out_count,
                        GError     **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_name = NULL;
  g_autofree char *tmp_path = NULL;
  struct stat info;
  int rc;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (out_count != NULL)
    *out_count = 0;

  if (!dh_store_check_can_send (self, error))
    return FALSE;

  /* refused before the work; the rename refuses again if one appears meanwhile */
  if (!replace && g_lstat (path, &info) == 0)
    return exists_error (path, error);

  changes = dh_store_get_pending_changes (self, 0, error);
  if (changes == NULL)
    return FALSE;

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  tmp_path = g_build_filename (dir, tmp_name, NULL);
  if (!write_bundle (self, changes, path, tmp_path, error))
    return FALSE;

  rc = replace ? g_rename (tmp_path, path) : rename_without_replacing (tmp_path, path);
  if (rc != 0)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_unlink (tmp_path);
      if (saved == EEXIST)
        return exists_error (path, error);
      set_io_error (error, saved, _("Cannot write “%s”: %s; check that the folder exists, has room and is not read-only"),
                    display, g_strerror (saved));
      return FALSE;
    }
  sync_folder (dir);

  if (out_count != NULL)
    *out_count = changes->len;

  ids = g_ptr_array_new_full (changes->len + 1, g_free);
  for (guint i = 0; i < changes->len; i++)
    {
      json_object *wire = g_ptr_array_index (changes, i);

      /* the name dh_change_get_id () gives it */
      g_ptr_array_add (ids, g_strconcat (dh_json_get_string (wire, "r"), "@", dh_json_get_string (wire, "k"), NULL));
    }
  g_ptr_array_add (ids, NULL);

  return dh_store_mark_changes_sent (self, (const char * const *) ids->pdata, error);
}

/* Reading a bundle */

typedef struct
{
  FILE        *file;
  const char  *path;
  char         buffer[32 * 1024];
  gsize        start;
  gsize        end;
  gboolean     at_end;
  GString     *line;        /* the line, up to the cap and one byte more */
  gsize        length;      /* the whole line's length, beyond the cap too */
  gboolean     terminated;  /* it ended with a newline, not with the file */
  guint        number;
} BundleReader;

static void
bundle_reader_clear (BundleReader *reader)
{
  g_clear_pointer (&reader->file, fclose);
  if (reader->line != NULL)
    g_string_free (g_steal_pointer (&reader->line), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BundleReader, bundle_reader_clear)

/* Reads the next line, keeping at most cap + 1 bytes of it, so that a line
 * of any length costs no more memory than a change may take. With
 * give_up, a line longer than cap is not read to its end. Returns FALSE at
 * the end of the file, and when the file cannot be read, with error set. */
static gboolean
read_line (BundleReader  *reader,
           gsize          cap,
           gboolean       give_up,
           GError       **error)
{
  g_string_truncate (reader->line, 0);
  reader->length = 0;
  reader->terminated = FALSE;

  for (;;)
    {
      const char *data, *newline;
      gsize available, take;

      if (reader->start == reader->end)
        {
          size_t n;

          if (reader->at_end)
            break;
          n = fread (reader->buffer, 1, sizeof reader->buffer, reader->file);
          if (n == 0 && ferror (reader->file))
            {
              int saved = errno;
              g_autofree char *display = g_filename_display_name (reader->path);

              set_io_error (error, saved, _("Cannot read “%s”: %s; copy the bundle again and apply the copy"),
                            display, g_strerror (saved));
              return FALSE;
            }
          reader->at_end = n == 0;
          reader->start = 0;
          reader->end = n;
          continue;
        }

      data = reader->buffer + reader->start;
      available = reader->end - reader->start;
      newline = memchr (data, '\n', available);
      take = newline != NULL ? (gsize) (newline - data) : available;
      if (reader->length <= cap)
        g_string_append_len (reader->line, data, (gssize) MIN (take, cap + 1 - reader->length));
      reader->length += take;
      reader->start += take + (newline != NULL ? 1 : 0);
      if (newline != NULL)
        {
          reader->terminated = TRUE;
          break;
        }
      if (give_up && reader->length > cap)
        break;
    }

  if (reader->length == 0 && !reader->terminated)
    return FALSE;

  /* a file that went through Windows may end its lines with CR LF */
  if (reader->line->len > 0 && reader->line->str[reader->line->len - 1] == '\r')
    g_string_truncate (reader->line, reader->line->len - 1);

  reader->number++;
  return TRUE;
}

static json_object *
parse_line (const char *text,
            gsize       length)
{
  g_autoptr(json_tokener) tokener = json_tokener_new_ex (CHANGE_MAX_DEPTH);
  g_autoptr(json_object) object = json_tokener_parse_ex (tokener, text, (int) length);

  if (object == NULL || json_tokener_get_error (tokener) != json_tokener_success ||
      json_tokener_get_parse_end (tokener) != length)
    return NULL;

  return g_steal_pointer (&object);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }

  return TRUE;
}

static gboolean
not_a_bundle (const char  *path,
              GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT,
               _("“%s” is not a bundle of changes from Đồng Hành; choose the file Đồng Hành wrote when it exported the changes"), display);
  return FALSE;
}

static gboolean
read_header (BundleReader    *reader,
             DhBundleReport  *report,
             GError         **error)
{
  g_autoptr(json_object) header = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *text;
  gint64 version, count;

  if (!read_line (reader, HEADER_MAX_BYTES, TRUE, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return not_a_bundle (reader->path, error);
    }

  text = reader->line->str;
  /* a byte-order mark from an editor that saved it */
  if (g_str_has_prefix (text, "\xEF\xBB\xBF"))
    text += 3;

  if (reader->length > HEADER_MAX_BYTES || !reader->terminated)
    return not_a_bundle (reader->path, error);
  header = parse_line (text, strlen (text));
  if (header == NULL || !json_object_is_type (header, json_type_object) ||
      g_strcmp0 (dh_json_get_string (header, "donghanh"), "changes") != 0)
    return not_a_bundle (reader->path, error);

  version = dh_json_get_int (header, "version", -1);
  count = dh_json_get_int (header, "count", -1);
  if (version > DH_BUNDLE_VERSION)
    {
      g_autofree char *display = g_filename_display_name (reader->path);

      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_TOO_NEW,
                   _("“%s” was made by a newer Đồng Hành (bundle version %d); update Đồng Hành on this device, then apply it again"),
                   display, (int) MIN (version, G_MAXINT));
      return FALSE;
    }
  if (version < 1 || count < 0 || count > G_MAXUINT)
    return not_a_bundle (reader->path, error);

  report->device = g_strdup (dh_json_get_string (header, "device"));
  report->user = g_strdup (dh_json_get_string (header, "user"));
  report->made_at = g_strdup (dh_json_get_string (header, "made_at"));
  report->count = (guint) count;

  return TRUE;
}

/* A line that is not a change, kept with its reason like any change set aside. */
typedef struct
{
  guint  line;
  char  *reason;
  char  *text;
} BadLine;

static void
bad_line_free (BadLine *bad)
{
  g_free (bad->reason);
  g_free (bad->text);
  g_free (bad);
}

static BadLine *
bad_line_new (BundleReader *reader,
              const char   *reason)
{
  BadLine *bad = g_new0 (BadLine, 1);
  const char *end = NULL;
  g_autofree char *valid = NULL;
  g_autoptr(json_object) text = NULL;
  gsize length = MIN (reader->line->len, SET_ASIDE_MAX_BYTES);

  /* kept as a JSON string, as much of it as is whole UTF-8 */
  g_utf8_validate (reader->line->str, (gssize) length, &end);
  valid = g_strndup (reader->line->str, end - reader->line->str);
  text = json_object_new_string (valid);

  bad->line = reader->number;
  bad->reason = g_strdup (reason);
  bad->text = g_strdup (json_object_to_json_string_ext (text, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

  return bad;
}

static gboolean
count_rows (DhStore     *self,
            const char  *sql,
            gint64      *out_value,
            GError     **error)
{
  sqlite3_stmt *stmt = dh_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      dh_store_set_sqlite_error (self, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  *out_value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return TRUE;
}

/* What the merge set aside after seq, with the record each concerns. */
static gboolean
collect_set_aside (DhStore         *self,
                   gint64           after_seq,
                   DhBundleReport  *report,
                   guint           *out_added,
                   GError         **error)
{
  sqlite3_stmt *stmt = dh_store_prepare (self, "SELECT entity, record_id, reason FROM quarantine WHERE seq > ?1 ORDER BY seq", error);
  int rc;

  *out_added = 0;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, after_seq);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_object *entry = json_object_new_object ();
      static const char * const keys[] = { "entity", "record_id", "reason" };

      for (int i = 0; i < (int) G_N_ELEMENTS (keys); i++)
        {
          if (sqlite3_column_text (stmt, i) != NULL)
            json_object_object_add (entry, keys[i], json_object_new_string ((const char *) sqlite3_column_text (stmt, i)));
        }
      g_ptr_array_add (report->set_aside, entry);
      (*out_added)++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      dh_store_set_sqlite_error (self, error);
      return FALSE;
    }

  return TRUE;
}

/* Sets aside a line that is not a change, once: the same bundle applied
 * again finds it there already. */
static gboolean
set_aside_line (DhStore         *self,
                BadLine         *bad,
                DhBundleReport  *report,
                guint           *out_added,
                GError         **error)
{
  json_object *entry = json_object_new_object ();
  DhApplyReport counted = { 0 };
  gint64 before = 0, after = 0;

  json_object_object_add (entry, "line", json_object_new_int64 (bad->line));
  json_object_object_add (entry, "reason", json_object_new_string (bad->reason));
  g_ptr_array_add (report->set_aside, entry);

  if (!count_rows (self, "SELECT count (*) FROM quarantine", &before, error) ||
      !dh_store_set_aside (self, NULL, NULL, bad->reason, bad->text, &counted, error) ||
      !count_rows (self, "SELECT count (*) FROM quarantine", &after, error))
    return FALSE;
  report->changes.rejected += counted.rejected;
  *out_added += (guint) (after - before);

  return TRUE;
}

/* Merges one batch, and sets aside its lines that are not changes, in one
 * transaction: what the report says landed has landed. */
static gboolean
apply_batch (DhStore         *self,
             GPtrArray       *batch,
             GPtrArray       *bad_lines,
             DhBundleReport  *report,
             gboolean        *wrote,
             GError         **error)
{
  DhApplyReport merged = { 0 };
  gint64 last_seq = 0, held_before = 0, held_after = 0;
  guint added = 0, added_lines = 0;
  gboolean ok;

  if (batch->len == 0 && bad_lines->len == 0)
    return TRUE;

  if (!dh_store_begin (self, error))
    return FALSE;

  /* the transaction keeps other writers out: what appears here is ours */
  ok = count_rows (self, "SELECT coalesce (max (seq), 0) FROM quarantine", &last_seq, error) &&
       count_rows (self, "SELECT count (*) FROM held_change", &held_before, error);
  ok = ok && (batch->len == 0 || dh_store_apply_changes (self, batch, NULL, &merged, error));
  ok = ok && collect_set_aside (self, last_seq, report, &added, error);
  for (guint i = 0; ok && i < bad_lines->len; i++)
    ok = set_aside_line (self, g_ptr_array_index (bad_lines, i), report, &added_lines, error);
  ok = ok && count_rows (self, "SELECT count (*) FROM held_change", &held_after, error);

  if (!ok)
    {
      dh_store_rollback (self);
      return FALSE;
    }
  if (!dh_store_commit (self, error))
    return FALSE;

  report->changes.applied += merged.applied;
  report->changes.already += merged.already;
  report->changes.conflicts += merged.conflicts;
  report->changes.rejected += merged.rejected;
  if (merged.applied > 0 || merged.conflicts > 0 || added > 0 || added_lines > 0 || held_after > held_before)
    *wrote = TRUE;

  g_ptr_array_set_size (batch, 0);
  g_ptr_array_set_size (bad_lines, 0);

  return TRUE;
}

/**
 * dh_store_apply_bundle:
 * @path: a bundle written by dh_store_export_bundle() here or elsewhere
 * @progress: (nullable) (scope call): told how many changes were read after
 *   each batch
 * @report: (out caller-allocates): what became of the bundle's changes;
 *   clear it with dh_bundle_report_clear()
 *
 * Merges the changes of a bundle into the store, DH_BUNDLE_BATCH_SIZE a
 * transaction, reading the file a line at a time and no line beyond
 * DH_CHANGE_MAX_BYTES. A change that fails its checks, or a line that is
 * not a change, is set aside with its reason (dh_store_list_quarantine())
 * and the rest apply. A bundle cut short applies what is whole and says so
 * in @report (complete is FALSE). Applying a bundle again writes nothing.
 *
 * Fails with %DH_STORE_ERROR_CORRUPT for a file that is not a bundle,
 * %DH_STORE_ERROR_TOO_NEW for one of a later format (nothing applied then),
 * a #GIOError when the file cannot be read, or the store's error when it
 * cannot be written; @report then holds the batches that landed before.
 */
gboolean
dh_store_apply_bundle (DhStore           *self,
                       const char        *path,
                       DhBundleProgress   progress,
                       gpointer           user_data,
                       DhBundleReport    *report,
                       GError           **error)
{
  g_auto(BundleReader) reader = { 0 };
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);
  g_autoptr(GPtrArray) bad_lines = g_ptr_array_new_with_free_func ((GDestroyNotify) bad_line_free);
  g_autoptr(GError) read_error = NULL;
  gboolean ended = FALSE, whole = TRUE, wrote = FALSE;
  gint64 end_count = -1, held_from = 0, held = 0;

  g_return_val_if_fail (DH_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  memset (report, 0, sizeof *report);
  report->set_aside = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_put);

  reader.path = path;
  reader.line = g_string_sized_new (1024);
  reader.file = g_fopen (path, "rb");
  if (reader.file == NULL)
    {
      int saved = errno;
      g_autofree char *display = g_filename_display_name (path);

      set_io_error (error, saved, _("Cannot open “%s”: %s; check that the USB stick is plugged in and the name is right"),
                    display, g_strerror (saved));
      return FALSE;
    }

  if (!read_header (&reader, report, error) ||
      !dh_store_count_held (self, 0, NULL, &held_from, error))
    return FALSE;

  while (read_line (&reader, DH_CHANGE_MAX_BYTES, FALSE, &read_error))
    {
      g_autoptr(json_object) object = NULL;
      gboolean too_long = reader.length > DH_CHANGE_MAX_BYTES;

      if (is_blank (reader.line->str))
        continue;
      if (!too_long)
        object = parse_line (reader.line->str, reader.line->len);

      /* a last line the copy cut short is neither applied nor set aside:
       * copying the bundle again brings it whole */
      if (!reader.terminated && object == NULL)
        {
          whole = FALSE;
          break;
        }
      /* something follows the end: this is not the bundle that was made */
      if (ended)
        {
          whole = FALSE;
          break;
        }

      if (too_long)
        {
          g_autofree char *reason = g_strdup_printf (_("Line %u of the bundle is longer than the %d bytes a change may have"),
                                                     reader.number, DH_CHANGE_MAX_BYTES);

          g_ptr_array_add (bad_lines, bad_line_new (&reader, reason));
          report->received++;
        }
      else if (object == NULL)
        {
          g_autofree char *reason = g_strdup_printf (_("Line %u of the bundle is not one well-formed JSON object"),
                                                     reader.number);

          g_ptr_array_add (bad_lines, bad_line_new (&reader, reason));
          report->received++;
        }
      else if (json_object_is_type (object, json_type_object) &&
               json_object_object_get_ex (object, "end", NULL) && !json_object_object_get_ex (object, "e", NULL))
        {
          ended = TRUE;
          end_count = dh_json_get_int (object, "end", -1);
        }
      else
        {
          g_ptr_array_add (batch, g_steal_pointer (&object));
          report->received++;
        }

      if (batch->len + bad_lines->len >= DH_BUNDLE_BATCH_SIZE)
        {
          if (!apply_batch (self, batch, bad_lines, report, &wrote, error))
            return FALSE;
          if (progress != NULL)
            progress (report->received, report->count, user_data);
        }
    }

  /* what was read whole lands, even when the rest cannot be read */
  if (!apply_batch (self, batch, bad_lines, report, &wrote, error))
    return FALSE;
  if (progress != NULL)
    progress (report->received, report->count, user_data);

  /* what of the bundle still waits for its record, whichever batch held it */
  if (!dh_store_count_held (self, held_from, &held, NULL, error))
    return FALSE;
  report->changes.held = (guint) held;

  report->complete = whole && ended && end_count == report->received && report->count == report->received;
  report->nothing_new = !wrote;

  if (read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }

  return TRUE;
}
