"""Permission predicates for calls, projects, attachments and self-assessments (design §5).

Every view, download and partial asks these through has_perm. Organisation ids per role are
read once per user object, so a list page checking many objects costs one query.
"""

import rules

from accounts.models import Role
from accounts.rules import is_administrator, is_funder, is_holder, is_reviewer


def organisation_ids(user, role: str) -> frozenset[int]:
    """Ids of the organisations where `user` has `role`, cached on the user object."""
    if not (user and user.is_authenticated):
        return frozenset()
    cache = getattr(user, "_organisation_ids_cache", None)
    if cache is None:
        cache = {}
        for organisation_id, member_role in user.memberships.values_list("organisation_id", "role"):
            cache.setdefault(member_role, set()).add(organisation_id)
        cache = {key: frozenset(value) for key, value in cache.items()}
        user._organisation_ids_cache = cache
    return cache.get(role, frozenset())


@rules.predicate
def is_call_funder(user, call):
    """A funder member of the organisation that runs the call."""
    return call is not None and call.funder_id in organisation_ids(user, Role.FUNDER)


@rules.predicate
def is_call_published(user, call):
    return call is not None and not call.is_draft


@rules.predicate
def is_project_organisation_holder(user, project):
    """A holder member of the project's organisation: sees its projects."""
    return project is not None and project.organisation_id in organisation_ids(user, Role.HOLDER)


@rules.predicate
def is_project_editor(user, project):
    """The project's owner or one of the co-holders it invited, still in the organisation."""
    if project is None or not (user and user.is_authenticated):
        return False
    if project.organisation_id not in organisation_ids(user, Role.HOLDER):
        return False
    return project.owner_id == user.pk or project.co_holders.filter(pk=user.pk).exists()


@rules.predicate
def is_project_owner(user, project):
    return project is not None and bool(user and user.pk == project.owner_id)


@rules.predicate
def is_project_call_funder(user, project):
    """The funder of the call, once the project has been submitted (drafts stay private)."""
    return (
        project is not None
        and not project.is_draft
        and project.call.funder_id in organisation_ids(user, Role.FUNDER)
    )


# Calls are created by a funder's members, in their organisation's name.
rules.add_perm("projects.add_call", is_funder)
rules.add_perm("projects.list_calls", is_funder | is_administrator)
rules.add_perm("projects.view_call", is_call_published | is_administrator | is_call_funder)
rules.add_perm("projects.manage_call", is_administrator | is_call_funder)
rules.add_perm("projects.change_call", is_administrator | is_call_funder)
rules.add_perm("projects.apply_call", is_holder & is_call_published)

rules.add_perm("projects.list_projects", is_holder | is_administrator)
rules.add_perm(
    "projects.view_project",
    is_administrator | is_project_organisation_holder | is_project_call_funder,
)
rules.add_perm("projects.change_project", is_project_editor)
rules.add_perm("projects.manage_coholders", is_project_owner & is_project_editor)
# Attachments are downloaded under "projects.view_project": one predicate for the project and
# its files, so a file can never be more visible than its project.

# Dashboards (issue 7): a call's figures are its funder's and administrators'; the territory
# dashboard is open to every funder and administrator, its figures restricted to the calls the
# viewer may manage (projects.dashboards.visible_call_ids).
rules.add_perm("projects.view_call_dashboard", is_administrator | is_call_funder)
rules.add_perm("projects.view_territory_dashboard", is_funder | is_administrator)

# --- Reviewing ------------------------------------------------------------------------------


def _remembered(user, key, compute):
    """`compute()`'s answer, kept on the user object for the request: a page asks several
    permissions about the same project, each answer costs a query."""
    answers = user.__dict__.setdefault("_project_answers", {})
    if key not in answers:
        answers[key] = compute()
    return answers[key]


@rules.predicate
def is_project_reviewer(user, project):
    """A reviewer the project is assigned to, who has not declared a conflict nor been
    recused: reviewers see nothing else. One small query about this project (a reviewer may
    have thousands of assignments: they are not all loaded)."""
    if project is None or not (user and user.is_authenticated):
        return False
    from projects.models import Assignment

    return _remembered(
        user,
        ("reviews", project.pk),
        lambda: Assignment.objects.active().filter(reviewer=user, project_id=project.pk).exists(),
    )


@rules.predicate
def is_call_in_review(user, project):
    from projects.models import CallStatus

    return project is not None and project.call.status == CallStatus.REVIEW


rules.add_perm("projects.list_reviews", is_reviewer)
rules.add_perm("projects.view_review", is_project_reviewer)
# Scores change only while the call is in review; submitted reviews stay editable until then.
rules.add_perm("projects.review_project", is_project_reviewer & is_call_in_review)
rules.add_perm("projects.declare_conflict", is_project_reviewer & is_call_in_review)
rules.add_perm("projects.decide_project", is_administrator | is_project_call_funder)


@rules.predicate
def sees_other_reviews(user, project):
    """A reviewer of the project whom the call's visibility policy lets read the other
    reviewers' scores (never; after submitting their own review; always): anti-anchoring."""
    if not is_project_reviewer(user, project):
        return False
    from projects.models import Assessment
    from projects.selectors import others_visible

    own_submitted = _remembered(
        user,
        ("submitted", project.pk),
        lambda: (
            Assessment.objects.reviews().submitted().filter(project=project, author=user).exists()
        ),
    )
    return others_visible(call=project.call, own_submitted=own_submitted)


# The project analysis and each reviewer's scores have one audience today: the call's
# managers, and the project's reviewers once the visibility policy lets them see the others
# (names anonymised for them). Two permissions, so that the pages can tell them apart later.
analysis_readers = is_administrator | is_project_call_funder | sees_other_reviews
rules.add_perm("projects.view_project_analysis", analysis_readers)
rules.add_perm("projects.view_reviewer_scores", analysis_readers)
