/* dh-thread.h – threads that take the processor time the interface leaves */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much nicer than its maker a background thread is. */
#define DH_THREAD_NICER 10

GThread *dh_thread_try_new_nicer   (const char  *name,
                                    GThreadFunc  func,
                                    gpointer     data,
                                    GError     **error);
int      dh_thread_get_niceness    (void);

G_END_DECLS
