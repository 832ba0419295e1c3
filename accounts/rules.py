"""Permission predicates for accounts. Every surface asks these through has_perm."""

import rules

from accounts.models import Role
from accounts.selectors import organisation_ids


@rules.predicate
def is_administrator(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def has_role(role: str):
    @rules.predicate(name=f"has_role_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and role in user.roles)

    return predicate


is_funder = has_role(Role.FUNDER)
is_reviewer = has_role(Role.REVIEWER)
is_holder = has_role(Role.HOLDER)


@rules.predicate
def is_member_of(user, organisation):
    if not (user and user.is_authenticated and organisation is not None):
        return False
    return organisation.memberships.filter(user=user).exists()


# The roles that run an organisation: its funders (call managers) and its holders. A reviewer
# member scores for it and edits nothing of it.
ORGANISATION_MANAGER_ROLES = (Role.FUNDER, Role.HOLDER)


@rules.predicate
def manages_organisation(user, organisation):
    """A member of the organisation in a managing role (one query per request, shared with
    every other predicate that reads the user's organisations)."""
    if organisation is None:
        return False
    return any(
        organisation.pk in organisation_ids(user, role) for role in ORGANISATION_MANAGER_ROLES
    )


rules.add_perm("accounts.view_profile", rules.is_authenticated)
# Platform staff: Django's admin site and the "Administrateur de la plateforme" role.
rules.add_perm("accounts.administer_platform", is_administrator)
rules.add_perm("accounts.change_organisation", is_administrator | manages_organisation)
# The members page: who belongs, their roles, invitations.
rules.add_perm("accounts.manage_members", is_administrator | manages_organisation)
