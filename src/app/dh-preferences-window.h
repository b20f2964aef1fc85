/* dh-preferences-window.h – the store's place and the visit interval */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DH_TYPE_PREFERENCES_WINDOW (dh_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (DhPreferencesWindow, dh_preferences_window, DH, PREFERENCES_WINDOW, AdwPreferencesWindow)

DhPreferencesWindow *dh_preferences_window_new (GSettings  *settings,
                                                const char *store_path);

G_END_DECLS
