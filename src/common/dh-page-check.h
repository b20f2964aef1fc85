/* dh-page-check.h – a page of changes checked on another thread */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-change.h"

G_BEGIN_DECLS

/* A page of changes as received, checked one by one with
 * dh_change_check_wire() on a checker's thread while the caller writes
 * those checked before: checking a value costs a sixth of what writing it
 * costs, and it needs nothing of the store. A checker checks the pages
 * started with it one after the other (a pull's); a page started with none
 * has a checker of its own. The caller gets the changes in order; a page
 * too small to be worth a thread, a machine with one processor, a page
 * that holds a change twice (the same object) and a thread that cannot be
 * made are checked on the caller's thread as it gets them. What the caller
 * would make of each change before writing it, and can make without the
 * store, it may have made on the checker's thread too. What was checked
 * and made stays the check's, and goes with it: not on the thread that
 * writes the changes, which the others wait for. */
typedef struct _DhPageCheck DhPageCheck;
typedef struct _DhPageChecker DhPageChecker;

/* Below this many changes a thread costs more than it saves. */
#define DH_PAGE_CHECK_MIN_THREADED 64

/* What the caller makes of a change that checked well, on the checker's
 * thread: it may read nothing but the change. */
typedef gpointer (*DhPageCheckPrepare) (const DhCheckedChange *checked);

DhPageChecker *dh_page_checker_new  (void);
void           dh_page_checker_free (DhPageChecker    *checker);

DhPageCheck *dh_page_check_start (DhPageChecker      *checker,
                                  DhWirePage         *page,
                                  const DhValidator  *validator,
                                  DhPageCheckPrepare  prepare,
                                  GDestroyNotify      prepared_free);
gboolean     dh_page_check_get   (DhPageCheck            *self,
                                  guint                   index,
                                  const DhCheckedChange **out_checked,
                                  gpointer               *out_prepared,
                                  GError                **error);
gboolean     dh_page_check_is_threaded (DhPageCheck  *self);
DhWirePage  *dh_page_check_get_page (DhPageCheck    *self);
void         dh_page_check_free  (DhPageCheck        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhPageCheck, dh_page_check_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhPageChecker, dh_page_checker_free)

G_END_DECLS
