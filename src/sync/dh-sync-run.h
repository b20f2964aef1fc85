/* dh-sync-run.h – one sync of a store with its server: push, then pull */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-store.h"
#include "dh-sync-client.h"

G_BEGIN_DECLS

/* docs/sync.md, "Push": the queue leaves oldest first, in batches of at
 * most 500 changes or 512 KiB, whichever comes first. */
#define DH_SYNC_BATCH_MAX_CHANGES 500
#define DH_SYNC_BATCH_MAX_BYTES   (512 * 1024)
/* docs/sync.md, "Pull": a pull's first page is small, so that the store
 * begins writing soon, and each page after it twice the one before, up
 * to DH_SYNC_PULL_LIMIT (dh_sync_pull_page_limit()). */
#define DH_SYNC_PULL_FIRST_LIMIT  250
#define DH_SYNC_PULL_LIMIT        2000
/* The pages of a pull that come while one is written land with it, in one
 * transaction open this long at most, in ms. */
#define DH_SYNC_PULLED_TOGETHER_MS 100
/* A clock further from the server's than this is worth a warning. */
#define DH_SYNC_CLOCK_WARNING_MS  ((gint64) 5 * 60 * 1000)

typedef enum
{
  DH_SYNC_PHASE_PUSH,
  DH_SYNC_PHASE_PULL,
} DhSyncPhase;

/* What one sync did. */
typedef struct
{
  guint      pushed;          /* changes the server took: applied, already had, or in conflict */
  guint      rejected;        /* changes the server refused, each in rejections */
  guint      push_conflicts;  /* changes the server took that met a concurrent edit */
  guint      new_conflicts;   /* conflict records the store holds now that it did not before */
  gboolean   conflicts_counted; /* and new_conflicts was counted (dh_sync_run() does) */
  guint      batches;         /* push requests */
  guint      received;        /* changes pulled */
  guint      pages;           /* pages pulled */
  guint      pull_commits;    /* transactions they landed in: the pages that came while one was written landed with it */
  DhApplyReport applied;      /* what became of the changes pulled */
  DhApplyReport set_aside;    /* what became of the changes set aside before, tried again after the pull */
  guint      requests;        /* HTTP requests made */
  guint64    bytes_sent;      /* HTTP headers and bodies, as they travelled (gzipped) */
  guint64    bytes_received;
  gboolean   clock_known;     /* an answer said the server's time */
  gint64     clock_offset_ms; /* the server's clock minus this device's */
  gboolean   catalogues_differ; /* the server checks with other catalogues than this build's */
  GPtrArray *rejections;      /* (element-type json_object): {"id", "entity", "record_id", "code", "message"} */
} DhSyncReport;

/* Called in the thread that syncs, after each pulled page, which may hold
 * the store while more pages land with it. */
typedef void (*DhSyncProgressFunc) (DhSyncPhase phase,
                                    guint64     done,
                                    guint64     total,
                                    gpointer    user_data);

void      dh_sync_report_clear    (DhSyncReport        *report);
guint     dh_sync_report_conflicts (const DhSyncReport *report);
gboolean  dh_sync_run             (DhStore             *store,
                                   DhSyncClient        *client,
                                   DhSyncReport        *report,
                                   DhSyncProgressFunc   progress,
                                   gpointer             progress_data,
                                   GCancellable        *cancellable,
                                   GError             **error);
gboolean  dh_sync_pull_pages      (DhStore             *store,
                                   DhSyncClient        *client,
                                   guint                max_pages,
                                   DhSyncReport        *report,
                                   GCancellable        *cancellable,
                                   GError             **error);
char     *dh_sync_describe_offset (gint64               offset_ms);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DhSyncReport, dh_sync_report_clear)

guint dh_sync_pull_page_limit (guint page);

G_END_DECLS
