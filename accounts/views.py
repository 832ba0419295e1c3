from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.forms import (
    HolderSignupForm,
    LoginForm,
    NotificationsForm,
    OrganisationChoiceForm,
    OrganisationForm,
)
from accounts.membership import organisation_join_request
from accounts.models import Organisation, User
from accounts.onboarding import signup_confirm as signup_confirm_service
from accounts.onboarding import signup_request, signup_request_from_token
from accounts.permissions import login_name, require
from accounts.services import organisation_update, user_set_language, user_set_notifications
from accounts.throttle import throttle_message, throttle_wait
from accounts.web import SIRET_LOOKUP, attempt, current_organisation, siret_lookup_form


@require_POST
def set_language(request):
    """The language switcher: Django's view sets the cookie and sends back to `next`; a
    signed-in person's account remembers the choice too (pages and e-mails). A language the
    site does not offer changes nothing (Django's view would accept any it has files for)."""
    language = request.POST.get("language")
    if language not in {code for code, _name in settings.LANGUAGES}:
        target = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(target if safe else "home")
    response = django_set_language(request)
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return response


class UnlockingPasswordResetConfirmView(PasswordResetConfirmView):
    """Choosing a new password through the e-mailed link also lifts a login lockout
    (django-axes) on the account: the unlock path the lockout page offers."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=login_name(self.request, {"username": form.user.email}))
        return response


class ThrottledPasswordResetView(PasswordResetView):
    """The password reset, throttled per address typed and per client address; the answer
    is the same whether or not the address has an account."""

    def form_valid(self, form):
        wait = throttle_wait(
            self.request, action="password_reset", email=form.cleaned_data["email"]
        )
        if wait:
            form.add_error(None, throttle_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class EmailLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """A language chosen with the switcher before signing in (its cookie) is the person's
        latest explicit choice: it becomes the account's."""
        response = super().form_valid(form)
        chosen = self.request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in {code for code, _name in settings.LANGUAGES}:
            user_set_language(user=self.request.user, language=chosen)
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "proconnect": settings.PROCONNECT_ENABLED}


def _signup_links(request):
    """The absolute addresses the sign-up e-mails carry (the host is one ALLOWED_HOSTS
    accepted)."""

    def links(token):
        result = {
            "login": request.build_absolute_uri(reverse("accounts:login")),
            "password_reset": request.build_absolute_uri(reverse("accounts:password_reset")),
        }
        if token:
            result["confirm"] = request.build_absolute_uri(
                reverse("accounts:signup_confirm", args=[token])
            )
        return result

    return links


def signup(request):
    """Sign-up for project holders. Whatever the address, the answer is the same page: the
    e-mail sent says what follows (confirm the address, or log in to the existing account)."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    if request.method == "POST" and SIRET_LOOKUP in request.POST:
        form, message, facts = siret_lookup_form(
            request, HolderSignupForm, names={"name": "organisation_name"}
        )
        return render(
            request,
            "accounts/signup.html",
            {"form": form, "siret_message": message, "siret_facts": facts},
        )
    form = HolderSignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wait = throttle_wait(request, action="signup", email=data["email"])
        if wait:
            form.add_error(None, throttle_message(wait))
            status = 429
        elif form.existing_organisation is not None:
            organisation_join_request(
                organisation=form.existing_organisation,
                email=data["email"],
                full_name=data["full_name"],
                link=request.build_absolute_uri(
                    reverse("accounts:organisation_members", args=[form.existing_organisation.pk])
                ),
            )
            messages.info(
                request,
                _(
                    "Les gestionnaires de « %(organisation)s » sont prévenus : leur invitation "
                    "vous arrivera par e-mail."
                )
                % {"organisation": form.existing_organisation.name},
            )
            return redirect("accounts:signup_sent")
        else:
            ok, _request = attempt(
                request,
                signup_request,
                form=form,
                key=data["once"],
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                organisation_name=data["organisation_name"],
                legal_form=data["legal_form"],
                siret=data["siret"],
                commune=data["commune"],
                links=_signup_links(request),
            )
            if ok:
                return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def signup_sent(request):
    """The one answer to every sign-up."""
    return render(request, "accounts/signup_sent.html")


def signup_confirm(request, token):
    """The link of the confirmation e-mail. Opening it shows a button (mail scanners that open
    links must not use up the single-use link); pressing it creates the account and signs in."""
    pending = signup_request_from_token(token)
    if pending is None:
        return render(request, "accounts/signup_confirm.html", {"invalid": True}, status=404)
    if request.method == "POST":
        done, user = attempt(request, signup_confirm_service, request=pending)
        if done:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Votre adresse est confirmée : votre compte et votre structure sont créés. "
                    "Prochaine étape : choisir un appel ouvert et décrire votre projet."
                ),
            )
            return redirect("projects:landing")
        return redirect("accounts:login")
    return render(request, "accounts/signup_confirm.html", {"pending": pending})


@login_required
def profile(request):
    require(request, "accounts.view_profile")
    memberships = request.user.memberships.select_related("organisation__commune").order_by(
        "organisation__name", "role"
    )
    # An unbound copy: a refused form must not change the user shown elsewhere on the page.
    form = NotificationsForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        user_set_notifications(user=request.user, **form.cleaned_data)
        messages.success(request, _("Vos préférences d'e-mails sont enregistrées."))
        return redirect("accounts:profile")
    organisations = list(
        {membership.organisation.pk: membership.organisation for membership in memberships}.values()
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "notifications_form": form,
            "current_organisation": current_organisation(request),
            "switch_form": (
                OrganisationChoiceForm(organisations=organisations)
                if len(organisations) > 1
                else None
            ),
        },
    )


@login_required
def organisation_edit(request, pk):
    organisation = get_object_or_404(Organisation.objects.select_related("commune"), pk=pk)
    require(request, "accounts.change_organisation", organisation)
    if request.method == "POST" and SIRET_LOOKUP in request.POST:
        form, message, facts = siret_lookup_form(request, OrganisationForm)
        return render(
            request,
            "accounts/organisation_form.html",
            {
                "form": form,
                "organisation": organisation,
                "siret_message": message,
                "siret_facts": facts,
            },
        )
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(
                organisation=Organisation.objects.get(pk=organisation.pk), data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Les informations de la structure sont enregistrées."))
            return redirect("accounts:profile")
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )
