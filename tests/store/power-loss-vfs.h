/* power-loss-vfs.h – a SQLite VFS for tests whose power fails on cue: what was not synced is lost */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the disk holds once the power is back, for the writes made to a
 * file since its last sync (writes already synced are always there). */
typedef enum
{
  POWER_LOSS_DROP_UNSYNCED, /* none of them: each file as it was at its last sync */
  POWER_LOSS_KEEP_SOME,     /* any of them, some in part, chosen at random, as a disk cache that reorders writes */
} PowerLossDisk;

typedef struct
{
  guint64     n_calls;          /* writes, truncations and syncs made while the power was on */
  const char *cut_during;       /* "at a sync of the wal", ..., "between two calls" */
  guint       n_writes_lost;    /* unsynced writes and truncations the disk did not keep */
  guint       n_writes_kept;    /* unsynced writes and truncations it kept all the same */
  guint       n_writes_torn;    /* unsynced writes it kept in part, some 512-byte sectors of them */
  guint       n_files_vanished; /* files created and never synced, gone with their directory entry */
} PowerLossOutcome;

void     power_loss_vfs_install     (void);
void     power_loss_vfs_uninstall   (void);
void     power_loss_vfs_cut_at_call (guint64           call);
void     power_loss_vfs_cut         (void);
gboolean power_loss_vfs_is_cut      (void);
guint64  power_loss_vfs_get_n_calls (void);
void     power_loss_vfs_restart     (PowerLossDisk     disk,
                                     GRand            *rand,
                                     PowerLossOutcome *outcome);

G_END_DECLS
