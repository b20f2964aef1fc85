/* dh-app-format.c – records described in the words the application shows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-app-format"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-app-format.h"
#include "dh-date.h"
#include "dh-entity.h"

/* "24/11/2026" for "2026-11-24"; what cannot be read is shown as it is */
char *
dh_app_describe_date (const char *iso_date)
{
  GDate date;

  if (iso_date == NULL)
    return NULL;
  if (!dh_date_parse (iso_date, &date, NULL))
    return g_strdup (iso_date);

  return dh_date_format (&date);
}

/**
 * dh_app_describe_last_visit:
 *
 * When a caseworker last saw the household, and how long ago that is by
 * the store's today: “Last visit 24/11/2026, 2 days ago”, or “Never visited”.
 */
static char *
describe_visit_date (DhContext   *context,
                     const GDate *date)
{
  GDate today;
  g_autofree char *shown = NULL;
  int days;

  if (!g_date_valid (date))
    return g_strdup (_("Never visited"));

  shown = dh_date_format (date);
  dh_store_get_today (dh_context_get_store (context), &today);
  days = g_date_days_between (date, &today);

  if (days <= 0)
    return g_strdup_printf (_("Last visit %s, today"), shown);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Last visit %s, %d day ago",
                                       "Last visit %s, %d days ago", days),
                          shown, days);
}

char *
dh_app_describe_last_visit (DhContext  *context,
                            const char *household_id)
{
  GDate date;

  dh_context_get_last_visit (context, household_id, &date);
  return describe_visit_date (context, &date);
}

/* The same, or NULL while it is read off the main thread (a list row). */
char *
dh_app_describe_last_visit_if_known (DhContext  *context,
                                     const char *household_id)
{
  GDate date;

  if (!dh_context_peek_last_visit (context, household_id, &date))
    return NULL;
  return describe_visit_date (context, &date);
}

/* How far a household's changes have travelled, as an icon and in words. */
void
dh_app_sync_state (DhRecordSync   sync,
                   const char   **out_icon_name,
                   const char   **out_words)
{
  switch (sync)
    {
    case DH_RECORD_SYNC_REJECTED:
      *out_icon_name = "dialog-warning-symbolic";
      *out_words = _("Refused by the province; see the refused changes");
      break;

    case DH_RECORD_SYNC_WAITING:
      *out_icon_name = "emblem-synchronizing-symbolic";
      *out_words = _("Changed here; waiting to be sent");
      break;

    case DH_RECORD_SYNC_SENT:
    default:
      *out_icon_name = "emblem-ok-symbolic";
      *out_words = _("Sent to the province");
      break;
    }
}
