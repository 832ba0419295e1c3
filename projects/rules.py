"""Permission predicates for calls, projects, reviews, decisions and dashboards (design §5).

Every view, download, partial and template asks these through `accounts.permissions`. The
state rules (a project can be withdrawn, decided; a call accepts projects…) are predicates
too, so that a view or template asks them instead of repeating them; the services enforce the
same model properties.
"""

import rules
from django.utils import timezone

from accounts.models import Role
from accounts.rules import is_administrator, is_funder, is_holder, is_reviewer
from accounts.selectors import organisation_ids
from projects.models import Assessment, Decision
from projects.selectors.reviewing import active_assignment, for_request

# --- Calls ----------------------------------------------------------------------------------


@rules.predicate
def is_call_funder(user, call):
    """A funder member of the organisation that runs the call."""
    return call is not None and call.funder_id in organisation_ids(user, Role.FUNDER)


@rules.predicate
def is_call_published(user, call):
    return call is not None and not call.is_draft


@rules.predicate
def call_accepts_projects(user, call):
    return call is not None and call.accepts_projects(timezone.now())


call_managers = is_administrator | is_call_funder

# Calls are created by a funder's members, in their organisation's name.
rules.add_perm("projects.add_call", is_funder)
rules.add_perm("projects.list_calls", is_funder | is_administrator)
rules.add_perm("projects.view_call", is_call_published | call_managers)
rules.add_perm("projects.manage_call", call_managers)
rules.add_perm("projects.change_call", call_managers)
rules.add_perm("projects.apply_call", is_holder & is_call_published)
rules.add_perm("projects.start_project", is_holder & is_call_published & call_accepts_projects)
rules.add_perm("projects.view_call_dashboard", call_managers)
# The selection committee and the call's journal: its managers only.
rules.add_perm("projects.view_committee", call_managers)
rules.add_perm("projects.view_call_history", call_managers)
# The territory dashboard is open to every funder and administrator; its figures cover the
# calls the viewer manages (projects.selectors.calls.managed_calls).
rules.add_perm("projects.view_territory_dashboard", is_funder | is_administrator)

# --- Projects -------------------------------------------------------------------------------


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


@rules.predicate
def is_project_draft(user, project):
    return project is not None and project.is_draft


@rules.predicate
def is_project_withdrawable(user, project):
    return project is not None and project.is_withdrawable


@rules.predicate
def is_project_decidable(user, project):
    return project is not None and project.is_decidable


# The call's managers, for one of its projects (drafts stay private to their holders).
project_managers = is_administrator | is_project_call_funder

rules.add_perm("projects.list_projects", is_holder | is_administrator)
rules.add_perm("projects.view_project", project_managers | is_project_organisation_holder)
# Attachments are downloaded under "projects.view_project": one predicate for the project and
# its files, so that a file can never be more visible than its project.
rules.add_perm("projects.change_project", is_project_editor)
rules.add_perm("projects.edit_project_draft", is_project_editor & is_project_draft)
rules.add_perm("projects.withdraw_project", is_project_editor & is_project_withdrawable)
rules.add_perm("projects.manage_coholders", is_project_owner & is_project_editor)

# --- Reviewing ------------------------------------------------------------------------------


@rules.predicate
def is_project_reviewer(user, project):
    """A reviewer the project is assigned to, who has not declared a conflict nor been
    recused: reviewers see nothing else. One small query about this project (a reviewer may
    have thousands of assignments: they are not all loaded)."""
    return active_assignment(project=project, user=user) is not None


@rules.predicate
def is_call_in_review(user, project):
    return project is not None and project.call.is_in_review


@rules.predicate
def is_call_undecided(user, project):
    return project is not None and not project.call.is_decided


@rules.predicate
def sees_other_reviews(user, project):
    """A reviewer of the project whom the call's visibility policy lets read the other
    reviewers' scores (never; after submitting their own review; always): anti-anchoring."""
    if not is_project_reviewer(user, project):
        return False
    own_submitted = for_request(
        user,
        ("submitted", project.pk),
        lambda: (
            Assessment.objects.reviews().submitted().filter(project=project, author=user).exists()
        ),
    )
    return project.call.others_visible_to_reviewer(own_submitted=own_submitted)


rules.add_perm("projects.list_reviews", is_reviewer)
rules.add_perm("projects.view_review", is_project_reviewer)
# Scores change only while the call is in review; submitted reviews stay editable until then.
# An assigned reviewer reads the project at any time, and may declare a conflict from the
# assignment on (even before the review opens) until the call is decided.
rules.add_perm("projects.review_project", is_project_reviewer & is_call_in_review)
rules.add_perm("projects.declare_conflict", is_project_reviewer & is_call_undecided)
# The project analysis with each reviewer's scores: the call's managers, and the project's
# reviewers once the visibility policy lets them see the others (anonymised for them).
rules.add_perm("projects.view_project_analysis", project_managers | sees_other_reviews)

# --- Decisions ------------------------------------------------------------------------------


@rules.predicate
def is_decision_published(user, project):
    """The project's decision is published: until then it is a draft of the call's managers.
    One small query (asked of holders only: managers pass before it)."""
    if project is None:
        return False
    return Decision.objects.published().filter(project_id=project.pk).exists()


@rules.predicate
def call_takes_decisions(user, call):
    return call is not None and call.takes_decisions


rules.add_perm("projects.decide_project", project_managers & is_project_decidable)
# Proposed decisions are seen by the call's managers only; holders learn a decision once it is
# published.
rules.add_perm(
    "projects.view_decision",
    project_managers | (is_project_organisation_holder & is_decision_published),
)
rules.add_perm("projects.publish_decisions", call_managers & call_takes_decisions)
