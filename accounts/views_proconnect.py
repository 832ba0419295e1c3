"""ProConnect login: the way out to the provider, the way back, the page linking the person
to the organisation whose SIRET ProConnect asserted, and the sign-out that ends the
ProConnect session too. Every ProConnect page answers 404 while ProConnect is not
configured."""

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from accounts.companies import company_lookup, organisation_create_from_registries
from accounts.membership import organisation_join_request
from accounts.models import Organisation
from accounts.outgoing import ServiceError
from accounts.proconnect import (
    SESSION_ID_TOKEN,
    SESSION_LOGOUT_STATE,
    SESSION_SIRET,
    signed_in_through_proconnect,
)
from accounts.web import current_organisation_set

logger = logging.getLogger(__name__)


def _require_enabled():
    if not settings.PROCONNECT_ENABLED:
        raise Http404


def proconnect_start(request):
    """To ProConnect's authorisation page (state, nonce kept in the session)."""
    _require_enabled()
    return OIDCAuthenticationRequestView.as_view()(request)


class CallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        return reverse("accounts:login")

    @property
    def success_url(self):
        return reverse("accounts:proconnect_organisation")

    def login_success(self):
        # auth.login() empties the session when someone else was signed in on it: what the
        # backend has just kept there must outlive that, the ID token above all (without it
        # the sign-out would leave this person signed in at ProConnect).
        kept = {
            key: self.request.session[key]
            for key in (SESSION_ID_TOKEN, SESSION_SIRET)
            if key in self.request.session
        }
        response = super().login_success()
        self.request.session.update(kept)
        return response

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "La connexion avec ProConnect n'a pas abouti : réessayez, ou connectez-vous "
                "avec votre adresse e-mail et votre mot de passe."
            ),
        )
        return HttpResponseRedirect(self.failure_url)

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException, ValueError) as error:
            logger.warning("ProConnect login refused: %s", error)
            return self.login_failure()


def proconnect_callback(request):
    _require_enabled()
    return CallbackView.as_view()(request)


@method_decorator(never_cache, name="dispatch")
class LogoutView(OIDCLogoutView):
    """mozilla-django-oidc's sign-out: the URL to go to is built first (OIDC_OP_LOGOUT_URL_METHOD,
    accounts.proconnect.provider_logout_url, which needs the ID token of the session), then the
    Évalis session is ended, then the browser is sent to ProConnect's end-session endpoint."""

    def post(self, request):
        response = super().post(request)
        state = getattr(request, "proconnect_logout_state", None)
        if state:
            # The signed-in session is gone: the state waits for ProConnect's return in the
            # anonymous one that replaced it.
            request.session[SESSION_LOGOUT_STATE] = state
        return response


@csrf_protect
@never_cache
def logout(request):
    """Se déconnecter (a POST: a link cannot sign someone out). A person who came through
    ProConnect is signed out of ProConnect as well, or the next person on a shared computer
    would get in as them; anyone else gets Django's sign-out, as before."""
    if signed_in_through_proconnect(request):
        return LogoutView.as_view()(request)
    return auth_views.LogoutView.as_view()(request)


def proconnect_logout_return(request):
    """Where ProConnect sends the browser once its session is ended (the
    post_logout_redirect_uri). The Évalis session ended before leaving: this page checks the
    `state` and says what happened. Being a GET, it signs nobody out: a link to it must not
    be a way to end someone's session."""
    _require_enabled()
    expected = request.session.pop(SESSION_LOGOUT_STATE, None)
    if request.user.is_authenticated:
        # Signed in again meanwhile (another tab), or a link followed: nothing to confirm.
        return redirect(settings.LOGIN_REDIRECT_URL)
    received = request.GET.get("state", "")
    if isinstance(expected, str) and expected and constant_time_compare(expected, received):
        messages.success(
            request, _("Déconnexion terminée : vos sessions Évalis et ProConnect sont fermées.")
        )
    else:
        logger.warning("ProConnect sign-out came back without the state sent")
        messages.warning(
            request,
            _(
                "Votre session Évalis est fermée, mais ProConnect n'a pas confirmé la fin de "
                "la sienne : sur un ordinateur partagé, fermez le navigateur."
            ),
        )
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def proconnect_organisation(request):
    """After a ProConnect login: the organisation of the `siret` claim. A member works in it;
    someone else may ask its managers to be invited; an organisation not registered yet is
    proposed from the registries, created on confirmation."""
    _require_enabled()
    siret = request.session.get(SESSION_SIRET)
    if not isinstance(siret, str) or not siret:
        return redirect("projects:landing")
    organisations = Organisation.objects.filter(Q(siret=siret) | Q(siret=siret[:9]))
    mine = organisations.filter(memberships__user=request.user).first()
    if mine is not None:
        request.session.pop(SESSION_SIRET, None)
        current_organisation_set(request, mine)
        return redirect("projects:landing")
    existing = organisations.first()
    facts, problem = None, ""
    if existing is None:
        try:
            facts = company_lookup(siret)
        except (ServiceError, ValidationError) as error:
            problem = getattr(error, "message", "") or " ".join(error.messages)
    if request.method == "POST":
        request.session.pop(SESSION_SIRET, None)
        if existing is not None:
            organisation_join_request(
                organisation=existing,
                email=request.user.email,
                full_name=request.user.full_name,
                link=request.build_absolute_uri(
                    reverse("accounts:organisation_members", args=[existing.pk])
                ),
            )
            messages.info(
                request,
                _(
                    "Les gestionnaires de « %(name)s » sont prévenus : leur invitation vous "
                    "arrivera par e-mail."
                )
                % {"name": existing.name},
            )
            return redirect("projects:landing")
        if facts is not None:
            organisation = organisation_create_from_registries(
                user=request.user, siret=siret, facts=facts
            )
            current_organisation_set(request, organisation)
            messages.success(
                request,
                _("« %(name)s » est créée : vous en êtes porteur de projet.")
                % {"name": organisation.name},
            )
        return redirect("projects:landing")
    return render(
        request,
        "accounts/proconnect_organisation.html",
        {"siret": siret, "existing": existing, "facts": facts, "problem": problem},
    )
