from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.forms import HolderSignupForm, LoginForm, NotificationsForm, OrganisationForm
from accounts.models import Organisation, User
from accounts.permissions import login_name, require
from accounts.services import holder_signup, organisation_update, user_set_notifications


class UnlockingPasswordResetConfirmView(PasswordResetConfirmView):
    """Choosing a new password through the e-mailed link also lifts a login lockout
    (django-axes) on the account: the unlock path the lockout page offers."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=login_name(self.request, {"username": form.user.email}))
        return response


class EmailLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def signup(request):
    """Sign-up for project holders: an account and its organisation."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = HolderSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = holder_signup(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                organisation_name=data["organisation_name"],
                legal_form=data["legal_form"],
                siret=data["siret"],
                commune=data["commune"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Bienvenue ! Votre compte et votre structure sont créés."))
            return redirect("accounts:profile")
    duplicate = form.is_bound and (
        form.has_error("email", "duplicate") or form.has_error(None, "duplicate")
    )
    if duplicate:
        # A double click on "Créer mon compte": the first request created the account with
        # this very password, so the second one signs in like the first instead of failing.
        user = authenticate(
            request, username=request.POST.get("email", ""), password=request.POST.get("password1")
        )
        if user is not None:
            login(request, user)
            return redirect("accounts:profile")
    return render(request, "accounts/signup.html", {"form": form})


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
    return render(
        request, "accounts/profile.html", {"memberships": memberships, "notifications_form": form}
    )


@login_required
def organisation_edit(request, pk):
    organisation = get_object_or_404(Organisation.objects.select_related("commune"), pk=pk)
    require(request, "accounts.change_organisation", organisation)
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
