/* dh-csv.c – reading and writing CSV files as Excel and LibreOffice save them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-csv"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "dh-csv.h"
#include "dh-error.h"
#include "dh-text.h"

#define UTF8_BOM "\xEF\xBB\xBF"

/* Rows are gathered in memory and written in blocks of about this size, so
 * that a large export makes few system calls. */
#define WRITE_BLOCK_SIZE (64 * 1024)

/* How much of a file is read at a time. */
#define READ_CHUNK_SIZE (64 * 1024)

struct _DhCsvReader
{
  GBytes       *contents;
  const char   *data;     /* the contents after the byte-order mark */
  gsize         length;   /* what may be parsed: checked UTF-8 */
  gsize         position;
  guint         line;     /* the physical line at position */
  char          delimiter;
  GError       *error;    /* once reading failed, every later call fails the same way */

  /* read from a stream: the buffer holds what is not parsed yet */
  GInputStream *stream;
  GByteArray   *buffer;
  gsize         max_record_bytes;
  gboolean      eof;        /* the stream has nothing more */
  gboolean      bad_text;   /* the text stops being UTF-8 at length */
  gboolean      started;    /* the byte-order mark was looked for */
};

struct _DhCsvWriter
{
  GOutputStream *stream;
  GString       *buffer;
  gboolean       closed;
};

static inline gboolean
is_line_end (char c)
{
  return c == '\n' || c == '\r';
}

/* Moves past the CRLF, LF or CR at @position, counting the line. */
static gsize
skip_line_end (DhCsvReader *self,
               gsize        position)
{
  g_assert (position < self->length && is_line_end (self->data[position]));

  if (self->data[position] == '\r' && position + 1 < self->length && self->data[position + 1] == '\n')
    position++;
  self->line++;

  return position + 1;
}

/* The 1-based physical line that holds byte @offset. */
static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= offset || data[i + 1] != '\n')))
        line++;
    }

  return line;
}

static void
set_not_utf8_error (GError **error,
                    guint    line)
{
  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
               _("line %u is not UTF-8 text, probably an older Vietnamese encoding such as Windows-1258, TCVN3 or VNI; save the file as “CSV UTF-8 (Comma delimited)” in Excel, or choose the character set “Unicode (UTF-8)” in LibreOffice, and import it again"),
               line);
}

static gboolean
check_encoding (const char  *data,
                gsize        length,
                GError     **error)
{
  const char *end = NULL;

  /* Excel's "Unicode Text" and some converters write UTF-16, which no
   * amount of line-by-line reporting would explain. */
  if (length >= 2 && (((guchar) data[0] == 0xFF && (guchar) data[1] == 0xFE) ||
                      ((guchar) data[0] == 0xFE && (guchar) data[1] == 0xFF)))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("the file is saved as UTF-16 (“Unicode Text”); save it as “CSV UTF-8 (Comma delimited)” in Excel, or choose the character set “Unicode (UTF-8)” in LibreOffice, and import it again"));
      return FALSE;
    }

  if (length > G_MAXSSIZE)
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("the file is too large; split it into smaller files and import each of them"));
      return FALSE;
    }

  /* A NUL byte also fails validation: it is not text either. */
  if (!g_utf8_validate_len (data, length, &end))
    {
      set_not_utf8_error (error, line_of_offset (data, (gsize) (end - data)));
      return FALSE;
    }

  return TRUE;
}

/* Whether everything there is to parse is in the buffer. */
static inline gboolean
at_true_end (DhCsvReader *self)
{
  return self->stream == NULL || (self->eof && !self->bad_text);
}

/* Checks the bytes added to the buffer and moves the parsable length up
 * to the last whole UTF-8 character: a character cut by the chunk's end
 * waits for the next chunk. */
static void
check_new_text (DhCsvReader *self)
{
  const char *data = (const char *) self->buffer->data;
  gsize available = self->buffer->len;
  const char *end = NULL;

  if (self->bad_text)
    return;

  if (g_utf8_validate_len (data + self->length, available - self->length, &end))
    {
      self->length = available;
      return;
    }

  self->length = (gsize) (end - data);
  /* a character cut short at the end of what was read so far */
  if (!self->eof && available - self->length < 4 && (guchar) *end >= 0xC0 &&
      g_utf8_get_char_validated (end, (gssize) (available - self->length)) == (gunichar) -2)
    return;

  self->bad_text = TRUE;
}

/* Reads one more chunk into the buffer, dropping what was parsed. */
static gboolean
read_more (DhCsvReader  *self,
           GError      **error)
{
  gsize old_len;
  gssize n;

  if (self->position > 0)
    {
      g_byte_array_remove_range (self->buffer, 0, (guint) self->position);
      self->length -= self->position;
      self->position = 0;
    }

  old_len = self->buffer->len;
  g_byte_array_set_size (self->buffer, (guint) (old_len + READ_CHUNK_SIZE));
  n = g_input_stream_read (self->stream, self->buffer->data + old_len, READ_CHUNK_SIZE, NULL, error);
  g_byte_array_set_size (self->buffer, (guint) (old_len + (n > 0 ? (gsize) n : 0)));
  self->data = (const char *) self->buffer->data;
  if (n < 0)
    return FALSE;
  if (n == 0)
    self->eof = TRUE;

  if (!self->started && (self->buffer->len >= 3 || self->eof))
    {
      self->started = TRUE;
      if (self->buffer->len >= 2 &&
          ((self->buffer->data[0] == 0xFF && self->buffer->data[1] == 0xFE) ||
           (self->buffer->data[0] == 0xFE && self->buffer->data[1] == 0xFF)))
        return check_encoding ((const char *) self->buffer->data, 2, error);
      if (self->buffer->len >= 3 && memcmp (self->buffer->data, UTF8_BOM, 3) == 0)
        g_byte_array_remove_range (self->buffer, 0, 3);
      self->data = (const char *) self->buffer->data;
    }

  if (self->started)
    check_new_text (self);

  return TRUE;
}

/* The error to give when the parser ran out of what it may read: the
 * record is too long, or the text stops being UTF-8. */
static gboolean
refuse_record (DhCsvReader  *self,
               guint         line,
               GError      **error)
{
  if (self->bad_text && self->length - self->position < self->max_record_bytes)
    {
      set_not_utf8_error (error, self->line + line_of_offset (self->data + self->position,
                                                              self->length - self->position) - 1);
      return FALSE;
    }

  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_OUT_OF_RANGE,
               /* Translators: "line 2 is longer than 65536 bytes; ..." */
               _("line %u is longer than %u bytes, far longer than a row of a list; check that the file is the list saved as CSV, or split the row"),
               line, (guint) self->max_record_bytes);
  return FALSE;
}

/* Chooses the delimiter from the header record: Excel writes commas or,
 * where the decimal separator is a comma, semicolons; "Unicode Text" and
 * copy-pasted tables use tabs. */
static char
detect_delimiter (DhCsvReader *self)
{
  static const char candidates[] = { ',', ';', '\t' };
  guint counts[G_N_ELEMENTS (candidates)] = { 0 };
  gboolean quoted = FALSE;
  gsize position = self->position;
  guint best = 0;

  while (position < self->length && is_line_end (self->data[position]))
    position++;

  /* Excel's own hint, "sep=;" alone on the first line. */
  if (self->length - position >= 5 && strncmp (self->data + position, "sep=", 4) == 0 &&
      (self->length - position == 5 || is_line_end (self->data[position + 5])))
    {
      char hint = self->data[position + 4];

      if (hint != '"' && !is_line_end (hint))
        {
          while (self->position < position)
            self->position = skip_line_end (self, self->position);
          self->position = position + 5;
          if (self->position < self->length)
            self->position = skip_line_end (self, self->position);
          return hint;
        }
    }

  for (; position < self->length; position++)
    {
      char c = self->data[position];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && is_line_end (c))
        break;
      else if (!quoted)
        {
          for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
            if (c == candidates[i])
              counts[i]++;
        }
    }

  for (guint i = 1; i < G_N_ELEMENTS (candidates); i++)
    if (counts[i] > counts[best])
      best = i;

  return candidates[best];
}

DhCsvReader *
dh_csv_reader_new (GBytes  *contents,
                   GError **error)
{
  g_autoptr(DhCsvReader) self = NULL;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (contents != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (contents, &length);
  if (data == NULL)
    data = "";
  if (length >= 3 && memcmp (data, UTF8_BOM, 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  if (!check_encoding (data, length, error))
    return NULL;

  self = g_new0 (DhCsvReader, 1);
  self->contents = g_bytes_ref (contents);
  self->data = data;
  self->length = length;
  self->line = 1;
  self->delimiter = detect_delimiter (self);

  return g_steal_pointer (&self);
}

/**
 * dh_csv_reader_new_for_stream:
 * @stream: the file, read a chunk at a time as the records are asked for
 * @max_record_bytes: the longest record, line breaks inside cells included;
 *   a longer one is an error that names its line
 *
 * Like dh_csv_reader_new(), but never holds more of the file than the
 * record being read and a chunk: a file of any size, or a device that
 * never ends, costs little memory. Text that is not UTF-8 is refused when
 * the reading reaches it, with its line.
 */
DhCsvReader *
dh_csv_reader_new_for_stream (GInputStream  *stream,
                              gsize          max_record_bytes,
                              GError       **error)
{
  g_autoptr(DhCsvReader) self = NULL;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (max_record_bytes > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (DhCsvReader, 1);
  self->stream = g_object_ref (stream);
  self->buffer = g_byte_array_sized_new (READ_CHUNK_SIZE);
  self->max_record_bytes = max_record_bytes;
  self->data = (const char *) self->buffer->data;
  self->line = 1;

  /* the header line, for its delimiter */
  for (;;)
    {
      const char *cr;

      if (!read_more (self, error))
        return NULL;
      cr = memchr (self->data, '\r', self->length);

      /* a CR at the end may be half of a CRLF */
      if (self->eof || self->bad_text || self->length >= max_record_bytes ||
          memchr (self->data, '\n', self->length) != NULL ||
          (cr != NULL && (gsize) (cr - self->data) + 1 < self->length))
        break;
    }
  if (self->data == NULL)
    self->data = "";

  self->delimiter = detect_delimiter (self);

  return g_steal_pointer (&self);
}

void
dh_csv_reader_free (DhCsvReader *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->contents, g_bytes_unref);
  g_clear_object (&self->stream);
  if (self->buffer != NULL)
    g_byte_array_unref (self->buffer);
  g_clear_error (&self->error);
  g_free (self);
}

char
dh_csv_reader_get_delimiter (DhCsvReader *self)
{
  g_return_val_if_fail (self != NULL, ',');

  return self->delimiter;
}

static gboolean
is_ascii (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if ((guchar) text[i] >= 0x80)
      return FALSE;

  return TRUE;
}

static char *
take_cell (GString *cell)
{
  if (is_ascii (cell->str, cell->len))
    return g_strndup (cell->str, cell->len);

  /* The contents were validated as UTF-8, so this cannot fail. */
  return g_utf8_normalize (cell->str, (gssize) cell->len, G_NORMALIZE_NFC);
}

static gboolean
is_blank_record (GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++)
    {
      const char *cell = g_ptr_array_index (cells, i);

      for (; *cell != '\0'; cell++)
        if (!g_ascii_isspace (*cell))
          return FALSE;
    }

  return TRUE;
}

/* Reads the record at the current position, which is not at a line end, up
 * to and including its line end. When the buffer ends before the record
 * does and more may come from the stream, sets @incomplete and returns
 * NULL with the reader as it was. */
static GPtrArray *
read_record (DhCsvReader  *self,
             gboolean     *incomplete,
             GError      **error)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) cell = g_string_new (NULL);
  const char *data = self->data;
  gsize length = self->length;
  gsize position = self->position;
  guint start_line = self->line;
  gboolean whole = at_true_end (self);

  *incomplete = FALSE;

  /* a CR as the last byte read may be the first half of a CRLF */
#define NEED_MORE(p) (!whole && ((p) >= length || (data[p] == '\r' && (p) + 1 >= length)))

  for (;;)
    {
      g_string_truncate (cell, 0);

      if (position < length && data[position] == '"')
        {
          guint quote_line = self->line;

          position++;
          for (;;)
            {
              char c;

              if (NEED_MORE (position) || (!whole && data[position] == '"' && position + 1 >= length))
                goto more;

              if (position >= length)
                {
                  g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                               _("line %u: a cell starts with a quote (\") that is never closed; add the closing quote at the end of the cell, or remove the opening one"),
                               quote_line);
                  self->position = length;
                  return NULL;
                }

              c = data[position];
              if (c == '"')
                {
                  if (position + 1 < length && data[position + 1] == '"')
                    {
                      g_string_append_c (cell, '"');
                      position += 2;
                      continue;
                    }
                  position++;
                  break;
                }

              if (is_line_end (c))
                {
                  gsize next = skip_line_end (self, position);

                  /* Line breaks inside a cell are kept as they were written. */
                  g_string_append_len (cell, data + position, (gssize) (next - position));
                  position = next;
                  continue;
                }

              g_string_append_c (cell, c);
              position++;
            }
        }

      /* An unquoted cell, or what follows a closing quote: verbatim up to
       * the delimiter or the line end. */
      {
        gsize start = position;

        while (position < length && data[position] != self->delimiter && !is_line_end (data[position]))
          position++;
        if (NEED_MORE (position))
          goto more;
        g_string_append_len (cell, data + start, (gssize) (position - start));
      }

      g_ptr_array_add (cells, take_cell (cell));

      if (position < length && data[position] == self->delimiter)
        {
          position++;
          continue;
        }

      break;
    }
#undef NEED_MORE

  if (position < length)
    position = skip_line_end (self, position);
  self->position = position;

  return g_steal_pointer (&cells);

more:
  self->line = start_line;
  *incomplete = TRUE;
  return NULL;
}

/* Makes the buffer hold more of the record at the current position, or
 * says why it cannot: the record is too long, or not text. */
static gboolean
read_more_of_record (DhCsvReader  *self,
                     GError      **error)
{
  if (self->bad_text || self->length - self->position >= self->max_record_bytes)
    return refuse_record (self, self->line, error);

  return read_more (self, error);
}

gboolean
dh_csv_reader_next (DhCsvReader  *self,
                    GStrv        *out_fields,
                    guint        *out_line,
                    GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (out_fields != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_fields = NULL;

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) cells = NULL;
      gboolean incomplete = FALSE;
      guint line;

      if (self->position >= self->length ||
          (self->data[self->position] == '\r' && self->position + 1 >= self->length))
        {
          if (at_true_end (self) && self->position >= self->length)
            return FALSE;
          if (!at_true_end (self))
            {
              if (!read_more_of_record (self, &self->error))
                break;
              continue;
            }
        }

      if (is_line_end (self->data[self->position]))
        {
          self->position = skip_line_end (self, self->position);
          continue;
        }

      line = self->line;
      cells = read_record (self, &incomplete, &self->error);
      if (incomplete)
        {
          if (!read_more_of_record (self, &self->error))
            break;
          continue;
        }
      if (cells == NULL)
        break;

      if (is_blank_record (cells))
        continue;

      g_ptr_array_add (cells, NULL);
      *out_fields = (GStrv) g_ptr_array_free (g_steal_pointer (&cells), FALSE);
      if (out_line != NULL)
        *out_line = line;
      return TRUE;
    }

  g_propagate_error (error, g_error_copy (self->error));
  return FALSE;
}

static char *
fold_or_null (const char *text)
{
  char *folded;

  if (text == NULL)
    return NULL;

  folded = dh_text_fold (text);
  if (folded != NULL && folded[0] == '\0')
    g_clear_pointer (&folded, g_free);

  return folded;
}

int
dh_csv_find_column (const char * const *header,
                    const char * const *aliases)
{
  g_autoptr(GPtrArray) folded_aliases = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (header != NULL, -1);
  g_return_val_if_fail (aliases != NULL, -1);

  for (guint i = 0; aliases[i] != NULL; i++)
    {
      char *folded = fold_or_null (aliases[i]);

      if (folded != NULL)
        g_ptr_array_add (folded_aliases, folded);
    }

  for (int column = 0; header[column] != NULL; column++)
    {
      g_autofree char *folded = fold_or_null (header[column]);

      if (folded == NULL)
        continue;

      for (guint i = 0; i < folded_aliases->len; i++)
        if (strcmp (folded, g_ptr_array_index (folded_aliases, i)) == 0)
          return column;
    }

  return -1;
}

DhCsvWriter *
dh_csv_writer_new (GOutputStream *stream)
{
  DhCsvWriter *self;

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  self = g_new0 (DhCsvWriter, 1);
  self->stream = g_object_ref (stream);
  self->buffer = g_string_sized_new (WRITE_BLOCK_SIZE);
  g_string_append (self->buffer, UTF8_BOM);

  return self;
}

/* Closing with a cancelled GCancellable makes a g_file_replace() stream
 * delete its temporary file instead of renaming it over the target. */
static void
abandon_stream (GOutputStream *stream)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  g_output_stream_close (stream, cancellable, NULL);
}

static gboolean
flush_buffer (DhCsvWriter  *self,
              GError      **error)
{
  gboolean ok;

  if (self->buffer->len == 0)
    return TRUE;

  ok = g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len, NULL, NULL, error);
  g_string_truncate (self->buffer, 0);

  return ok;
}

static gboolean
needs_quotes (const char *field)
{
  gsize length = strlen (field);

  if (length == 0)
    return FALSE;

  return field[0] == ' ' || field[length - 1] == ' ' || strpbrk (field, ",\"\r\n") != NULL;
}

static void
append_field (GString    *buffer,
              const char *field)
{
  if (field == NULL || !needs_quotes (field))
    {
      if (field != NULL)
        g_string_append (buffer, field);
      return;
    }

  g_string_append_c (buffer, '"');
  for (const char *c = field; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (buffer, '"');
      g_string_append_c (buffer, *c);
    }
  g_string_append_c (buffer, '"');
}

gboolean
dh_csv_writer_write_row (DhCsvWriter         *self,
                         const char * const  *fields,
                         gssize               n_fields,
                         GError             **error)
{
  gsize n;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->closed, FALSE);
  g_return_val_if_fail (fields != NULL || n_fields <= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_fields < 0)
    n = fields != NULL ? g_strv_length ((GStrv) fields) : 0;
  else
    n = (gsize) n_fields;

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (self->buffer, ',');
      append_field (self->buffer, fields[i]);
    }
  g_string_append (self->buffer, "\r\n");

  if (self->buffer->len >= WRITE_BLOCK_SIZE)
    return flush_buffer (self, error);

  return TRUE;
}

gboolean
dh_csv_writer_close (DhCsvWriter  *self,
                     GError      **error)
{
  g_autoptr(GError) flush_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->closed, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->closed = TRUE;

  if (!flush_buffer (self, &flush_error))
    {
      /* Abandon the output rather than commit a truncated file. */
      abandon_stream (self->stream);
      g_propagate_error (error, g_steal_pointer (&flush_error));
      return FALSE;
    }

  return g_output_stream_close (self->stream, NULL, error);
}

void
dh_csv_writer_free (DhCsvWriter *self)
{
  if (self == NULL)
    return;

  if (!self->closed)
    abandon_stream (self->stream);

  g_object_unref (self->stream);
  g_string_free (self->buffer, TRUE);
  g_free (self);
}
