/* dh-hlc.c – hybrid logical clock that orders changes across devices */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-hlc"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "dh-error.h"
#include "dh-hlc.h"

#define COUNTER_BITS 16
#define COUNTER_MAX  0xffff

struct _DhHlc
{
  char           *device_id;
  guint64         last;
  DhHlcWallClock  wall_clock;
  gpointer        wall_clock_data;
  GMutex          mutex;
};

static gint64
real_wall_clock (gpointer user_data)
{
  return g_get_real_time () / 1000;
}

DhHlc *
dh_hlc_new (const char *device_id,
            guint64     last_packed)
{
  DhHlc *self;

  g_return_val_if_fail (dh_hlc_is_valid_device_id (device_id), NULL);

  self = g_new0 (DhHlc, 1);
  self->device_id = g_strdup (device_id);
  self->last = last_packed;
  self->wall_clock = real_wall_clock;
  g_mutex_init (&self->mutex);

  return self;
}

void
dh_hlc_free (DhHlc *self)
{
  if (self == NULL)
    return;

  g_mutex_clear (&self->mutex);
  g_free (self->device_id);
  g_free (self);
}

void
dh_hlc_set_wall_clock (DhHlc          *self,
                       DhHlcWallClock  wall_clock,
                       gpointer        user_data)
{
  g_return_if_fail (self != NULL);

  self->wall_clock = wall_clock != NULL ? wall_clock : real_wall_clock;
  self->wall_clock_data = user_data;
}

const char *
dh_hlc_get_device_id (DhHlc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->device_id;
}

guint64
dh_hlc_get_last (DhHlc *self)
{
  guint64 last;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  last = self->last;
  g_mutex_unlock (&self->mutex);

  return last;
}

static char *
format_timestamp (guint64     packed,
                  const char *device_id)
{
  return g_strdup_printf ("%016" G_GINT64_MODIFIER "x-%s", packed, device_id);
}

/* Advances the clock past both the wall clock and every timestamp seen so
 * far, so that a device whose wall clock runs behind still issues
 * timestamps that order after what it has already observed. */
static guint64
advance (DhHlc   *self,
         guint64  floor)
{
  gint64 wall_ms = MAX (self->wall_clock (self->wall_clock_data), 0);
  guint64 wall = (guint64) wall_ms << COUNTER_BITS;
  guint64 next = MAX (self->last, floor);

  if (wall > next)
    next = wall;
  else
    next = next + 1;

  self->last = next;

  return next;
}

char *
dh_hlc_now (DhHlc *self)
{
  guint64 packed;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->mutex);
  packed = advance (self, 0);
  g_mutex_unlock (&self->mutex);

  return format_timestamp (packed, self->device_id);
}

gboolean
dh_hlc_observe (DhHlc       *self,
                const char  *remote,
                GError     **error)
{
  guint64 packed;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!dh_hlc_parse (remote, &packed, NULL))
    {
      g_set_error (error, DH_VALIDATION_ERROR, DH_VALIDATION_ERROR_INVALID,
                   _("“%s” is not a change timestamp; expected 16 hexadecimal digits, a dash and a device id"),
                   remote != NULL ? remote : "");
      return FALSE;
    }

  dh_hlc_observe_packed (self, packed);

  return TRUE;
}

/* dh_hlc_observe() of a clock read already with dh_hlc_parse(). */
void
dh_hlc_observe_packed (DhHlc   *self,
                       guint64  packed)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  if (packed > self->last)
    self->last = packed;
  g_mutex_unlock (&self->mutex);
}

/* Each lower-case hex digit's value with 0x10 set; 0 for any other byte:
 * every change's clocks are read with it. */
#define HEX_DIGIT 0x10

static const guint8 lower_hex_digits[256] = {
  ['0'] = HEX_DIGIT | 0, ['1'] = HEX_DIGIT | 1, ['2'] = HEX_DIGIT | 2, ['3'] = HEX_DIGIT | 3,
  ['4'] = HEX_DIGIT | 4, ['5'] = HEX_DIGIT | 5, ['6'] = HEX_DIGIT | 6, ['7'] = HEX_DIGIT | 7,
  ['8'] = HEX_DIGIT | 8, ['9'] = HEX_DIGIT | 9, ['a'] = HEX_DIGIT | 10, ['b'] = HEX_DIGIT | 11,
  ['c'] = HEX_DIGIT | 12, ['d'] = HEX_DIGIT | 13, ['e'] = HEX_DIGIT | 14, ['f'] = HEX_DIGIT | 15,
};

/* Reads N lower-case hex digits of TEXT, which has at least N bytes, into
 * *OUT_VALUE; FALSE when one is not. Every digit is read, and the answer
 * told once at the end. */
static gboolean
read_lower_hex (const char *text,
                guint       n,
                guint64    *out_value)
{
  guint64 value = 0;
  guint all_digits = HEX_DIGIT;

  for (guint i = 0; i < n; i++)
    {
      guint digit = lower_hex_digits[(guchar) text[i]];

      all_digits &= digit;
      value = (value << 4) | (digit & 0xF);
    }

  *out_value = value;
  return all_digits != 0;
}

gboolean
dh_hlc_is_valid_device_id (const char *device_id)
{
  guint64 value;

  /* its length first, counted no further than it may be (the text comes
   * from elsewhere): then every byte read is there */
  return device_id != NULL && strnlen (device_id, DH_HLC_DEVICE_ID_LEN + 1) == DH_HLC_DEVICE_ID_LEN &&
         read_lower_hex (device_id, DH_HLC_DEVICE_ID_LEN, &value);
}

gboolean
dh_hlc_parse (const char  *timestamp,
              guint64     *out_packed,
              const char **out_device_id)
{
  guint64 packed, device;

  /* 16 digits, a dash and a device id: its length first, counted no
   * further than it may be, then every byte read is there */
  if (timestamp == NULL || strnlen (timestamp, 16 + 1 + DH_HLC_DEVICE_ID_LEN + 1) != 16 + 1 + DH_HLC_DEVICE_ID_LEN ||
      !read_lower_hex (timestamp, 16, &packed) || timestamp[16] != '-' ||
      !read_lower_hex (timestamp + 17, DH_HLC_DEVICE_ID_LEN, &device))
    return FALSE;

  if (out_packed != NULL)
    *out_packed = packed;
  if (out_device_id != NULL)
    *out_device_id = timestamp + 17;

  return TRUE;
}

gint64
dh_hlc_get_wall_ms (const char *timestamp)
{
  guint64 packed;

  if (!dh_hlc_parse (timestamp, &packed, NULL))
    return -1;

  return dh_hlc_packed_get_wall_ms (packed);
}

/* The wall time of a clock read already with dh_hlc_parse(). */
gint64
dh_hlc_packed_get_wall_ms (guint64 packed)
{
  return (gint64) (packed >> COUNTER_BITS);
}

char *
dh_hlc_new_device_id (void)
{
  GString *id = g_string_sized_new (DH_HLC_DEVICE_ID_LEN);

  for (guint i = 0; i < DH_HLC_DEVICE_ID_LEN; i++)
    g_string_append_c (id, "0123456789abcdef"[g_random_int_range (0, 16)]);

  return g_string_free (id, FALSE);
}
