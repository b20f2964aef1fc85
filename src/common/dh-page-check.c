/* dh-page-check.c – a page of changes checked on another thread */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "dh-catalogue.h"
#include "dh-page-check.h"

typedef struct
{
  DhCheckedChange  checked;
  gpointer         prepared;
  GError          *error;
} Slot;

/* One thread that checks pages one after the other, in the order they
 * were started: a pull's pages would otherwise each make a thread, with
 * its stack and its allocator's caches made and given back every page. */
struct _DhPageChecker
{
  GThread      *thread;
  GMutex        mutex;
  GCond         cond;
  GQueue        pages;    /* DhPageCheck, started and not yet begun */
  gboolean      quit;
};

struct _DhPageCheck
{
  DhWirePage   *page;
  guint         n_changes;  /* as many as the page had when the check began */
  DhValidator   validator;
  DhPageCheckPrepare prepare;
  GDestroyNotify prepared_free;
  Slot         *slots;
  guint         next;     /* the change the caller gets next */
  DhPageChecker *checker; /* NULL: checked on the caller's thread */
  DhPageChecker *own_checker; /* the checker, when it is the page's own */
  gint          stop;     /* atomic: the caller needs no more */

  /* the checker's progress: slots below READY are checked */
  GMutex        mutex;
  GCond         cond;
  guint         ready;
  guint         wake_at;  /* 0, or the caller waits until READY reaches it */
  gboolean      finished;  /* its checker is done with it */
};

/* The changes a waiting caller lets the checker check before it wakes:
 * waking it for each would switch threads twice a change, which costs
 * more than the change when both share a processor. */
#define WAKE_AFTER 32

/* The checker has its maker's priority (on Linux, a thread's niceness is
 * its maker's at first): a sync runs in a thread nicer than the
 * interface's (dh_thread_try_new_nicer()), and so does its checker, which the
 * store's thread waits for as much as for its own work. */
static void
check_changes (DhPageCheck *self)
{
  for (guint i = 0; i < self->n_changes && !g_atomic_int_get (&self->stop); i++)
    {
      Slot *slot = &self->slots[i];

      if (dh_change_check_wire (dh_wire_page_get_change (self->page, i), &self->validator, &slot->checked, &slot->error) &&
          self->prepare != NULL)
        slot->prepared = self->prepare (&slot->checked);

      g_mutex_lock (&self->mutex);
      self->ready = i + 1;
      if (self->wake_at != 0 && self->ready >= self->wake_at)
        {
          self->wake_at = 0;
          g_cond_signal (&self->cond);
        }
      g_mutex_unlock (&self->mutex);
    }

  g_mutex_lock (&self->mutex);
  self->finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static gpointer
run_checker (gpointer data)
{
  DhPageChecker *checker = data;

  g_mutex_lock (&checker->mutex);
  for (;;)
    {
      DhPageCheck *page;

      while (!checker->quit && g_queue_is_empty (&checker->pages))
        g_cond_wait (&checker->cond, &checker->mutex);
      page = g_queue_pop_head (&checker->pages);
      if (page == NULL)
        break;
      g_mutex_unlock (&checker->mutex);
      check_changes (page);
      g_mutex_lock (&checker->mutex);
    }
  g_mutex_unlock (&checker->mutex);

  return NULL;
}

/**
 * dh_page_checker_new:
 *
 * A thread that checks the pages started with it one after the other,
 * for a caller that checks many, such as a pull. Its thread has the
 * caller's priority (on Linux, a thread's niceness is its maker's at
 * first).
 *
 * Returns: (nullable): the checker, or %NULL when no thread could be made
 *   or the machine has one processor: pages are then checked as
 *   dh_page_check_start() would without one
 */
DhPageChecker *
dh_page_checker_new (void)
{
  g_autoptr(GError) error = NULL;
  DhPageChecker *checker;

  if (g_get_num_processors () < 2)
    return NULL;

  checker = g_new0 (DhPageChecker, 1);
  g_mutex_init (&checker->mutex);
  g_cond_init (&checker->cond);
  g_queue_init (&checker->pages);
  checker->thread = g_thread_try_new ("dh-page-check", run_checker, checker, &error);
  if (checker->thread == NULL)
    {
      g_debug ("Checking pages on the writer's thread: %s", error->message);
      g_mutex_clear (&checker->mutex);
      g_cond_clear (&checker->cond);
      g_free (checker);
      return NULL;
    }

  return checker;
}

/* Stops the checker's thread once it has checked what was started with
 * it: free those checks first (dh_page_check_free()). */
void
dh_page_checker_free (DhPageChecker *checker)
{
  if (checker == NULL)
    return;

  /* a page still on its list would be freed later with a checker gone:
   * rather the checker and its thread left alive */
  g_mutex_lock (&checker->mutex);
  if (!g_queue_is_empty (&checker->pages))
    {
      g_mutex_unlock (&checker->mutex);
      g_critical ("A page checker was freed before the checks started with it");
      return;
    }
  checker->quit = TRUE;
  g_cond_signal (&checker->cond);
  g_mutex_unlock (&checker->mutex);
  g_thread_join (checker->thread);
  g_mutex_clear (&checker->mutex);
  g_cond_clear (&checker->cond);
  g_free (checker);
}

/**
 * dh_page_check_start:
 * @checker: (nullable): the thread to check the page on, after the pages
 *   started with it before; %NULL for a checker of the page's own
 * @page: the page, as received (held until the check is freed); a page
 *   that holds a JSON object twice (dh_wire_page_shares_objects(): a
 *   caller's replay) is checked on the caller's thread: the checker and
 *   the caller would both count its references, which json-c does
 *   without atomics
 * @validator: the catalogues the values are checked against (copied; its
 *   catalogues are held until the check is freed)
 * @prepare: (nullable): what to make of each change that checked well,
 *   when it is checked on another thread
 * @prepared_free: (nullable): frees what @prepare made
 *
 * Starts checking @page, on another thread when it is worth one.
 * Get each change with dh_page_check_get(), in order.
 */
DhPageCheck *
dh_page_check_start (DhPageChecker      *checker,
                     DhWirePage         *page,
                     const DhValidator  *validator,
                     DhPageCheckPrepare  prepare,
                     GDestroyNotify      prepared_free)
{
  DhPageCheck *self;

  g_return_val_if_fail (page != NULL, NULL);
  g_return_val_if_fail (validator != NULL && validator->catalogues != NULL, NULL);

  self = g_new0 (DhPageCheck, 1);
  self->page = dh_wire_page_ref (page);
  self->n_changes = dh_wire_page_get_length (page);
  self->validator = *validator;
  self->prepare = prepare;
  self->prepared_free = prepared_free;
  g_object_ref (self->validator.catalogues);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  /* each change's result, kept until the check is freed, wherever it is checked */
  self->slots = g_new0 (Slot, self->n_changes);

  if (self->n_changes < DH_PAGE_CHECK_MIN_THREADED || dh_wire_page_shares_objects (page))
    return self;
  /* no checker given: one of the page's own, a thread it makes and ends */
  if (checker == NULL)
    checker = self->own_checker = dh_page_checker_new ();
  if (checker == NULL)
    return self;

  self->checker = checker;
  g_mutex_lock (&checker->mutex);
  g_queue_push_tail (&checker->pages, self);
  g_cond_signal (&checker->cond);
  g_mutex_unlock (&checker->mutex);

  return self;
}

gboolean
dh_page_check_is_threaded (DhPageCheck *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->checker != NULL;
}

/* The page being checked: the one given to dh_page_check_start(). */
DhWirePage *
dh_page_check_get_page (DhPageCheck *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->page;
}

/**
 * dh_page_check_get:
 * @index: the change's place in the page: the one after the change got
 *   before, 0 at first
 * @out_checked: (out) (transfer none): as dh_change_check_json() gives it
 * @out_prepared: (out) (transfer none) (optional): what the page's prepare
 *   function made of it, or NULL when it was checked on this thread: then
 *   the caller makes what it needs
 *
 * Waits for the change's check and gives its result, which stays the
 * check's until it is freed: the thread that frees the page frees them,
 * not the caller that writes the changes one after the other.
 */
gboolean
dh_page_check_get (DhPageCheck            *self,
                   guint                   index,
                   const DhCheckedChange **out_checked,
                   gpointer               *out_prepared,
                   GError                **error)
{
  Slot *slot;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (index == self->next && index < self->n_changes, FALSE);
  g_return_val_if_fail (out_checked != NULL, FALSE);

  self->next++;
  slot = &self->slots[index];
  if (out_prepared != NULL)
    *out_prepared = NULL;
  if (!dh_page_check_is_threaded (self))
    dh_change_check_wire (dh_wire_page_get_change (self->page, index), &self->validator, &slot->checked, &slot->error);
  else
    {
      g_mutex_lock (&self->mutex);
      while (self->ready <= index)
        {
          self->wake_at = MIN (index + WAKE_AFTER, self->n_changes);
          g_cond_wait (&self->cond, &self->mutex);
        }
      g_mutex_unlock (&self->mutex);
    }

  if (slot->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&slot->error));
      return FALSE;
    }
  *out_checked = &slot->checked;
  if (out_prepared != NULL)
    *out_prepared = slot->prepared;

  return TRUE;
}

/* Stops the checker where it is; what was checked is freed, got or not. */
void
dh_page_check_free (DhPageCheck *self)
{
  if (self == NULL)
    return;

  if (dh_page_check_is_threaded (self))
    {
      gboolean begun;

      /* not begun: taken off the checker's list; else it stops where it is */
      g_atomic_int_set (&self->stop, TRUE);
      g_mutex_lock (&self->checker->mutex);
      begun = !g_queue_remove (&self->checker->pages, self);
      g_mutex_unlock (&self->checker->mutex);
      g_mutex_lock (&self->mutex);
      while (begun && !self->finished)
        g_cond_wait (&self->cond, &self->mutex);
      g_mutex_unlock (&self->mutex);
    }
  for (guint i = 0; i < self->n_changes; i++)
    {
      Slot *slot = &self->slots[i];

      /* what was made of a change may refer to it: freed first */
      if (slot->prepared != NULL && self->prepared_free != NULL)
        self->prepared_free (slot->prepared);
      dh_checked_change_clear (&slot->checked);
      g_clear_error (&slot->error);
    }
  g_free (self->slots);
  g_clear_pointer (&self->own_checker, dh_page_checker_free);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_object_unref (self->validator.catalogues);
  dh_wire_page_unref (self->page);
  g_free (self);
}
