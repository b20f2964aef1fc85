/* app-test.h – what the application's tests share: a demo store, the application and its window over it, each case in a process of its own */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "dh-application.h"
#include "dh-window.h"

G_BEGIN_DECLS

typedef struct
{
  char          *directory;
  char          *store_path;
  DhApplication *app;
  DhWindow      *window;
  char          *household_id;   /* the household a case works on, if any */
} AppFixture;

typedef void (*AppTestFunc) (AppFixture    *fixture,
                             gconstpointer  data);

typedef struct
{
  const char    *path;
  AppTestFunc    test;
  gconstpointer  data;         /* given to the set-up and the case */
  gboolean       vietnamese;   /* run with LANGUAGE=vi, not in English */
} AppTestCase;

void       app_fixture_make_directory  (AppFixture        *fixture);
void       app_fixture_make_demo_store (AppFixture        *fixture,
                                        guint              households,
                                        guint              seed);
void       app_fixture_open_window     (AppFixture        *fixture);
DhContext *app_fixture_context         (AppFixture        *fixture);
DhStore   *app_fixture_store           (AppFixture        *fixture);
gint64     app_fixture_count           (AppFixture        *fixture,
                                        const char        *entity,
                                        const char        *filter);
gint64     app_fixture_count_household (AppFixture        *fixture,
                                        const char        *entity);
gint64     app_fixture_count_pending   (AppFixture        *fixture);
void       app_fixture_acknowledge     (AppFixture        *fixture,
                                        const char        *record_id);
void       app_fixture_spin            (void);
void       app_fixture_wait            (DhWindow          *window);
void       app_fixture_wait_until_drawn (GtkWidget       *widget);
void       app_fixture_save_picture    (GtkWidget         *widget,
                                        const char        *name);
void       app_fixture_tear_down       (AppFixture        *fixture);

int        app_test_run                (int                argc,
                                        char             **argv,
                                        AppTestFunc        set_up,
                                        const AppTestCase *cases,
                                        gsize              n_cases);

G_END_DECLS
