"""Pages anyone may open: the open calls, a call's page, an invitation's link."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import allowed, require
from accounts.web import attempt
from grid.selectors import grid_version_detail, version_summary
from projects import services
from projects.forms import (
    CallFilterForm,
    InvitationAcceptForm,
)
from projects.models import (
    Call,
)
from projects.selectors.calls import calls_open
from projects.selectors.search import search_calls
from projects.selectors.submissions import projects_for_holder


def call_list(request):
    """Open calls, searchable and filterable by région or département."""
    form = CallFilterForm(request.GET or None)
    filters = form.filters()
    calls = search_calls(
        calls_open(region=filters.get("region"), departement=filters.get("departement")),
        filters.get("q", ""),
    )
    return render(
        request,
        "projects/calls/call_list.html",
        {"form": form, "calls": calls, "now": timezone.now()},
    )


def call_detail(request, pk):
    """A call's page with its territory, dates and grid. Drafts: their funder and admins only."""
    call = get_object_or_404(Call.objects.select_related("funder", "grid_version"), pk=pk)
    require(request, "projects.view_call", call)
    version = grid_version_detail(version_id=call.grid_version_id)
    can_apply = allowed(request, "projects.start_project", call)
    return render(
        request,
        "projects/calls/call_detail.html",
        {
            "call": call,
            "version": version,
            "summary": version_summary(version),
            "can_apply": can_apply,
            "own_projects": projects_for_holder(user=request.user).filter(call=call)
            if can_apply
            else [],
            "can_manage": allowed(request, "projects.manage_call", call),
        },
    )


def invitation_accept(request, token):
    """The link of an invitation email: a signed-in user accepts; anyone else creates their
    account for the invited address."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(
            request, "projects/reviewing/invitation_accept.html", {"invalid": True}, status=404
        )
    user = request.user if request.user.is_authenticated else None
    form = None if user else InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and (user or form.is_valid()):
        done, _user = attempt(
            request,
            services.invitation_accept,
            success=_("Bienvenue parmi les évaluateurs de l'appel."),
            invitation=invitation,
            user=user,
            **({} if user else form.cleaned_data),
        )
        if done:
            return redirect("projects:review_list" if user else "accounts:login")
    return render(
        request,
        "projects/reviewing/invitation_accept.html",
        {"invitation": invitation, "form": form},
    )
