/* dh-cli.c – donghanh-cli, the headless client */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "dh-autocleanups.h"
#include "dh-money.h"
#include "dh-catalogue.h"
#include "dh-change.h"
#include "dh-classify.h"
#include "dh-date.h"
#include "dh-demo.h"
#include "dh-error.h"
#include "dh-i18n.h"
#include "dh-cli-private.h"

typedef int (*DhCliRun) (DhCli *cli, char **args, int n_args);

typedef struct
{
  const char *name;
  int         min_args;
  int         max_args;   /* -1: any number */
  const char *usage;
  DhCliRun    run;
} DhCliCommand;

void
dh_cli_print_usage_error (const char *message)
{
  g_printerr ("donghanh-cli: %s\n", message);
  g_printerr (_("Run “donghanh-cli --help” to see the commands.\n"));
}

int
dh_cli_fail (const GError *error)
{
  g_printerr ("donghanh-cli: %s\n", error->message);

  /* the store says what to do; here is how to do it at a terminal */
  if (g_error_matches (error, DH_STORE_ERROR, DH_STORE_ERROR_LEDGER))
    g_printerr ("%s\n", _("To void an entry: donghanh-cli void-support ID --reason TEXT"));
  else if (g_error_matches (error, DH_STORE_ERROR, DH_STORE_ERROR_REFERENCE) ||
           g_error_matches (error, DH_STORE_ERROR, DH_STORE_ERROR_NOT_FOUND))
    g_printerr ("%s\n", _("To see the records and their ids: donghanh-cli list ENTITY (village, commune, household, member, ...)"));
  else if (g_error_matches (error, DH_STORE_ERROR, DH_STORE_ERROR_CORRUPT))
    g_printerr ("%s\n", _("Give the store with --store FILE, or create one with: donghanh-cli init"));
  else if (g_error_matches (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_UNKNOWN_CODE))
    g_printerr ("%s\n", _("To see a catalogue's codes: donghanh-cli catalogue NAME"));
  else if (g_error_matches (error, DH_STORE_ERROR, DH_STORE_ERROR_BUSY))
    {
      g_printerr ("%s\n", _("To wait longer for it: --wait SECONDS"));
      return DH_CLI_EXIT_BUSY;
    }

  return DH_CLI_EXIT_REJECTED;
}

void
dh_cli_print_json (json_object *object)
{
  g_print ("%s\n", json_object_to_json_string_ext (object, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

typedef enum
{
  OPEN_TO_WRITE,
  OPEN_TO_READ,
  OPEN_OR_CREATE,
} OpenMode;

/* Whether this process may write the file, and the folder where SQLite
 * keeps the store's log next to it. */
static gboolean
store_is_writable (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return g_access (path, W_OK) == 0 && g_access (dir, W_OK) == 0;
}

static DhStore *
open_store (DhCli     *cli,
            OpenMode   mode,
            GError   **error)
{
  g_autofree char *path = NULL;
  DhStoreOpenFlags flags = DH_STORE_OPEN_DEFAULT;

  if (cli->store != NULL)
    return cli->store;

  path = cli->store_path != NULL ? g_strdup (cli->store_path) : dh_store_default_path ();

  /* a mistyped --store must not quietly start an empty store */
  if (mode != OPEN_OR_CREATE && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DH_STORE_ERROR, DH_STORE_ERROR_OPEN,
                   _("There is no store at %s; check --store, or create one with donghanh-cli init"), path);
      return NULL;
    }

  if (mode == OPEN_OR_CREATE)
    flags = DH_STORE_OPEN_CREATE;
  /* a store on a read-only stick, or shared read-only, can still be read */
  else if (mode == OPEN_TO_READ && !store_is_writable (path))
    flags = DH_STORE_OPEN_READ_ONLY;

  cli->store = dh_store_open_full (path, flags, error);
  if (cli->store != NULL && cli->user != NULL)
    dh_store_set_user (cli->store, cli->user);
  if (cli->store != NULL && cli->wait >= 0)
    dh_store_set_busy_timeout (cli->store, (guint) cli->wait * 1000);

  return cli->store;
}

DhStore *
dh_cli_open_store (DhCli   *cli,
                   GError **error)
{
  return open_store (cli, OPEN_TO_WRITE, error);
}

DhStore *
dh_cli_open_store_to_read (DhCli   *cli,
                           GError **error)
{
  return open_store (cli, OPEN_TO_READ, error);
}

DhStore *
dh_cli_create_store (DhCli   *cli,
                     GError **error)
{
  return open_store (cli, OPEN_OR_CREATE, error);
}

/* Where OFFSET lies in TEXT, as an editor shows it: lines and columns
 * counted from 1, columns in characters. */
static void
locate_offset (const char *text,
               gsize       offset,
               int        *out_line,
               int        *out_column)
{
  const char *line_start = text;
  const char *end = text + offset;

  *out_line = 1;
  for (const char *p = text; p < end; p++)
    {
      if (*p == '\n')
        {
          (*out_line)++;
          line_start = p + 1;
        }
    }

  if (g_utf8_validate (line_start, end - line_start, NULL))
    *out_column = (int) g_utf8_strlen (line_start, end - line_start) + 1;
  else
    *out_column = (int) (end - line_start) + 1;
}

static gboolean
only_space_after (const char *text,
                  gsize       length,
                  gsize       offset)
{
  for (gsize i = offset; i < length; i++)
    {
      if (!g_ascii_isspace (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* json-c's own descriptions are English and name its states ("continue") */
static const char *
describe_json_error (enum json_tokener_error  code,
                     const char              *text,
                     gsize                    offset)
{
  if (code == json_tokener_continue || code == json_tokener_error_parse_eof)
    return _("the input ends before the object is closed with “}”");
  if (code == json_tokener_error_depth)
    return _("values are nested too deeply");
  if (code == json_tokener_error_parse_unexpected)
    {
      gsize i = offset;

      while (i > 0 && g_ascii_isspace (text[i - 1]))
        i--;
      if (i > 0 && text[i - 1] == ',')
        return _("a comma comes before a closing “}” or “]”; remove it");
      return _("there is a character that does not belong there");
    }
  if (code == json_tokener_error_parse_null || code == json_tokener_error_parse_boolean ||
      code == json_tokener_error_parse_number)
    return _("a value is neither text in quotes, a number, true, false nor null");
  if (code == json_tokener_error_parse_string)
    return _("a text in quotes is not written correctly");
  if (code == json_tokener_error_parse_object_key_name)
    return _("a field name is not in double quotes");
  if (code == json_tokener_error_parse_object_key_sep)
    return _("a “:” is missing after a field name");
  if (code == json_tokener_error_parse_object_value_sep)
    return _("a “,” is missing between two fields");
  if (code == json_tokener_error_parse_array)
    return _("a list in “[ ]” is not written correctly");
  if (code == json_tokener_error_parse_comment)
    return _("there is a comment, which JSON does not allow");
  if (code == json_tokener_error_parse_utf8_string)
    return _("the text is not valid UTF-8");
  return _("the JSON is not written correctly");
}

/* Exactly one object, or an error that says where the input goes wrong:
 * a second object or a trailing comma is never passed over. */
static json_object *
read_stdin_object (GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(json_tokener) tokener = json_tokener_new ();
  g_autoptr(json_object) object = NULL;
  enum json_tokener_error code;
  char buffer[4096];
  size_t n;
  gsize end;
  int line, column;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    {
      g_string_append_len (text, buffer, (gssize) n);
      if (text->len > DH_CHANGE_MAX_BYTES)
        {
          g_autofree char *most = g_strdup_printf ("%d", DH_CHANGE_MAX_BYTES / 1024);

          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                       _("standard input is larger than %s KB, far more than one record; check that the right file is given"),
                       most);
          return NULL;
        }
    }

  if (only_space_after (text->str, text->len, 0))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("standard input is empty; give one JSON object, for example {\"head_name\": \"Nguyễn Văn An\"}"));
      return NULL;
    }

  json_tokener_set_flags (tokener, JSON_TOKENER_STRICT);
  object = json_tokener_parse_ex (tokener, text->str, (int) text->len);
  code = json_tokener_get_error (tokener);
  end = json_tokener_get_parse_end (tokener);

  if (code == json_tokener_success && only_space_after (text->str, text->len, end))
    {
      if (!json_object_is_type (object, json_type_object))
        {
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("standard input is a JSON value but not an object in “{ }”; give one object, for example {\"head_name\": \"Nguyễn Văn An\"}"));
          return NULL;
        }
      return g_steal_pointer (&object);
    }

  if (code == json_tokener_success || code == json_tokener_error_parse_unexpected)
    {
      /* was there a whole value before the place it stopped? then more follows it */
      g_autoptr(json_tokener) lenient = json_tokener_new ();
      g_autoptr(json_object) first = json_tokener_parse_ex (lenient, text->str, (int) text->len);
      gsize first_end = json_tokener_get_parse_end (lenient);

      if (code == json_tokener_success || (first != NULL && first_end <= end))
        {
          gsize next = code == json_tokener_success ? end : first_end;

          while (next < text->len && g_ascii_isspace (text->str[next]))
            next++;
          locate_offset (text->str, next, &line, &column);
          g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                       _("standard input goes on after the first object, at line %d, column %d; give exactly one object"),
                       line, column);
          return NULL;
        }
    }

  locate_offset (text->str, MIN (end, text->len), &line, &column);
  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
               /* Translators: the last %s says what is wrong, such as "a “:” is missing after a field name" */
               _("standard input is not one JSON object: at line %d, column %d, %s"),
               line, column, describe_json_error (code, text->str, MIN (end, text->len)));
  return NULL;
}

/* Takes the error by address: it is set by the call that makes the record,
 * which C may evaluate after the error argument itself. */
int
dh_cli_print_record_or_fail (json_object  *record,
                      GError      **error)
{
  if (record == NULL)
    return dh_cli_fail (*error);

  dh_cli_print_json (record);
  json_object_put (record);
  return DH_CLI_EXIT_OK;
}

/* JSON lines, one record each, or the error that kept them from being read. */
static void
print_rows (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    dh_cli_print_json (g_ptr_array_index (rows, i));
}

int
dh_cli_print_rows_or_fail (GPtrArray  *rows,
                    GError    **error)
{
  if (rows == NULL)
    return dh_cli_fail (*error);

  print_rows (rows);
  return DH_CLI_EXIT_OK;
}

/* Commands */

static int
run_init (DhCli  *cli,
          char  **args,
          int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhStore *store = dh_cli_create_store (cli, &error);

  if (store == NULL)
    return dh_cli_fail (error);

  g_print (_("Store ready: %s (device %s)\n"), dh_store_get_path (store), dh_store_get_device_id (store));
  return DH_CLI_EXIT_OK;
}

static void
demo_progress_cb (guint    done,
                  gpointer user_data)
{
  guint total = GPOINTER_TO_UINT (user_data);

  if (done == total || done % 5000 == 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u of %u household written\n", "%u of %u households written\n", total), done, total);
}

static int
run_demo (DhCli  *cli,
          char  **args,
          int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhDemoOptions options;
  DhStore *store;
  gint64 existing;
  DhQuery query = { .entity = "province" };

  dh_demo_options_init (&options);
  if (cli->households >= 0)
    options.households = (guint) cli->households;
  if (cli->seed >= 0)
    options.seed = (guint32) cli->seed;

  store = dh_cli_create_store (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  existing = dh_store_count (store, &query, &error);
  if (existing != 0)
    {
      if (existing > 0)
        g_printerr (_("donghanh-cli: the store %s holds places already; demo data goes into a new store only (use --store FILE)\n"),
                    dh_store_get_path (store));
      else
        dh_cli_fail (error);
      return DH_CLI_EXIT_REJECTED;
    }

  if (!dh_demo_populate (store, &options, demo_progress_cb, GUINT_TO_POINTER (options.households), &error))
    return dh_cli_fail (error);

  g_print (g_dngettext (GETTEXT_PACKAGE, "Demo data written to %s: %u household\n", "Demo data written to %s: %u households\n",
                       options.households),
           dh_store_get_path (store), options.households);
  return DH_CLI_EXIT_OK;
}

static DhSort
parse_sort (const char *text,
            gboolean   *ok)
{
  *ok = TRUE;
  if (text == NULL)
    return DH_SORT_DEFAULT;
  if (g_str_equal (text, "given-name"))
    return DH_SORT_GIVEN_NAME;
  if (g_str_equal (text, "full-name"))
    return DH_SORT_FULL_NAME;
  if (g_str_equal (text, "newest"))
    return DH_SORT_NEWEST;

  *ok = FALSE;
  return DH_SORT_DEFAULT;
}

static int
run_list (DhCli  *cli,
          char  **args,
          int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) filters = g_ptr_array_new ();
  DhQuery query = { 0 };
  gboolean sort_ok;
  DhStore *store;

  query.entity = args[0];
  for (int i = 1; i < n_args; i++)
    g_ptr_array_add (filters, args[i]);
  g_ptr_array_add (filters, NULL);
  query.filters = (const char * const *) filters->pdata;
  query.sort = parse_sort (cli->sort, &sort_ok);
  query.limit = cli->limit > 0 ? (guint) cli->limit : DH_STORE_DEFAULT_LIMIT;
  query.offset = cli->offset > 0 ? (guint) cli->offset : 0;
  query.include_deleted = cli->deleted;

  if (!sort_ok)
    {
      dh_cli_print_usage_error (_("--sort takes given-name, full-name or newest"));
      return DH_CLI_EXIT_USAGE;
    }

  store = dh_cli_open_store_to_read (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  rows = dh_store_list (store, &query, &error);
  if (rows == NULL)
    return dh_cli_fail (error);
  print_rows (rows);

  /* a list cut at its limit says so, on stderr: a script reading the
   * lines is not disturbed, and nobody takes a page for the whole */
  if (rows->len == query.limit)
    {
      gint64 total = dh_store_count (store, &query, NULL);

      if (total > (gint64) (query.offset + rows->len))
        g_printerr (_("Records %u to %u of %u shown; there are more: --offset %u shows the next ones, a larger --limit more at once.\n"),
                    query.offset + 1, query.offset + rows->len, (guint) total, query.offset + rows->len);
    }

  return DH_CLI_EXIT_OK;
}

static int
run_get (DhCli  *cli,
         char  **args,
         int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhStore *store = dh_cli_open_store_to_read (cli, &error);

  if (store == NULL)
    return dh_cli_fail (error);

  return dh_cli_print_record_or_fail (dh_store_get (store, args[0], args[1], &error), &error);
}

/* add and update: the record on standard input, written to the store;
 * id is the record's for an update, NULL for an add */
static int
write_from_stdin (DhCli       *cli,
                  const char  *entity,
                  const char  *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) input = NULL;
  DhStore *store;

  input = read_stdin_object (&error);
  if (input == NULL)
    return dh_cli_fail (error);

  store = dh_cli_open_store (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  if (id == NULL)
    return dh_cli_print_record_or_fail (dh_store_create (store, entity, input, &error), &error);

  return dh_cli_print_record_or_fail (dh_store_update (store, entity, id, input, &error), &error);
}

static int
run_add (DhCli  *cli,
         char  **args,
         int     n_args)
{
  return write_from_stdin (cli, args[0], NULL);
}

static int
run_update (DhCli  *cli,
            char  **args,
            int     n_args)
{
  return write_from_stdin (cli, args[0], args[1]);
}

static int
run_delete (DhCli  *cli,
            char  **args,
            int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhStore *store = dh_cli_open_store (cli, &error);

  if (store == NULL || !dh_store_delete (store, args[0], args[1], &error))
    return dh_cli_fail (error);

  return DH_CLI_EXIT_OK;
}

/* Text from the command line is bounded like a field's, before anything
 * normalises it. */
static gboolean
check_argument_length (const char *what,
                       const char *text,
                       gsize       most)
{
  g_autofree char *given = NULL;
  g_autofree char *allowed = NULL;
  g_autofree char *message = NULL;

  if (strlen (text) <= most)
    return TRUE;

  given = g_strdup_printf ("%" G_GSIZE_FORMAT, strlen (text));
  allowed = g_strdup_printf ("%" G_GSIZE_FORMAT, most);
  /* Translators: "--reason is too long: 5000 bytes where at most 4000 fit; shorten it" */
  message = g_strdup_printf (_("%s is too long: %s bytes where at most %s fit; shorten it"), what, given, allowed);
  dh_cli_print_usage_error (message);
  return FALSE;
}

static int
run_void_support (DhCli  *cli,
                  char  **args,
                  int     n_args)
{
  g_autoptr(GError) error = NULL;
  DhStore *store;

  if (cli->reason == NULL)
    {
      dh_cli_print_usage_error (_("void-support needs --reason TEXT: say why the entry is voided"));
      return DH_CLI_EXIT_USAGE;
    }

  if (!check_argument_length ("--reason", cli->reason, DH_FIELD_MAX_TEXT_BYTES))
    return DH_CLI_EXIT_USAGE;

  store = dh_cli_open_store (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  return dh_cli_print_record_or_fail (dh_store_void_support (store, args[0], cli->reason, &error), &error);
}

static int
run_search (DhCli  *cli,
            char  **args,
            int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *text = g_strjoinv (" ", args);
  gboolean more = FALSE;
  guint limit;
  int status;
  DhStore *store;

  if (!check_argument_length (_("the text to search for"), text, DH_FIELD_MAX_NAME_BYTES))
    return DH_CLI_EXIT_USAGE;

  store = dh_cli_open_store_to_read (cli, &error);
  if (store == NULL)
    return dh_cli_fail (error);

  limit = cli->limit > 0 ? (guint) cli->limit : 20;
  rows = dh_store_search_households_full (store, text, limit, &more, &error);
  status = dh_cli_print_rows_or_fail (rows, &error);
  /* on stderr, so that the rows stay a list a program can read */
  if (status == DH_CLI_EXIT_OK && more)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "More households match than the %u shown; type more of the name, or give a larger --limit\n",
                             "More households match than the %u shown; type more of the name, or give a larger --limit\n",
                             limit),
                limit);

  return status;
}

static int
run_classify (DhCli  *cli,
              char  **args,
              int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) input = NULL;
  g_autoptr(json_object) fields = NULL;
  g_autoptr(json_object) output = NULL;
  g_autoptr(DhClassification) result = NULL;
  g_autoptr(GPtrArray) deprived = g_ptr_array_new ();
  const DhEntity *assessment = dh_entity_lookup ("assessment");
  DhValidator validator;
  DhClassifyInput classify_input = { 0 };
  json_object *reasons;
  const char *area;

  input = read_stdin_object (&error);
  if (input == NULL)
    return dh_cli_fail (error);

  /* the same checks as a stored review, without the household; a
   * calculation may look ahead, so the review date may lie in the future */
  dh_validator_init (&validator);
  g_date_set_dmy (&validator.today, 31, G_DATE_DECEMBER, 9999);
  json_object_object_add (input, "household", NULL);
  json_object_object_del (input, "household");
  if (!dh_entity_normalize_fields (assessment, input, FALSE, &validator, &fields, &error))
    return dh_cli_fail (error);

  if (dh_json_get_string (fields, "reviewed_on") == NULL)
    {
      g_set_error (&error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("reviewed_on: is required; give the date of the review, such as \"2026-11-24\""));
      return dh_cli_fail (error);
    }

  area = dh_json_get_string (fields, "area");
  if (area == NULL)
    {
      g_set_error (&error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_REQUIRED,
                   _("area: is required; give \"rural\" or \"urban\""));
      return dh_cli_fail (error);
    }

  /* read as the store reads a review: annual unless it says otherwise */
  if (!dh_classify_input_init_from_json (&classify_input, fields, deprived, &error))
    return dh_cli_fail (error);

  result = dh_classify (validator.catalogues, &classify_input, &error);
  if (result == NULL)
    return dh_cli_fail (error);

  output = json_object_new_object ();
  json_object_object_add (output, "class", json_object_new_string (result->class_code));
  json_object_object_add (output, "standard", json_object_new_string (result->standard_id));
  reasons = json_object_new_array ();
  for (guint i = 0; i < result->reasons->len; i++)
    json_object_array_add (reasons, json_object_new_string (g_ptr_array_index (result->reasons, i)));
  json_object_object_add (output, "reasons", reasons);
  dh_cli_print_json (output);

  return DH_CLI_EXIT_OK;
}

static int
run_import (DhCli  *cli,
            char  **args,
            int     n_args)
{
  return dh_cli_import_households (cli, args[0]);
}

static int
run_import_members (DhCli  *cli,
                    char  **args,
                    int     n_args)
{
  return dh_cli_import_members (cli, args[0]);
}

static int
run_export (DhCli  *cli,
            char  **args,
            int     n_args)
{
  return dh_cli_export (cli, args[0], args[1]);
}

/* A count of the store's status, its thousands grouped: "1.234". */
static char *
count_of (json_object *object,
          const char  *key)
{
  json_object *value = NULL;

  return dh_grouped_format (json_object_object_get_ex (object, key, &value) ? json_object_get_int64 (value) : 0);
}

/* What the store holds, in words on stderr, for the person reading: the
 * classes by their names, never their codes. */
static void
print_store_status (json_object *status)
{
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  json_object *counts = json_object_object_get (status, "counts");
  json_object *places = json_object_object_get (status, "places");
  json_object *by_class = json_object_object_get (status, "households_by_class");
  g_autoptr(GPtrArray) classes = dh_catalogues_list_codes (catalogues, "classification");
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *households = count_of (counts, "household");
  g_autofree char *members = count_of (counts, "member");
  g_autofree char *visits = count_of (counts, "visit");
  g_autofree char *reviews = count_of (counts, "assessment");
  g_autofree char *support = count_of (counts, "support");
  g_autofree char *plans = count_of (counts, "exit_plan");
  g_autofree char *provinces = count_of (places, "province");
  g_autofree char *communes = count_of (places, "commune");
  g_autofree char *villages = count_of (places, "village");

  g_printerr (_("Households: %s; members: %s; visits: %s; reviews: %s; support entries: %s; plans to escape poverty: %s.\n"),
              households, members, visits, reviews, support, plans);
  g_printerr (_("Provinces: %s; communes: %s; villages: %s.\n"), provinces, communes, villages);

  for (guint i = 0; i < classes->len; i++)
    {
      const char *code = g_ptr_array_index (classes, i);
      const char *label = dh_catalogues_get_label (catalogues, "classification", code);
      json_object *value = NULL;

      if (json_object_object_get_ex (by_class, code, &value) && json_object_get_int64 (value) > 0)
        {
          g_autofree char *count = dh_grouped_format (json_object_get_int64 (value));

          g_string_append_printf (line, "%s%s %s", line->len > 0 ? ", " : "", label != NULL ? label : code, count);
        }
    }
  if (line->len > 0)
    /* Translators: %s lists the classes with their households, "Hộ nghèo 25, Hộ cận nghèo 22" */
    g_printerr (_("Households by class: %s.\n"), line->str);
  if (json_object_get_boolean (json_object_object_get (status, "demo")))
    g_printerr ("%s\n", _("This store holds demo data: it is never sent to a server."));
}

static int
run_status (DhCli  *cli,
            char  **args,
            int     n_args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(json_object) status = NULL;
  json_object *sync;
  DhStore *store = dh_cli_open_store_to_read (cli, &error);

  if (store == NULL)
    return dh_cli_fail (error);

  status = dh_store_get_status (store, &error);
  if (status == NULL)
    return dh_cli_fail (error);

  sync = dh_cli_sync_status (store);
  json_object_object_add (status, "sync", sync);
  dh_cli_print_json (status);
  print_store_status (status);
  dh_cli_print_sync_status (sync);
  return DH_CLI_EXIT_OK;
}

static int
run_catalogue (DhCli  *cli,
               char  **args,
               int     n_args)
{
  static const char * const names[] = {
    "standard", "indicator", "programme", "project", "support_type", "poverty_cause",
    "funding_source", "ethnicity", "birth_province",
    "classification", "relation", "sex", "schooling", "employment", "exit_status", "visit_purpose",
    "review_kind", "support_status", "role", "area", "unit_kind", NULL
  };
  DhCatalogues *catalogues = dh_catalogues_get_default ();
  g_autoptr(GPtrArray) codes = NULL;

  if (!g_strv_contains (names, args[0]))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) names);
      g_autofree char *message = g_strdup_printf (_("“%s” is not a catalogue; use one of: %s"), args[0], list);

      dh_cli_print_usage_error (message);
      return DH_CLI_EXIT_USAGE;
    }

  codes = dh_catalogues_list_codes (catalogues, args[0]);
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      g_autoptr(json_object) entry = json_object_new_object ();
      const char *name = dh_catalogues_get_name (catalogues, args[0], code);
      const char *name_en = dh_catalogues_get_name_en (catalogues, args[0], code);

      json_object_object_add (entry, "code", json_object_new_string (code));
      if (name != NULL)
        json_object_object_add (entry, "name", json_object_new_string (name));
      if (name_en != NULL)
        json_object_object_add (entry, "name_en", json_object_new_string (name_en));
      /* the statistics office's code and the other names it is known by */
      {
        json_object *found = dh_catalogues_get_entry (catalogues, args[0], code);
        json_object *value = NULL;

        if (json_object_object_get_ex (found, "gso_code", &value))
          json_object_object_add (entry, "gso_code", json_object_get (value));
        if (json_object_object_get_ex (found, "aliases", &value))
          json_object_object_add (entry, "aliases", json_object_get (value));
      }
      dh_cli_print_json (entry);
    }

  return DH_CLI_EXIT_OK;
}

static const DhCliCommand commands[] = {
  { "init", 0, 0, N_("init"), run_init },
  { "demo", 0, 0, N_("demo [--households N] [--seed N]"), run_demo },
  { "list", 1, -1, N_("list ENTITY [FIELD=VALUE ...] [--sort given-name|full-name|newest] [--limit N] [--offset N] [--deleted]"), run_list },
  { "get", 2, 2, N_("get ENTITY ID"), run_get },
  { "add", 1, 1, N_("add ENTITY < record.json"), run_add },
  { "update", 2, 2, N_("update ENTITY ID < changes.json"), run_update },
  { "delete", 2, 2, N_("delete ENTITY ID"), run_delete },
  { "void-support", 1, 1, N_("void-support ID --reason TEXT"), run_void_support },
  { "search", 1, -1, N_("search TEXT [--limit N]"), run_search },
  { "classify", 0, 0, N_("classify < assessment.json"), run_classify },
  { "import-households", 1, 1, N_("import-households FILE.csv [--dry-run]"), run_import },
  { "import-members", 1, 1, N_("import-members FILE.csv [--dry-run]"), run_import_members },
  { "export", 2, 2, N_("export ENTITY FILE.csv"), run_export },
  { "status", 0, 0, N_("status"), run_status },
  { "pending", 0, 0, N_("pending [--rejected] [--limit N]"), dh_cli_run_pending },
  { "retry", 0, 0, N_("retry"), dh_cli_run_retry },
  { "set-aside", 0, 0, N_("set-aside [--limit N]"), dh_cli_run_set_aside },
  { "changes", 2, 2, N_("changes export FILE [--force] | changes apply FILE [--json]"), dh_cli_run_changes },
  { "restore", 2, 2, N_("restore ENTITY ID"), dh_cli_run_restore },
  { "conflicts", 0, 0, N_("conflicts [--all]"), dh_cli_run_conflicts },
  { "login", 0, 0, N_("login --server URL --username NAME [--ca FILE] [--pin sha256//BASE64] < password"), dh_cli_run_login },
  { "logout", 0, 0, N_("logout"), dh_cli_run_logout },
  { "sync", 0, 0, N_("sync [--json]"), dh_cli_run_sync },
  { "catalogue", 1, 1, N_("catalogue NAME"), run_catalogue },
  { "report", 2, 3, N_("report villages COMMUNE | report support COMMUNE YEAR | report overdue COMMUNE [DAYS]"), dh_cli_run_report },
};

static char *
describe_commands (void)
{
  GString *text = g_string_new (_("Commands:\n"));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %s\n", _(commands[i].usage));

  g_string_append (text, _("\n"
                           "ENTITY is household, member, visit, support, assessment, exit_plan, admin_unit\n"
                           "(or province, commune, village), user or conflict. Records are read and printed as JSON,\n"
                           "one per line, with the field names of the data dictionary. A place is written as its\n"
                           "name, code or id, a coded value as its name or code (classification=Hộ nghèo).\n"));
  g_string_append (text, _("\n"
                           "pending lists the changes waiting to leave this device (--rejected: the ones the server\n"
                           "refused, with its reasons). A refused change goes again with the correction of its record.\n"
                           "set-aside lists the changes from elsewhere that were set aside instead of applied, with their\n"
                           "reasons; each sync tries them again. Once what refused them is gone, retry sends the refused\n"
                           "changes again as they are and applies the set-aside ones again. restore undoes a deletion. Where there is no\n"
                           "connection, changes export writes the waiting changes to a file (a bundle) to carry on a\n"
                           "USB stick, and changes apply merges such a bundle into this store.\n"));
  g_string_append (text, _("\n"
                           "login signs this device in to the province's server (the password is read from standard\n"
                           "input, without echo at a terminal); sync sends the waiting changes and receives the\n"
                           "commune's; logout forgets the session and keeps the waiting changes. status also says\n"
                           "which server, who is signed in and how the last sync went.\n"));
  g_string_append (text, _("\n"
                           "Exit status: 0 success, 1 input rejected (nothing was written; of a bundle cut short,\n"
                           "what is whole was applied), 2 usage error, 3 the store is busy with another program's\n"
                           "write (nothing was written; wait and try again).\n"));
  g_string_append (text, _("login and sync: 4 sign in (again) — the waiting changes are kept, 5 the server cannot be\n"
                           "reached or cannot answer now (try later), 6 the server refused, or its certificate cannot\n"
                           "be trusted (read the message).\n"));

  return g_string_free (text, FALSE);
}

static void
dh_cli_clear (DhCli *cli)
{
  g_clear_object (&cli->store);
  g_clear_pointer (&cli->store_path, g_free);
  g_clear_pointer (&cli->user, g_free);
  g_clear_pointer (&cli->sort, g_free);
  g_clear_pointer (&cli->reason, g_free);
  g_clear_pointer (&cli->server, g_free);
  g_clear_pointer (&cli->ca_file, g_free);
  g_clear_pointer (&cli->pin, g_free);
  g_clear_pointer (&cli->username, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DhCli, dh_cli_clear)

/* A count given on the command line is in its range or an error: never a
 * quiet fallback to the default. */
static gboolean
parse_count_option (const char  *option,
                    const char  *text,
                    gint64       lowest,
                    gint64       highest,
                    int         *out_count,
                    GError     **error)
{
  gint64 count;

  if (text == NULL)
    return TRUE;

  if (!g_ascii_isdigit (text[0]) ||
      !g_ascii_string_to_signed (text, 10, lowest, highest, &count, NULL))
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, lowest);
      g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, highest);

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   /* Translators: "--limit takes a whole number from 1 to 10000; “-1” is not one" */
                   _("--%s takes a whole number from %s to %s; “%s” is not one"),
                   option, low, high, text);
      return FALSE;
    }

  *out_count = (int) count;
  return TRUE;
}

int
dh_cli_main (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_auto(GStrv) args = NULL;
  gboolean show_version = FALSE;
  const DhCliCommand *command = NULL;
  g_auto(DhCli) cli = { .limit = -1, .offset = -1, .wait = -1, .households = -1, .seed = -1 };
  g_autofree char *limit_text = NULL;
  g_autofree char *offset_text = NULL;
  g_autofree char *wait_text = NULL;
  int n_args;
  GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &cli.store_path, N_("The store file (default: donghanh.db in your data folder)"), N_("FILE") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &cli.user, N_("The name your changes are recorded under"), N_("NAME") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text, N_("At most N records (list, search, pending, set-aside)"), "N" },
    { "offset", 0, 0, G_OPTION_ARG_STRING, &offset_text, N_("Skip the first N records (list)"), "N" },
    { "wait", 0, 0, G_OPTION_ARG_STRING, &wait_text, N_("Seconds a change waits for another program writing to the store (10 unless given; 0: not at all)"), N_("SECONDS") },
    { "sort", 0, 0, G_OPTION_ARG_STRING, &cli.sort, N_("Order of a list: given-name, full-name or newest"), N_("ORDER") },
    { "deleted", 0, 0, G_OPTION_ARG_NONE, &cli.deleted, N_("Include deleted records (list)"), NULL },
    { "households", 0, 0, G_OPTION_ARG_INT, &cli.households, N_("How many demo households (demo)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &cli.seed, N_("Seed of the demo data (demo)"), "N" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &cli.reason, N_("Why a support entry is voided (void-support)"), N_("TEXT") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &cli.dry_run, N_("Check the file, report every bad row and what would change; write nothing (import-households, import-members)"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &cli.force, N_("Replace a file that exists already (changes export)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json, N_("Print the report as JSON, for scripts (changes apply, sync, report)"), NULL },
    { "server", 0, 0, G_OPTION_ARG_STRING, &cli.server, N_("The province's server, https://NAME/ (login)"), N_("URL") },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &cli.ca_file, N_("The certificate of the province's own authority, when it gave one (login)"), N_("FILE") },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &cli.pin, N_("The server's public key, sha256//BASE64, when the province gave it (login)"), N_("PIN") },
    { "username", 0, 0, G_OPTION_ARG_STRING, &cli.username, N_("Your account on the province's server (login)"), N_("NAME") },
    { "rejected", 0, 0, G_OPTION_ARG_NONE, &cli.rejected, N_("Only the changes the server refused, with its reasons (pending)"), NULL },
    { "all", 0, 0, G_OPTION_ARG_NONE, &cli.all, N_("Also the conflicts already settled (conflicts)"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &show_version, N_("Print the version"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &args, NULL, N_("COMMAND [ARGUMENTS]") },
    { NULL }
  };

  dh_i18n_init ();

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Đồng Hành’s command-line client: the commune’s caseload of poor and near-poor households, without a display."));
  description = describe_commands ();
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !parse_count_option ("limit", limit_text, 1, DH_STORE_MAX_LIMIT, &cli.limit, &error) ||
      !parse_count_option ("offset", offset_text, 0, G_MAXINT32, &cli.offset, &error) ||
      !parse_count_option ("wait", wait_text, 0, 3600, &cli.wait, &error))
    {
      dh_cli_print_usage_error (error->message);
      return DH_CLI_EXIT_USAGE;
    }

  if (show_version)
    {
      g_print ("donghanh-cli %s\n", PACKAGE_VERSION);
      return DH_CLI_EXIT_OK;
    }

  if (args == NULL || args[0] == NULL)
    {
      dh_cli_print_usage_error (_("no command given"));
      return DH_CLI_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, args[0]))
        command = &commands[i];
    }

  if (command == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a command"), args[0]);

      dh_cli_print_usage_error (message);
      return DH_CLI_EXIT_USAGE;
    }

  n_args = (int) g_strv_length (args) - 1;
  if (n_args < command->min_args || (command->max_args >= 0 && n_args > command->max_args))
    {
      g_autofree char *message = g_strdup_printf (_("usage: donghanh-cli %s"), _(command->usage));

      dh_cli_print_usage_error (message);
      return DH_CLI_EXIT_USAGE;
    }

  return command->run (&cli, args + 1, n_args);
}
