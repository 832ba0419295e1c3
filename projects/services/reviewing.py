"""A reviewer's work: the review, its submission, and conflicts and recusals."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from accounts.services import audit_record, audited_update
from grid.models import Criterion
from projects.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Assignment,
    AssignmentState,
    CallStatus,
    Project,
)
from projects.scoring import comment_required
from projects.services.assessments import (
    NEW_ASSESSMENT,
    STALE_MESSAGE,
    StaleAssessment,
    assessment_save_scores,
    assessment_submit,
    unanswered_problems,
)
from projects.services.summaries import refreshes_deferred

REVIEW_FIELDS = ("opinion", "strengths", "weaknesses", "recommended_amount")
REVIEW_LOCKED_MESSAGE = _lazy(
    "Vous avez vu les notes des autres évaluateurs : votre évaluation soumise est verrouillée "
    "(anti-ancrage). Pour la modifier, demandez au financeur de la rouvrir."
)


def review_locked(assignment: Assignment | None, assessment: Assessment | None) -> bool:
    """A submitted review whose author has been shown the other reviewers' scores."""
    return bool(
        assignment is not None
        and assignment.others_seen_at
        and assessment is not None
        and assessment.is_submitted
    )


def review_mark_others_seen(*, project: Project, reviewer: User, now=None) -> bool:
    """Record, once, that the reviewer has been shown the other reviewers' scores of the
    project (anti-anchoring: their submitted review is locked from then on). True the first
    time."""
    now = now or timezone.now()
    with transaction.atomic():
        marked = Assignment.objects.filter(
            project=project, reviewer=reviewer, others_seen_at__isnull=True
        ).update(others_seen_at=now)
        if marked:
            assignment = Assignment.objects.get(project=project, reviewer=reviewer)
            audit_record(
                actor=reviewer,
                action="review.others_seen",
                obj=assignment,
                after={"others_seen_at": now},
            )
    return bool(marked)


@transaction.atomic
def review_reopen(*, assignment: Assignment, by: User, now=None) -> Assignment:
    """A call manager reopens a locked review: it becomes a draft again, its author may change
    it (without the others' scores under "after own submission") and submits it again. The
    journal keeps the total it had."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    review = Assessment.objects.reviews().filter(
        project_id=assignment.project_id, author_id=assignment.reviewer_id
    )
    review = review.select_for_update().first()
    if not review_locked(assignment, review):
        raise ValidationError(_("Cette évaluation n'est pas verrouillée."), code="not_locked")
    before = {"total": review.total, "others_seen_at": assignment.others_seen_at}
    review.status = AssessmentStatus.DRAFT
    review.submitted_at = None
    review.row_version += 1
    review.save(update_fields=["status", "submitted_at", "row_version", "updated_at"])
    assignment.others_seen_at = None
    assignment.reopened_at = now or timezone.now()
    assignment.state = AssignmentState.ASSIGNED
    assignment.save(update_fields=["others_seen_at", "reopened_at", "state"])
    audit_record(actor=by, action="review.reopen", obj=assignment, before=before)
    return assignment


def review_problems(assessment: Assessment) -> list[str]:
    """What prevents submitting a review: unanswered criteria, unjustified low scores, no
    overall opinion."""
    criteria = {c.pk: c for c in Criterion.objects.filter(version_id=assessment.grid_version_id)}
    scores = list(assessment.scores.all())
    problems = unanswered_problems(
        criteria.values(), {score.criterion_id for score in scores}, review=True
    )
    unjustified = sorted(
        criteria[score.criterion_id].code
        for score in scores
        if comment_required(criteria[score.criterion_id], score.value) and not score.comment.strip()
    )
    if unjustified:
        problems.append(
            _("Justifiez les notes basses : %(codes)s.") % {"codes": ", ".join(unjustified)}
        )
    if not assessment.opinion:
        problems.append(_("Donnez un avis global."))
    return problems


def _active_assignment(project: Project, reviewer: User) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update().filter(project=project, reviewer=reviewer).first()
    )
    if assignment is None or assignment.state not in ACTIVE_ASSIGNMENT_STATES:
        raise ValidationError(_("Ce projet ne vous est pas (ou plus) assigné."), code="assignment")
    return assignment


@transaction.atomic
def review_save(
    *,
    project: Project,
    by: User,
    scores: Mapping[int, tuple[int | None, str]],
    fields: Mapping,
    row_version: int | None,
    assessment: Assessment | None = None,
    now=None,
) -> Assessment:
    """Save a reviewer's scores and overall opinion (submitting is `review_submit`'s).

    `row_version` is the version of the review the form was loaded with (NEW_ASSESSMENT when
    there was none yet): the assignment row is locked, then the review is read again, so a
    double submission or another tab's save is refused as stale whichever request came first,
    and the first save creates the review. `assessment` (the caller's copy) is not trusted for
    that. A submitted review stays editable while the call is in review, until its author has
    read the other reviewers' scores (`review_locked_problem`); it is re-submitted, never
    turned back into a draft."""
    if project.call.status != CallStatus.REVIEW:
        raise ValidationError(_("L'appel n'est pas en évaluation : les notes sont figées."))
    # Row lock: one save at a time per reviewer and project.
    assignment = _active_assignment(project, by)
    assessment = Assessment.objects.reviews().filter(project=project, author=by).first()
    if assessment is not None and assessment.is_submitted and assignment.others_seen_at:
        raise ValidationError(REVIEW_LOCKED_MESSAGE, code="locked")
    if assessment is None:
        if row_version != NEW_ASSESSMENT:
            raise StaleAssessment(STALE_MESSAGE, code="stale")
        assessment = Assessment.objects.create(
            project=project,
            author=by,
            kind=AssessmentKind.REVIEW,
            grid_version_id=project.call.grid_version_id,
        )
        row_version = assessment.row_version
    with refreshes_deferred():  # the scores, then the fields: one refresh of the project
        return _review_write(assessment, scores, fields, by=by, row_version=row_version, now=now)


def _review_write(assessment, scores, fields, *, by, row_version, now) -> Assessment:
    assessment = assessment_save_scores(
        assessment=assessment, scores=scores, by=by, row_version=row_version
    )
    for name in REVIEW_FIELDS:
        if name in fields:
            setattr(assessment, name, fields[name] if fields[name] is not None else "")
    if assessment.recommended_amount == "":
        assessment.recommended_amount = None
    # Totals may be empty (nothing scored yet): they are computed, not typed. The check
    # constraints are the database's to enforce; the fields' own validation is enough here.
    assessment.full_clean(
        exclude=[
            "project",
            "author",
            "grid_version",
            "total",
            "total_numerator",
            "total_denominator",
            "core_total",
        ],
        validate_constraints=False,
    )
    if assessment.is_submitted:
        # An edit must not leave a submitted review incomplete: refused as a whole. Its totals
        # were just recomputed from the scores saved above; it is re-submitted as it stands.
        problems = review_problems(assessment)
        if problems:
            raise ValidationError(problems, code="incomplete")
        assessment.submitted_at = now or timezone.now()
    assessment.save()
    return assessment


@transaction.atomic
def review_submit(*, assessment: Assessment, by: User, now=None) -> Assessment:
    """Submit a complete review and mark the assignment done. Refusals leave the saved draft
    as it is."""
    assessment = Assessment.objects.select_related("project__call").get(pk=assessment.pk)
    if assessment.author_id != by.pk or assessment.kind != AssessmentKind.REVIEW:
        raise ValidationError(_("Seul son auteur soumet une évaluation."))
    if assessment.project.call.status != CallStatus.REVIEW:
        raise ValidationError(_("L'appel n'est pas en évaluation : les notes sont figées."))
    assignment = _active_assignment(assessment.project, by)
    problems = review_problems(assessment)
    if problems:
        raise ValidationError(problems, code="incomplete")
    assessment = assessment_submit(assessment=assessment, by=by, now=now)
    assignment.state = AssignmentState.DONE
    assignment.save(update_fields=["state"])
    return assessment


@transaction.atomic
def assignment_declare_conflict(
    *, assignment: Assignment, reason: str, by: User, ip=None
) -> Assignment:
    """The reviewer declares a conflict of interest, at any time after the assignment until
    the call is decided: the project leaves their list and their assessment leaves every
    aggregate."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Expliquez la nature du conflit d'intérêts.")})
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("project__call")
        .get(pk=assignment.pk)
    )
    if assignment.reviewer_id != by.pk:
        raise ValidationError(_("Seul l'évaluateur assigné peut déclarer un conflit."))
    if assignment.project.call.is_decided:
        raise ValidationError(_("L'appel est décidé : les assignations sont closes."))
    return audited_update(
        obj=assignment,
        by=by,
        action="assignment.conflict",
        ip=ip,
        state=AssignmentState.CONFLICT,
        conflict_reason=reason[:2000],
    )


@transaction.atomic
def assignment_recuse(*, assignment: Assignment, by: User, ip=None) -> Assignment:
    """A call manager withdraws a reviewer from a project; their assessment stops counting."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.state == AssignmentState.RECUSED:
        raise ValidationError(_("Cet évaluateur est déjà récusé pour ce projet."))
    return audited_update(
        obj=assignment, by=by, action="assignment.recuse", ip=ip, state=AssignmentState.RECUSED
    )
