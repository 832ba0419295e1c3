"""ProConnect login: the way out to the provider, the way back, and the page linking the
person to the organisation whose SIRET ProConnect asserted. Every page answers 404 while
ProConnect is not configured."""

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.companies import company_lookup, organisation_create_from_registries
from accounts.membership import organisation_join_request
from accounts.models import Organisation
from accounts.outgoing import ServiceError
from accounts.proconnect import SESSION_SIRET
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
