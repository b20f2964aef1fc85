/* dh-autocleanups.h – g_autoptr support for the foreign types we use */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>
#include <json-c/json.h>

G_BEGIN_DECLS

static inline void
dh_json_object_release (json_object *object)
{
  if (object != NULL)
    json_object_put (object);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, dh_json_object_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_tokener, json_tokener_free)

/* Sections for types of higher layers: they apply only where the
 * foreign header was included first. */
#ifdef SQLITE3_H
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
#endif
#ifdef LIBPQ_FE_H
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
#endif

G_END_DECLS
