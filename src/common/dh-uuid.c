/* dh-uuid.c – record ids made on the device */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-uuid"

#include "config.h"

#include "dh-uuid.h"

/* Version 7 UUIDs (RFC 9562): 48 bits of Unix milliseconds, then random
 * bits. Ids made one after the other sort one after the other, so the
 * store's indexes on ids grow at their end instead of at random places,
 * which keeps writes to a large store fast. They reveal when a record was
 * made, which its created_at says anyway. */
char *
dh_uuid_new_at (gint64 unix_ms)
{
  guint8 b[16];

  for (guint i = 0; i < 6; i++)
    b[i] = (guint8) (((guint64) unix_ms >> (40 - 8 * i)) & 0xff);
  for (guint i = 6; i < 16; i++)
    b[i] = (guint8) g_random_int_range (0, 256);

  b[6] = (guint8) (0x70 | (b[6] & 0x0f));   /* version 7 */
  b[8] = (guint8) (0x80 | (b[8] & 0x3f));   /* RFC 9562 variant */

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
dh_uuid_new (void)
{
  return dh_uuid_new_at (g_get_real_time () / 1000);
}
