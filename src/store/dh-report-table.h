/* dh-report-table.h – a commune's reports as tables of words, for the CLI and the application */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <json-c/json.h>

#include "dh-store.h"

G_BEGIN_DECLS

/* A report as people read it: a heading, rows of cells in words (names,
 * never ids or codes; amounts in đồng; dates as 31/03/2025), and a total
 * line where the report has one. */
typedef struct
{
  char      *title;
  GPtrArray *heading;    /* char *, one a column */
  GPtrArray *rows;       /* GPtrArray of char *, the total line last */
  GPtrArray *ids;        /* char * or NULL a row: the household a row of the overdue report is */
  guint      right;      /* the columns aligned right (numbers), a bit each */
  gboolean   has_total;  /* the last row is the total line */
  char      *empty;      /* what to say when there is no row */
} DhReportTable;

/* Which report: NUMBER below is the year of the support report, the days
 * of the overdue one, and nothing to the villages' */
typedef enum
{
  DH_REPORT_VILLAGES,
  DH_REPORT_SUPPORT,
  DH_REPORT_OVERDUE,
} DhReportKind;

json_object   *dh_report_read_json      (DhStore      *store,
                                         DhReportKind  kind,
                                         const char   *commune,
                                         guint         number,
                                         GError      **error);
DhReportTable *dh_report_table_read     (DhStore      *store,
                                         DhReportKind  kind,
                                         const char   *commune,
                                         guint         number,
                                         GError      **error);
void           dh_report_table_read_async (DhStore            *store,
                                         DhReportKind        kind,
                                         const char         *commune,
                                         guint               number,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
DhReportTable *dh_report_table_read_finish (DhStore       *store,
                                         GAsyncResult  *result,
                                         GError       **error);

DhReportTable *dh_report_table_villages (DhStore      *store,
                                         const char   *commune,
                                         json_object  *report);
DhReportTable *dh_report_table_support  (DhStore      *store,
                                         const char   *commune,
                                         int           year,
                                         json_object  *report);
DhReportTable *dh_report_table_overdue  (DhStore      *store,
                                         const char   *commune,
                                         guint         days,
                                         json_object  *report);
void           dh_report_table_free     (DhReportTable *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhReportTable, dh_report_table_free)

G_END_DECLS
