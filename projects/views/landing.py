"""Where each person lands after logging in: their own work, by role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from accounts.models import Role
from accounts.permissions import allowed, require
from accounts.web import current_organisation

# The page each role works from, in the order a person with several roles in the same
# organisation is sent: a funder's calls, a reviewer's projects to review with their due
# dates, a holder's projects with their next steps.
LANDING_BY_ROLE = (
    (Role.FUNDER, "projects:funder_call_list"),
    (Role.REVIEWER, "projects:review_list"),
    (Role.HOLDER, "projects:project_list"),
)


@login_required
def landing(request):
    require(request, "accounts.view_profile")
    if allowed(request, "accounts.administer_platform"):
        return redirect("grid:grid_list")
    organisation = current_organisation(request)
    roles = (
        set(
            request.user.memberships.filter(organisation=organisation).values_list(
                "role", flat=True
            )
        )
        if organisation is not None
        else set()
    )
    for role, view in LANDING_BY_ROLE:
        if role in roles:
            return redirect(view)
    return redirect("accounts:profile")
