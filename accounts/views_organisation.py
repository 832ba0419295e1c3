"""An organisation's members: invitations by e-mail, roles, removal; and which organisation a
person works in now when they belong to several."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import InvitationForm, NewAccountForm, OrganisationChoiceForm, RoleForm
from accounts.membership import (
    invitation_from_token,
    membership_remove,
    membership_set_role,
    organisation_invitation_accept,
    organisation_invitation_cancel,
    organisation_invite,
    organisation_roles,
)
from accounts.models import Membership, Organisation, OrganisationInvitation
from accounts.permissions import require
from accounts.services import client_ip
from accounts.web import attempt, current_organisation_set


def _managed(request, pk) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    require(request, "accounts.manage_members", organisation)
    return organisation


@login_required
def organisation_members(request, pk):
    """Members, their roles, pending invitations; the form to invite a colleague."""
    organisation = _managed(request, pk)
    roles = organisation_roles(organisation)
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        done, _invitation = attempt(
            request,
            organisation_invite,
            form=form,
            field="email",
            success=_("L'invitation est envoyée à %(email)s.")
            % {"email": form.cleaned_data["email"]},
            organisation=organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=request.user,
            key=form.cleaned_data["once"],
            ip=client_ip(request),
            link=lambda token: request.build_absolute_uri(
                reverse("accounts:organisation_invitation_accept", args=[token])
            ),
        )
        if done:
            return redirect("accounts:organisation_members", pk=organisation.pk)
    memberships = organisation.memberships.select_related("user").order_by(
        "user__full_name", "user__email", "role"
    )
    invitations = organisation.invitations.filter(
        accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("invited_by")
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organisation": organisation,
            "members": [(m, RoleForm(initial={"role": m.role}, roles=roles)) for m in memberships],
            "invitations": invitations,
            "form": form,
            "several_roles": len(roles) > 1,
        },
    )


@login_required
@require_POST
def membership_role(request, pk, membership_pk):
    organisation = _managed(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    form = RoleForm(request.POST, roles=organisation_roles(organisation))
    if form.is_valid():
        attempt(
            request,
            membership_set_role,
            success=_("Le rôle de %(name)s est enregistré.") % {"name": membership.user},
            membership=membership,
            role=form.cleaned_data["role"],
            by=request.user,
            ip=client_ip(request),
        )
    else:
        messages.error(request, _("Choisissez un des rôles proposés."))
    return redirect("accounts:organisation_members", pk=organisation.pk)


@login_required
@require_POST
def membership_delete(request, pk, membership_pk):
    organisation = _managed(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, organisation=organisation)
    attempt(
        request,
        membership_remove,
        success=_("%(name)s ne fait plus partie de la structure.") % {"name": membership.user},
        membership=membership,
        by=request.user,
        ip=client_ip(request),
    )
    if not Membership.objects.filter(user=request.user, organisation=organisation).exists():
        return redirect("accounts:profile")  # a manager who removed their own last role
    return redirect("accounts:organisation_members", pk=organisation.pk)


@login_required
@require_POST
def invitation_cancel(request, pk, invitation_pk):
    organisation = _managed(request, pk)
    invitation = get_object_or_404(
        OrganisationInvitation, pk=invitation_pk, organisation=organisation
    )
    organisation_invitation_cancel(invitation=invitation, by=request.user, ip=client_ip(request))
    messages.success(request, _("L'invitation est annulée : son lien ne sert plus."))
    return redirect("accounts:organisation_members", pk=organisation.pk)


def organisation_invitation_accept_view(request, token):
    """The invitation's link: the invited person, signed in, joins; without an account, they
    create one for the invited address (the link proves it is theirs)."""
    invitation = invitation_from_token(token)
    if invitation is None:
        return render(
            request, "accounts/organisation_invitation.html", {"invalid": True}, status=404
        )
    user = request.user if request.user.is_authenticated else None
    form = None if user else NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (user or form.is_valid()):
        done, member = attempt(
            request,
            organisation_invitation_accept,
            form=form,
            success=_("Vous avez rejoint « %(organisation)s ».")
            % {"organisation": invitation.organisation.name},
            invitation=invitation,
            user=user,
            **({} if user else form.cleaned_data),
        )
        if done:
            if user is None:
                login(request, member, backend="django.contrib.auth.backends.ModelBackend")
            current_organisation_set(request, invitation.organisation)
            return redirect("projects:landing")
    return render(
        request,
        "accounts/organisation_invitation.html",
        {"invitation": invitation, "form": form, "token": token},
    )


@login_required
@require_POST
def organisation_switch(request):
    """Work in another of one's organisations from now on (remembered in the session)."""
    require(request, "accounts.view_profile")
    organisations = Organisation.objects.filter(memberships__user=request.user).distinct()
    form = OrganisationChoiceForm(request.POST, organisations=list(organisations))
    if form.is_valid():
        organisation = form.organisations[form.cleaned_data["organisation"]]
        current_organisation_set(request, organisation)
        messages.success(
            request,
            _("Vous travaillez maintenant pour « %(organisation)s ».")
            % {"organisation": organisation.name},
        )
        return redirect("projects:landing")
    messages.error(request, _("Choisissez une de vos structures."))
    return redirect("accounts:profile")
