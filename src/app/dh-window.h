/* dh-window.h – the main window: the households of the commune beside the one chosen */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-application.h"
#include "dh-household-page.h"
#include "dh-sync-button.h"

G_BEGIN_DECLS

#define DH_TYPE_WINDOW (dh_window_get_type ())

G_DECLARE_FINAL_TYPE (DhWindow, dh_window, DH, WINDOW, AdwApplicationWindow)

DhWindow   *dh_window_new                 (DhApplication *application);
const char *dh_window_get_state           (DhWindow      *self);
GListModel *dh_window_get_households      (DhWindow      *self);
GtkListView *dh_window_get_list_view      (DhWindow      *self);
void        dh_window_set_search_text     (DhWindow      *self,
                                           const char    *text);
gboolean    dh_window_show_household      (DhWindow      *self,
                                           const char    *household_id);
void        dh_window_set_filters         (DhWindow      *self,
                                           const char    *village_id,
                                           const char    *classification);
const char *dh_window_get_count_text      (DhWindow      *self);
gboolean    dh_window_is_loading          (DhWindow      *self);
void        dh_window_export_households   (DhWindow      *self,
                                           const char    *path);
void        dh_window_set_more_filters    (DhWindow      *self,
                                           const char    *caseworker,
                                           guint          days);
AdwToast   *dh_window_get_undo_toast      (DhWindow      *self);
const char *dh_window_get_household_id    (DhWindow      *self);
GtkListView *dh_window_get_results_view   (DhWindow      *self);
DhSyncButton *dh_window_get_sync_button   (DhWindow      *self);
DhHouseholdPage *dh_window_get_household_page (DhWindow   *self);
AdwToast   *dh_window_get_sync_toast      (DhWindow      *self);
const char *dh_window_get_clock_warning   (DhWindow      *self);
void        dh_window_add_toast           (DhWindow      *self,
                                           const char    *message);

G_END_DECLS
