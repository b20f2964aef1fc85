/* dh-sign-in-dialog.c – signing in to the province's server: its address, a certificate file, the username and password */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "dh-sign-in-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "dh-sign-in-dialog.h"

struct _DhSignInDialog
{
  AdwWindow      parent_instance;

  /* template */
  GtkWidget     *cancel_button;
  GtkButton     *sign_in_button;
  GtkSpinner    *spinner;
  GtkStack      *stack;
  AdwEntryRow   *server_row;
  AdwActionRow  *ca_row;
  AdwEntryRow   *pin_row;
  GtkWidget     *ca_clear_button;
  AdwEntryRow   *username_row;
  AdwEntryRow   *password_row;
  GtkLabel      *error_label;
  AdwStatusPage *done_page;

  DhContext     *context;
  char          *ca_file;       /* NULL: the server's certificate is a public one */
  GCancellable  *cancellable;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (DhSignInDialog, dh_sign_in_dialog, ADW_TYPE_WINDOW)

static void
show_ca_file (DhSignInDialog *self)
{
  g_autofree char *display = self->ca_file != NULL ? g_filename_display_name (self->ca_file) : NULL;

  adw_action_row_set_subtitle (self->ca_row, display != NULL ? display
                               : _("None: only when the province gave one"));
  gtk_widget_set_visible (self->ca_clear_button, self->ca_file != NULL);
}

static void
set_busy (DhSignInDialog *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (DhSignInDialog *self,
            const char     *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* What went wrong, and what to do about it, in the caseworker's words. */
static char *
describe_error (const GError *error)
{
  if (error->domain == DH_SYNC_ERROR)
    {
      switch ((DhSyncError) error->code)
        {
        case DH_SYNC_ERROR_SIGN_IN:
          return g_strdup (_("The username or the password is wrong. Check them — capital letters and marks count — and try again."));
        case DH_SYNC_ERROR_NETWORK:
          return g_strdup (_("The server cannot be reached. Check that this computer is connected and that the address is the one the province gave, then try again."));
        case DH_SYNC_ERROR_TLS:
          return g_strdup_printf (_("This computer does not trust the server’s certificate, so nothing was sent. "
                                    "If the province gave you a certificate file, choose it under “Certificate file”; "
                                    "otherwise check the address. (%s)"),
                                  error->message);
        case DH_SYNC_ERROR_SERVER:
          return g_strdup_printf (_("The server could not answer just now. Try again in a few minutes. (%s)"), error->message);
        case DH_SYNC_ERROR_CANCELLED:
          return g_strdup (_("Signing in was cancelled."));
        case DH_SYNC_ERROR_REFUSED:
        case DH_SYNC_ERROR_NOT_SET_UP:
        default:
          return g_strdup (error->message);
        }
    }
  return g_strdup (error->message);
}

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DhSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *commune = dh_context_sign_in_finish (DH_CONTEXT (source), result, &error);
  g_autofree char *done = NULL;
  g_autofree char *who = NULL;

  set_busy (self, FALSE);
  if (commune == NULL)
    {
      g_autofree char *message = describe_error (error);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, message);
      if (g_error_matches (error, DH_SYNC_ERROR, DH_SYNC_ERROR_SIGN_IN))
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  /* the password is not kept anywhere, not even in its field */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, NULL);
  who = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row)));
  if (commune[0] != '\0')
    /* Translators: "You are signed in as lan.hoang, for Xã Tân Lập. …" */
    done = g_strdup_printf (_("You are signed in as %s, for %s. The first sync has started: "
                              "the commune’s villages and households arrive in a moment."),
                            who, commune);
  else
    done = g_strdup_printf (_("You are signed in as %s, for the whole province. The first sync has started."), who);
  adw_status_page_set_description (self->done_page, done);
  /* nothing is left to cancel: the one way out is Close */
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), FALSE);
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "done");
  gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
  gtk_widget_grab_focus (gtk_stack_get_visible_child (self->stack));
}

/**
 * dh_sign_in_dialog_sign_in:
 *
 * Signs in with what is typed, in a worker thread; the dialog says how it
 * went.
 */
void
dh_sign_in_dialog_sign_in (DhSignInDialog *self)
{
  g_autofree char *server = NULL;
  g_autofree char *pin = NULL;
  const char *username;
  const char *password;

  g_return_if_fail (DH_IS_SIGN_IN_DIALOG (self));

  if (self->busy)
    return;

  server = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  pin = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_row))));
  username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (server[0] == '\0')
    {
      show_error (self, _("Type the address of the province’s server, such as https://donghanh.example.gov.vn/"));
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }
  if (username[0] == '\0' || password[0] == '\0')
    {
      show_error (self, _("Type your username and your password."));
      gtk_widget_grab_focus (GTK_WIDGET (username[0] == '\0' ? self->username_row : self->password_row));
      return;
    }
  if (dh_context_is_demo (self->context))
    {
      show_error (self, _("This store holds made-up demo households, which are never sent anywhere. Start a store of your own to sign in and sync."));
      return;
    }

  show_error (self, NULL);
  set_busy (self, TRUE);
  dh_context_sign_in_async (self->context, server, self->ca_file, pin[0] != '\0' ? pin : NULL, username, password,
                            self->cancellable, signed_in_cb, g_object_ref (self));
}

static void
on_sign_in_clicked (DhSignInDialog *self)
{
  dh_sign_in_dialog_sign_in (self);
}

static void
on_ca_clear_clicked (DhSignInDialog *self)
{
  g_clear_pointer (&self->ca_file, g_free);
  show_ca_file (self);
}

static void
ca_chosen_cb (GtkNativeDialog *dialog,
              int              response,
              DhSignInDialog  *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL && g_file_get_path (file) != NULL)
    {
      g_free (self->ca_file);
      self->ca_file = g_file_get_path (file);
      show_ca_file (self);
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
on_ca_choose_clicked (DhSignInDialog *self)
{
  GtkFileChooserNative *chooser =
    gtk_file_chooser_native_new (_("Choose the Province’s Certificate File"), GTK_WINDOW (self),
                                 GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  g_autoptr(GtkFileFilter) certificates = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) everything = gtk_file_filter_new ();

  gtk_file_filter_set_name (certificates, _("Certificates"));
  gtk_file_filter_add_pattern (certificates, "*.pem");
  gtk_file_filter_add_pattern (certificates, "*.crt");
  gtk_file_filter_add_pattern (certificates, "*.cer");
  gtk_file_filter_set_name (everything, _("All files"));
  gtk_file_filter_add_pattern (everything, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), certificates);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), everything);

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (ca_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
dh_sign_in_dialog_dispose (GObject *object)
{
  DhSignInDialog *self = DH_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (object), DH_TYPE_SIGN_IN_DIALOG);

  G_OBJECT_CLASS (dh_sign_in_dialog_parent_class)->dispose (object);
}

static void
dh_sign_in_dialog_finalize (GObject *object)
{
  DhSignInDialog *self = DH_SIGN_IN_DIALOG (object);

  g_free (self->ca_file);

  G_OBJECT_CLASS (dh_sign_in_dialog_parent_class)->finalize (object);
}

static void
dh_sign_in_dialog_class_init (DhSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dh_sign_in_dialog_dispose;
  object_class->finalize = dh_sign_in_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "dh-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, ca_row);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, pin_row);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, ca_clear_button);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, DhSignInDialog, done_page);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_clear_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ca_choose_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
dh_sign_in_dialog_init (DhSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->sign_in_button));
}

/* A dialog with the server, certificate and username of the last
 * sign-in, when there was one: signing in again takes the password alone. */
DhSignInDialog *
dh_sign_in_dialog_new (DhContext *context)
{
  DhSignInDialog *self;
  g_autoptr(DhSyncSettings) settings = NULL;

  g_return_val_if_fail (DH_IS_CONTEXT (context), NULL);

  self = g_object_new (DH_TYPE_SIGN_IN_DIALOG, NULL);
  self->context = g_object_ref (context);

  settings = dh_sync_settings_load (dh_context_get_store (context));
  if (settings->server != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), settings->server);
  if (settings->username != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->username_row), settings->username);
  self->ca_file = g_strdup (settings->ca_file);
  show_ca_file (self);
  if (settings->pin != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->pin_row), settings->pin);

  return self;
}

/* Types the server's key pin (for tests). */
void
dh_sign_in_dialog_set_pin (DhSignInDialog *self,
                           const char     *pin)
{
  g_return_if_fail (DH_IS_SIGN_IN_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), pin != NULL ? pin : "");
}

/* Types the fields as a caseworker does (for tests). */
void
dh_sign_in_dialog_fill (DhSignInDialog *self,
                        const char     *server,
                        const char     *ca_file,
                        const char     *username,
                        const char     *password)
{
  g_return_if_fail (DH_IS_SIGN_IN_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server != NULL ? server : "");
  g_free (self->ca_file);
  self->ca_file = g_strdup (ca_file);
  show_ca_file (self);
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username != NULL ? username : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password != NULL ? password : "");
}

gboolean
dh_sign_in_dialog_is_busy (DhSignInDialog *self)
{
  g_return_val_if_fail (DH_IS_SIGN_IN_DIALOG (self), FALSE);

  return self->busy;
}

/* The message shown under the fields, or NULL when none is. */
const char *
dh_sign_in_dialog_get_error_text (DhSignInDialog *self)
{
  g_return_val_if_fail (DH_IS_SIGN_IN_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_label (self->error_label);
}

/* What the dialog says once signed in. */
const char *
dh_sign_in_dialog_get_done_text (DhSignInDialog *self)
{
  g_return_val_if_fail (DH_IS_SIGN_IN_DIALOG (self), NULL);

  return adw_status_page_get_description (self->done_page);
}

/* "form" or "done" */
const char *
dh_sign_in_dialog_get_page (DhSignInDialog *self)
{
  g_return_val_if_fail (DH_IS_SIGN_IN_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/* What the server and username fields hold (for tests). */
const char *
dh_sign_in_dialog_get_server (DhSignInDialog *self)
{
  g_return_val_if_fail (DH_IS_SIGN_IN_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->server_row));
}

const char *
dh_sign_in_dialog_get_username (DhSignInDialog *self)
{
  g_return_val_if_fail (DH_IS_SIGN_IN_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->username_row));
}
