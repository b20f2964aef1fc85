/* dh-preferences-window.h – the store's place, the province's server and who is signed in, the visit interval */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "dh-context.h"

G_BEGIN_DECLS

#define DH_TYPE_PREFERENCES_WINDOW (dh_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (DhPreferencesWindow, dh_preferences_window, DH, PREFERENCES_WINDOW, AdwPreferencesWindow)

DhPreferencesWindow *dh_preferences_window_new         (GSettings           *settings,
                                                        const char          *store_path);
void                 dh_preferences_window_set_context (DhPreferencesWindow *self,
                                                        DhContext           *context);
const char          *dh_preferences_window_get_account (DhPreferencesWindow *self);

G_END_DECLS
