/* dh-sync-backoff.h – when a sync that failed on the network or the server is tried again */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DH_SYNC_BACKOFF_FIRST_MS  ((gint64) 2000)
#define DH_SYNC_BACKOFF_LAST_MS   ((gint64) 15 * 60 * 1000)
#define DH_SYNC_BACKOFF_JITTER    0.25

/* A number in [0, 1). */
typedef double (*DhRandomFunc) (gpointer user_data);

gint64 dh_sync_backoff_base_ms  (guint         attempt);
gint64 dh_sync_backoff_delay_ms (guint         attempt,
                                 DhRandomFunc  random,
                                 gpointer      user_data);

G_END_DECLS
