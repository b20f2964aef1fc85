/* dh-catalogue-private.h – what the files of DhCatalogues share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

#include "dh-catalogue.h"

G_BEGIN_DECLS

typedef struct
{
  GHashTable *entries;  /* code → json_object (borrowed from a document) */
  GPtrArray  *codes;    /* const char *, borrowed, in file order */
  GHashTable *keys;     /* dh_text_match_key() of each code, name, alias → code, or "" when two share it */
} Catalogue;

typedef struct
{
  DhStandard  pub;
  GPtrArray  *indicator_codes;  /* const char *, borrowed, NULL-terminated */
} Standard;

struct _DhCatalogues
{
  GObject      parent_instance;

  GPtrArray   *documents;          /* json_object, owned: every borrowed string lives here */
  GHashTable  *catalogues;         /* name → Catalogue */
  GHashTable  *indicator_sets;     /* set code → GPtrArray of const char * */
  GHashTable  *project_programme;  /* project code → programme code */
  GPtrArray   *standards;          /* Standard */
  json_object *demo_province;      /* borrowed */
  char        *version;            /* SHA-256 of every file's name and bytes, in hex */
};

typedef GBytes *(*DhCatalogueReadFunc) (const char  *location,
                                        const char  *file_name,
                                        GError     **error);

DhCatalogues *dh_catalogues_load_all      (DhCatalogueReadFunc  read,
                                           const char          *location,
                                           GError             **error);
const char   *dh_catalogues_get_file_name (guint                index);
GBytes       *dh_catalogues_read_resource (const char          *location,
                                           const char          *file_name,
                                           GError             **error);
GBytes       *dh_catalogues_read_file     (const char          *location,
                                           const char          *file_name,
                                           GError             **error);

G_END_DECLS
