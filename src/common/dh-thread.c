/* dh-thread.c – threads that take the processor time the interface leaves */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

/* gettid () */
#define _GNU_SOURCE

#include <errno.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "dh-thread.h"

typedef struct
{
  GThreadFunc func;
  gpointer    data;
} Start;

/**
 * dh_thread_get_niceness:
 *
 * The calling thread's niceness: on Linux each thread has one of its own,
 * which the threads it makes start with. 0 where threads have none.
 */
int
dh_thread_get_niceness (void)
{
#ifdef __linux__
  int niceness;

  errno = 0;
  niceness = getpriority (PRIO_PROCESS, (id_t) gettid ());
  return errno == 0 ? niceness : 0;
#else
  return 0;
#endif
}

static gpointer
run_nicer (gpointer data)
{
  Start start = *(Start *) data;

  g_free (data);
#ifdef __linux__
  if (setpriority (PRIO_PROCESS, (id_t) gettid (), MIN (dh_thread_get_niceness () + DH_THREAD_NICER, 19)) != 0)
    g_debug ("A background thread keeps the priority of the thread that made it: %s", g_strerror (errno));
#endif

  return start.func (start.data);
}

/**
 * dh_thread_try_new_nicer:
 *
 * As g_thread_try_new(), for work the user does not watch: the thread is
 * %DH_THREAD_NICER nicer than the calling one (on Linux, where each thread
 * has its own niceness), and so are the threads it makes. On a machine of
 * two processors, a sync's threads and the interface's would otherwise
 * share them as equals, and the window's frames would come late while a
 * sync writes. A thread can be made nicer but, without privileges, never
 * less nice again: hence a thread of its own, not one of a pool.
 */
GThread *
dh_thread_try_new_nicer (const char  *name,
                         GThreadFunc  func,
                         gpointer     data,
                         GError     **error)
{
  Start *start = g_new (Start, 1);
  GThread *thread;

  start->func = func;
  start->data = data;
  thread = g_thread_try_new (name, run_nicer, start, error);
  if (thread == NULL)
    g_free (start);

  return thread;
}
