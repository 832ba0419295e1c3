from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts import views, views_organisation, views_proconnect

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.EmailLoginView.as_view(), name="login"),
    path("deconnexion/", views_proconnect.logout, name="logout"),
    path("proconnect/connexion/", views_proconnect.proconnect_start, name="proconnect_start"),
    path("proconnect/retour/", views_proconnect.proconnect_callback, name="proconnect_callback"),
    path(
        "proconnect/deconnexion/",
        views_proconnect.proconnect_logout_return,
        name="proconnect_logout_return",
    ),
    path(
        "proconnect/structure/",
        views_proconnect.proconnect_organisation,
        name="proconnect_organisation",
    ),
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_sent, name="signup_sent"),
    path("inscription/confirmer/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("mon-compte/", views.profile, name="profile"),
    path("langue/", views.set_language, name="set_language"),
    path("structures/<int:pk>/modifier/", views.organisation_edit, name="organisation_edit"),
    path(
        "structures/<int:pk>/membres/",
        views_organisation.organisation_members,
        name="organisation_members",
    ),
    path(
        "structures/<int:pk>/membres/<int:membership_pk>/role/",
        views_organisation.membership_role,
        name="membership_role",
    ),
    path(
        "structures/<int:pk>/membres/<int:membership_pk>/retirer/",
        views_organisation.membership_delete,
        name="membership_delete",
    ),
    path(
        "structures/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views_organisation.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "invitation/<str:token>/",
        views_organisation.organisation_invitation_accept_view,
        name="organisation_invitation_accept",
    ),
    path("structure-courante/", views_organisation.organisation_switch, name="organisation_switch"),
    path(
        "mot-de-passe/oubli/",
        views.ThrottledPasswordResetView.as_view(
            template_name="accounts/password_form.html",
            extra_context={
                "page_title": _("Mot de passe oublié"),
                "submit_label": _("Recevoir le lien"),
            },
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.UnlockingPasswordResetConfirmView.as_view(
            template_name="accounts/password_form.html",
            extra_context={
                "page_title": _("Choisir un nouveau mot de passe"),
                "submit_label": _("Enregistrer"),
            },
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
