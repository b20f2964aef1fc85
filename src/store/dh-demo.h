/* dh-demo.h – a made-up but plausible caseload for trying the product and measuring it */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint   households;
  guint   members_per_household;    /* on average */
  guint   visits_per_household;     /* on average */
  guint   supports_per_household;   /* on average */
  guint32 seed;
} DhDemoOptions;

typedef void (*DhDemoProgress) (guint households_done, gpointer user_data);

void     dh_demo_options_init (DhDemoOptions   *options);
gboolean dh_demo_populate     (DhStore         *store,
                               const DhDemoOptions *options,
                               DhDemoProgress   progress,
                               gpointer         user_data,
                               GError         **error);

G_END_DECLS
