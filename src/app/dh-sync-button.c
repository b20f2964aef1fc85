/* dh-sync-button.c – the sync's state in the header bar: a click syncs, its popover tells the details */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-sync-button"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-sync-button.h"

struct _DhSyncButton
{
  GtkWidget        parent_instance;

  /* template */
  AdwSplitButton  *button;
  GtkImage        *icon;
  GtkSpinner      *spinner;
  GtkLabel        *label;
  GtkPopover      *popover;
  GtkLabel        *status_label;
  GtkProgressBar  *progress_bar;
  GtkLabel        *account_label;
  GtkLabel        *counts_label;
  GtkLabel        *clock_label;
  GtkLabel        *catalogues_label;
  GtkWidget       *sync_now_button;
  GtkWidget       *rejected_button;
  GtkWidget       *sign_in_button;

  DhContext       *context;
  DhSyncEngine    *engine;
};

G_DEFINE_FINAL_TYPE (DhSyncButton, dh_sync_button, GTK_TYPE_WIDGET)

/* "today at 09:12", or "24/11/2026 at 09:12", in the computer's time zone */
static char *
describe_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *clock = g_date_time_format (local, "%H:%M");

  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    /* Translators: when the last sync was: "today at 09:12" */
    return g_strdup_printf (_("today at %s"), clock);

  {
    g_autofree char *day = g_date_time_format (local, "%d/%m/%Y");

    /* Translators: when the last sync was: "24/11/2026 at 09:12" */
    return g_strdup_printf (_("%s at %s"), day, clock);
  }
}

static void
set_icon (DhSyncButton *self,
          const char   *icon_name)
{
  gboolean spinning = icon_name == NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->icon), !spinning);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), spinning);
  gtk_spinner_set_spinning (self->spinner, spinning);
  if (!spinning)
    gtk_image_set_from_icon_name (self->icon, icon_name);
}

static void
update (DhSyncButton *self)
{
  DhSyncState state;
  gint64 pending, set_aside;
  guint rejected;
  gboolean demo, signed_in;
  g_autofree char *label = NULL;
  g_autofree char *status = NULL;
  g_autofree char *account = NULL;
  g_autofree char *last = NULL;
  g_autofree char *counts = NULL;
  g_autoptr(GString) details = NULL;
  const char *icon_name = "emblem-synchronizing-symbolic";
  const char *error;

  if (self->context == NULL)
    return;

  state = dh_sync_engine_get_state (self->engine);
  pending = dh_sync_engine_get_pending (self->engine);
  error = dh_sync_engine_get_last_error (self->engine);
  rejected = dh_context_count_rejected (self->context);
  demo = dh_context_is_demo (self->context);
  signed_in = dh_context_is_signed_in (self->context);

  gtk_widget_remove_css_class (GTK_WIDGET (self->button), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->button), "suggested-action");

  if (demo)
    {
      icon_name = "action-unavailable-symbolic";
      label = g_strdup (_("Demo data"));
      status = g_strdup (_("This store holds made-up demo households: they are never sent to a server, so it never syncs."));
    }
  else if (!signed_in || state == DH_SYNC_STATE_SIGN_IN_NEEDED)
    {
      icon_name = "avatar-default-symbolic";
      label = g_strdup (_("Sign In"));
      /* a session the server ended says why */
      if (error != NULL && state == DH_SYNC_STATE_SIGN_IN_NEEDED)
        status = g_strdup_printf (_("Sign in again to sync: %s"), error);
      else
        status = g_strdup (_("Sign in to the province’s server to send your work and receive the commune’s."));
      gtk_widget_add_css_class (GTK_WIDGET (self->button), "suggested-action");
    }
  else
    {
      switch (state)
        {
        case DH_SYNC_STATE_OFFLINE:
          icon_name = "network-offline-symbolic";
          label = g_strdup (_("Offline"));
          status = g_strdup (_("No connection: everything is kept on this computer and sent when a connection appears."));
          break;

        case DH_SYNC_STATE_SYNCING:
          icon_name = NULL;
          /* Translators: the sync button while syncing: "Syncing… 45%" */
          label = g_strdup_printf (_("Syncing… %d%%"), (int) (dh_sync_engine_get_progress (self->engine) * 100.0 + 0.5));
          status = g_strdup (_("Sending the changes made here and receiving the commune’s…"));
          break;

        case DH_SYNC_STATE_UP_TO_DATE:
          icon_name = "emblem-ok-symbolic";
          label = g_strdup (_("Up to date"));
          if (dh_sync_engine_get_last_sync (self->engine) != NULL)
            {
              g_autofree char *when = describe_time (dh_sync_engine_get_last_sync (self->engine));

              /* Translators: "Up to date since today at 09:12: …" */
              status = g_strdup_printf (_("Up to date since %s: the province has every change made here."), when);
            }
          else
            status = g_strdup (_("Up to date: the province has every change made here."));
          break;

        case DH_SYNC_STATE_ERROR:
          icon_name = "dialog-warning-symbolic";
          label = g_strdup (_("Sync failed"));
          status = g_strdup_printf (_("The last sync failed: %s"), error != NULL ? error : _("no reason was given"));
          gtk_widget_add_css_class (GTK_WIDGET (self->button), "error");
          break;

        case DH_SYNC_STATE_IDLE:
        case DH_SYNC_STATE_SIGN_IN_NEEDED:
        default:
          if (pending > 0)
            {
              label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waiting", "%u changes waiting", (gulong) pending),
                                       (guint) pending);
              status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%u change made here waits to be sent. Click to sync now.",
                                                     "%u changes made here wait to be sent. Click to sync now.",
                                                     (gulong) pending),
                                        (guint) pending);
            }
          else
            {
              label = g_strdup (_("Sync"));
              status = g_strdup (_("Nothing waits to be sent. Click to receive what is new."));
            }
          break;
        }
    }

  set_icon (self, icon_name);
  gtk_label_set_label (self->label, label);
  gtk_label_set_label (self->status_label, status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, status,
                                  -1);

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), state == DH_SYNC_STATE_SYNCING && !demo);
  gtk_progress_bar_set_fraction (self->progress_bar, dh_sync_engine_get_progress (self->engine));

  account = dh_context_describe_account (self->context);
  gtk_label_set_label (self->account_label, account != NULL ? account : _("Nobody is signed in on this computer."));
  gtk_widget_set_visible (GTK_WIDGET (self->account_label), !demo);

  details = g_string_new (NULL);
  if (dh_sync_engine_get_last_sync (self->engine) != NULL)
    {
      last = describe_time (dh_sync_engine_get_last_sync (self->engine));
      /* Translators: "Last sync: today at 09:12." */
      g_string_append_printf (details, _("Last sync: %s."), last);
    }
  else
    g_string_append (details, _("Never synced yet."));
  g_string_append_c (details, '\n');
  g_string_append_printf (details, g_dngettext (GETTEXT_PACKAGE, "Waiting to be sent: %u change.", "Waiting to be sent: %u changes.",
                                                (gulong) pending),
                          (guint) pending);
  g_string_append_c (details, '\n');
  g_string_append_printf (details, g_dngettext (GETTEXT_PACKAGE, "Refused by the province: %u change.", "Refused by the province: %u changes.",
                                                rejected),
                          rejected);
  set_aside = dh_store_count_set_aside (dh_sync_engine_get_store (self->engine), NULL);
  if (set_aside > 0)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details, g_dngettext (GETTEXT_PACKAGE,
                                                    "Set aside here: %u change from elsewhere, tried again at each sync.",
                                                    "Set aside here: %u changes from elsewhere, tried again at each sync.",
                                                    (gulong) set_aside),
                              (guint) set_aside);
    }
  counts = g_string_free (g_steal_pointer (&details), FALSE);
  gtk_label_set_label (self->counts_label, counts);

  if (!demo && dh_sync_engine_get_clock_is_wrong (self->engine))
    {
      g_autofree char *offset = dh_sync_describe_offset (dh_sync_engine_get_clock_offset (self->engine));

      gtk_label_set_label (self->clock_label, offset);
      gtk_widget_set_visible (GTK_WIDGET (self->clock_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->clock_label), FALSE);

  /* the last sync's answers named other catalogues than this build's */
  {
    g_autofree char *differ = dh_store_get_meta (dh_sync_engine_get_store (self->engine), "sync_catalogues_differ");

    gtk_widget_set_visible (GTK_WIDGET (self->catalogues_label), !demo && g_strcmp0 (differ, "1") == 0);
  }

  gtk_widget_set_visible (self->sync_now_button, !demo && signed_in && state != DH_SYNC_STATE_SIGN_IN_NEEDED);
  gtk_widget_set_sensitive (self->sync_now_button, state != DH_SYNC_STATE_SYNCING);
  gtk_widget_set_visible (self->rejected_button, rejected > 0);
  gtk_widget_set_visible (self->sign_in_button, !demo && (!signed_in || state == DH_SYNC_STATE_SIGN_IN_NEEDED));
}

/**
 * dh_sync_button_activate:
 *
 * What a click does: sync now, or sign in first; a demo store shows why
 * it never syncs.
 */
void
dh_sync_button_activate (DhSyncButton *self)
{
  g_return_if_fail (DH_IS_SYNC_BUTTON (self));

  if (self->context == NULL)
    return;

  if (dh_context_is_demo (self->context))
    gtk_popover_popup (self->popover);
  else if (!dh_context_is_signed_in (self->context) ||
           dh_sync_engine_get_state (self->engine) == DH_SYNC_STATE_SIGN_IN_NEEDED)
    gtk_widget_activate_action (GTK_WIDGET (self), "app.sign-in", NULL);
  else
    dh_context_sync (self->context);
}

/* The tooltip is asked for when it shows: setting one at each change of
 * state would ask the display where the pointer is, each time. */
static gboolean
on_query_tooltip (DhSyncButton *self,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip)
{
  gtk_tooltip_set_text (tooltip, gtk_label_get_label (self->status_label));
  return TRUE;
}

static void
on_clicked (DhSyncButton *self)
{
  dh_sync_button_activate (self);
}

/* what the button opens comes in front of the details */
static void
on_popover_button_clicked (DhSyncButton *self)
{
  gtk_popover_popdown (self->popover);
}

static void
on_sync_now_clicked (DhSyncButton *self)
{
  gtk_popover_popdown (self->popover);
  dh_context_sync (self->context);
}

void
dh_sync_button_set_context (DhSyncButton *self,
                            DhContext    *context)
{
  g_return_if_fail (DH_IS_SYNC_BUTTON (self));
  g_return_if_fail (context == NULL || DH_IS_CONTEXT (context));

  if (self->context == context)
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_object (&self->engine);
  g_set_object (&self->context, context);
  if (context == NULL)
    return;

  self->engine = g_object_ref (dh_context_get_sync_engine (context));
  g_signal_connect_object (self->engine, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "account-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "badges-changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
dh_sync_button_dispose (GObject *object)
{
  DhSyncButton *self = DH_SYNC_BUTTON (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_SYNC_BUTTON);

  G_OBJECT_CLASS (dh_sync_button_parent_class)->dispose (object);
}

static void
dh_sync_button_class_init (DhSyncButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_sync_button_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-sync-button.ui");
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, button);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, icon);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, spinner);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, label);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, popover);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, status_label);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, account_label);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, counts_label);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, clock_label);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, catalogues_label);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, sync_now_button);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, rejected_button);
  gtk_widget_class_bind_template_child (widget_class, DhSyncButton, sign_in_button);
  gtk_widget_class_bind_template_callback (widget_class, on_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_query_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_now_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_button_clicked);
}

static void
dh_sync_button_init (DhSyncButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The words on the button (for tests). */
const char *
dh_sync_button_get_label (DhSyncButton *self)
{
  g_return_val_if_fail (DH_IS_SYNC_BUTTON (self), NULL);

  return gtk_label_get_label (self->label);
}

/* The sentence that says the state, in the popover and the tooltip. */
const char *
dh_sync_button_get_status (DhSyncButton *self)
{
  g_return_val_if_fail (DH_IS_SYNC_BUTTON (self), NULL);

  return gtk_label_get_label (self->status_label);
}

/* The warning about the catalogues, or NULL when the province's are these. */
const char *
dh_sync_button_get_catalogues_text (DhSyncButton *self)
{
  g_return_val_if_fail (DH_IS_SYNC_BUTTON (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->catalogues_label)))
    return NULL;
  return gtk_label_get_label (self->catalogues_label);
}

/* The warning about the computer's clock, or NULL when it is right. */
const char *
dh_sync_button_get_clock_text (DhSyncButton *self)
{
  g_return_val_if_fail (DH_IS_SYNC_BUTTON (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->clock_label)))
    return NULL;
  return gtk_label_get_label (self->clock_label);
}

/* The last sync, and the changes waiting and refused. */
const char *
dh_sync_button_get_counts_text (DhSyncButton *self)
{
  g_return_val_if_fail (DH_IS_SYNC_BUTTON (self), NULL);

  return gtk_label_get_label (self->counts_label);
}

GtkPopover *
dh_sync_button_get_popover (DhSyncButton *self)
{
  g_return_val_if_fail (DH_IS_SYNC_BUTTON (self), NULL);

  return self->popover;
}
