/* dh-csv.h – reading and writing CSV files as Excel and LibreOffice save them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DhCsvReader:
 *
 * Reads an RFC 4180 file one record at a time: given whole in memory
 * (dh_csv_reader_new()), or from a stream a chunk at a time, with a cap on
 * the bytes of a record (dh_csv_reader_new_for_stream()).
 *
 * - The text must be UTF-8, with or without a byte-order mark. Anything else
 *   (a file saved as Windows-1258, TCVN3, UTF-16 "Unicode Text") is refused
 *   by dh_csv_reader_new() with a DH_VALIDATION_ERROR_INVALID that names the
 *   first bad line and tells the user how to save the file as UTF-8.
 * - The delimiter is the most frequent of comma, semicolon and tab outside
 *   quotes on the header line (comma when there is none); an Excel
 *   "sep=;" first line chooses it explicitly and is not returned as a record.
 * - Quoted cells may hold delimiters, doubled quotes and line breaks; line
 *   ends may be CRLF, LF or CR; the last line needs no line end. Like Excel,
 *   the reader is lenient with a stray quote inside an unquoted cell
 *   (`5" TV`) and with text after a closing quote (`"a"b` is `ab`).
 * - Every cell is NFC-normalised (Excel on macOS writes decomposed
 *   Vietnamese) but otherwise returned verbatim: not trimmed.
 * - Records whose cells are all empty or blank – empty lines, and the
 *   `;;;;` lines spreadsheets write for empty rows – are skipped, but still
 *   counted in line numbers.
 *
 * Line numbers are 1-based physical lines, what a text editor shows; they
 * match spreadsheet row numbers as long as no cell holds a line break.
 */
typedef struct _DhCsvReader DhCsvReader;

DhCsvReader *dh_csv_reader_new           (GBytes       *contents,
                                          GError      **error);
DhCsvReader *dh_csv_reader_new_for_stream (GInputStream *stream,
                                          gsize         max_record_bytes,
                                          GError      **error);
gboolean     dh_csv_reader_next          (DhCsvReader  *self,
                                          GStrv        *out_fields,
                                          guint        *out_line,
                                          GError      **error);
char         dh_csv_reader_get_delimiter (DhCsvReader  *self);
void         dh_csv_reader_free          (DhCsvReader  *self);

int          dh_csv_find_column          (const char * const *header,
                                          const char * const *aliases);

/**
 * DhCsvWriter:
 *
 * Writes a CSV file that Excel and LibreOffice both open correctly: a UTF-8
 * byte-order mark first (without it Excel reads the file in the legacy
 * Windows code page and garbles Vietnamese), comma delimiters and CRLF line
 * ends. A cell is quoted only when it holds a comma, a quote, CR or LF, or
 * starts or ends with a space.
 *
 * Why a comma: Excel honours the byte-order mark and splits on commas when
 * the file is opened by double-click in most locales, and LibreOffice asks
 * for the delimiter in its import dialog with comma preselected. Where the
 * Windows list separator is a semicolon, Excel's double-click puts each line
 * in one column; Data › From Text/CSV opens it correctly there. A "sep=,"
 * hint line is not written because Excel then ignores the byte-order mark.
 *
 * Cells are written verbatim: the guards a spreadsheet needs against text
 * it would take for a number or run as a formula are the caller's, which
 * knows what a cell holds (dh-store-csv.c writes them, and its import
 * takes them away).
 *
 * The writer takes a reference on the stream and buffers its output:
 * dh_csv_writer_close() flushes and closes the stream. Freeing a writer that
 * was not closed abandons the output: the stream is closed with a cancelled
 * GCancellable, which makes a g_file_replace() stream delete its temporary
 * file and leave any existing file untouched.
 */
typedef struct _DhCsvWriter DhCsvWriter;

DhCsvWriter *dh_csv_writer_new           (GOutputStream       *stream);
gboolean     dh_csv_writer_write_row     (DhCsvWriter         *self,
                                          const char * const  *fields,
                                          gssize               n_fields,
                                          GError             **error);
gboolean     dh_csv_writer_close         (DhCsvWriter         *self,
                                          GError             **error);
void         dh_csv_writer_free          (DhCsvWriter         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhCsvReader, dh_csv_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhCsvWriter, dh_csv_writer_free)

G_END_DECLS
