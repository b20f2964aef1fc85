/* dh-sync-backoff.c – when a sync that failed on the network or the server is tried again */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-sync"

#include "config.h"

#include "dh-sync-backoff.h"

/**
 * dh_sync_backoff_base_ms:
 * @attempt: 1 for the first retry
 *
 * Returns: 2 s, 4 s, 8 s … doubling up to 15 minutes.
 */
gint64
dh_sync_backoff_base_ms (guint attempt)
{
  gint64 delay = DH_SYNC_BACKOFF_FIRST_MS;

  for (guint i = 1; i < attempt && delay < DH_SYNC_BACKOFF_LAST_MS; i++)
    delay *= 2;

  return MIN (delay, DH_SYNC_BACKOFF_LAST_MS);
}

/**
 * dh_sync_backoff_delay_ms:
 * @attempt: 1 for the first retry
 * @random: (nullable): a source of numbers in [0, 1); GLib's when NULL
 *
 * Returns: the base delay of @attempt, moved by up to ±25 % at random, so
 *   that the devices of a province that lost the server together do not
 *   come back all at once.
 */
gint64
dh_sync_backoff_delay_ms (guint         attempt,
                          DhRandomFunc  random,
                          gpointer      user_data)
{
  gint64 base = dh_sync_backoff_base_ms (MAX (attempt, 1));
  double draw = random != NULL ? random (user_data) : g_random_double ();
  double factor;

  draw = CLAMP (draw, 0.0, 1.0);
  factor = 1.0 - DH_SYNC_BACKOFF_JITTER + 2.0 * DH_SYNC_BACKOFF_JITTER * draw;

  return (gint64) ((double) base * factor);
}
