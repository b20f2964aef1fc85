/* dh-checkpointer.h – the store's write-ahead log folded into its file by a thread of its own */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long the log grows before it is folded: SQLite's own, in pages. */
#define DH_CHECKPOINT_PAGES 1000

/* How long it grows while its commits do not wait for the disk, the pages
 * of a pull: 64 MiB of 4 KiB pages, more than a commune's first sync
 * writes. The pull's end asks for the fold (dh_store_finish_first_sync()). */
#define DH_CHECKPOINT_PAGES_UNSYNCED 16384

typedef struct _DhCheckpointer DhCheckpointer;

DhCheckpointer *dh_checkpointer_new     (const char     *path);
void            dh_checkpointer_request (DhCheckpointer *self);
guint           dh_checkpointer_wait    (DhCheckpointer *self);
void            dh_checkpointer_free    (DhCheckpointer *self);

G_END_DECLS
