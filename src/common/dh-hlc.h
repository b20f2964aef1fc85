/* dh-hlc.h – hybrid logical clock that orders changes across devices */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A timestamp is written "<16 hex digits>-<device id>": the hex digits
 * are the wall-clock milliseconds shifted left by 16 bits plus a logical
 * counter, so strcmp() of two timestamps orders them by time, then by
 * counter, then by device id – the tie-break the merge needs. */
#define DH_HLC_DEVICE_ID_LEN 16

typedef gint64 (*DhHlcWallClock) (gpointer user_data);

typedef struct _DhHlc DhHlc;

DhHlc    *dh_hlc_new             (const char      *device_id,
                                  guint64          last_packed);
void      dh_hlc_free            (DhHlc           *self);
void      dh_hlc_set_wall_clock  (DhHlc           *self,
                                  DhHlcWallClock   wall_clock,
                                  gpointer         user_data);
const char *dh_hlc_get_device_id (DhHlc           *self);
guint64   dh_hlc_get_last        (DhHlc           *self);
char     *dh_hlc_now             (DhHlc           *self);
gboolean  dh_hlc_observe         (DhHlc           *self,
                                  const char      *remote,
                                  GError         **error);
void      dh_hlc_observe_packed  (DhHlc           *self,
                                  guint64          packed);
gboolean  dh_hlc_parse           (const char      *timestamp,
                                  guint64         *out_packed,
                                  const char     **out_device_id);
gint64    dh_hlc_get_wall_ms     (const char      *timestamp);
gint64    dh_hlc_packed_get_wall_ms (guint64       packed);
char     *dh_hlc_new_device_id   (void);
gboolean  dh_hlc_is_valid_device_id (const char   *device_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DhHlc, dh_hlc_free)

G_END_DECLS
