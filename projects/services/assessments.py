"""Scores and their stored totals, for self-assessments and reviews alike."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from accounts.services import audit_record
from grid.models import Criterion
from projects import scoring
from projects.models import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Project,
    Score,
)

# The row version a form carries when it was loaded before the assessment existed: the first
# save is checked like any other, so two first saves cannot both succeed.
NEW_ASSESSMENT = 0

STALE_MESSAGE = _lazy(
    "Quelqu'un a enregistré cette évaluation entre-temps : rien n'a été écrasé. Vérifiez la "
    "version enregistrée ; vos saisies sont conservées dans le formulaire, renvoyez-le pour "
    "les enregistrer à sa place."
)


@transaction.atomic
def self_assessment_get_or_create(*, project: Project, by: User) -> Assessment:
    """The project's single self-assessment, authored in the owner's name whoever edits it."""
    assessment, created = Assessment.objects.get_or_create(
        project=project,
        kind=AssessmentKind.SELF,
        defaults={"author_id": project.owner_id, "grid_version_id": project.call.grid_version_id},
    )
    if created:
        audit_record(actor=by, action="self_assessment.start", obj=project)
    return assessment


@transaction.atomic
def self_assessment_save(
    *,
    project: Project,
    by: User,
    scores: Mapping[int, tuple[int | None, str]],
    row_version: int | None,
) -> Assessment:
    """Save the project's self-assessment, creating it on its first save.

    The project row is locked first, so that two co-holders saving at once take turns: the
    first creates and saves it, the second finds it saved since its form was loaded
    (`row_version` NEW_ASSESSMENT, or an older one) and is refused, never told "saved" while
    its answers are dropped."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    assessment = project.assessments.self_assessments().first()
    if assessment is None:
        if row_version != NEW_ASSESSMENT:
            raise StaleAssessment(STALE_MESSAGE, code="stale")
        assessment = self_assessment_get_or_create(project=project, by=by)
        row_version = assessment.row_version
    return assessment_save_scores(
        assessment=assessment, scores=scores, by=by, row_version=row_version
    )


def assessment_recompute(*, assessment: Assessment, criteria=None, values=None) -> Assessment:
    """Recompute the stored totals from the raw scores (the one scoring function).

    `criteria` (the version's) and `values` (criterion id → value) may be given by a caller
    that has just written them; otherwise they are read from the database."""
    if criteria is None:
        criteria = Criterion.objects.filter(version_id=assessment.grid_version_id)
    if values is None:
        values = dict(assessment.scores.values_list("criterion_id", "value"))
    summary = scoring.summarise(criteria, values)
    assessment.total = summary.total
    assessment.exact_total = summary.exact_total
    assessment.core_total = summary.core_total
    assessment.scored_count = summary.scored
    assessment.core_scored_count = summary.core_scored
    return assessment


class StaleAssessment(ValidationError):
    """Someone saved the assessment since the form was loaded."""


def _require_author(assessment: Assessment, by: User) -> None:
    if by.pk == assessment.author_id:
        return
    if (
        assessment.kind == AssessmentKind.SELF
        and assessment.project.co_holders.filter(pk=by.pk).exists()
    ):
        return
    raise ValidationError(_("Seul son auteur modifie cette évaluation."), code="author")


@transaction.atomic
def assessment_save_scores(
    *,
    assessment: Assessment,
    scores: Mapping[int, tuple[int | None, str]],
    by: User,
    row_version: int | None,
) -> Assessment:
    """Save scores (criterion id → (value or None for N/A, comment)) and the recomputed totals.

    Values outside the criterion's scale, N/A where the criterion forbids it and criteria from
    another grid version are refused. `row_version` is the version the writer read: required,
    and anything but the current one (None included) is refused as a concurrent save rather
    than overwriting it. Only the review's author, or the project's holders for its
    self-assessment, write its scores."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_author(assessment, by)
    if row_version is None or row_version != assessment.row_version:
        raise StaleAssessment(STALE_MESSAGE, code="stale")
    if assessment.kind == AssessmentKind.SELF and (
        assessment.is_submitted or not assessment.project.is_draft
    ):
        raise ValidationError(
            _("Le projet est déposé : son auto-évaluation ne change plus."), code="locked"
        )
    criteria = {c.pk: c for c in Criterion.objects.filter(version_id=assessment.grid_version_id)}
    errors = []
    for criterion_id, (value, _comment) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors.append(_("Critère inconnu pour cette version de la grille."))
        elif value is None and not criterion.allows_not_applicable:
            errors.append(
                _("%(code)s : « sans objet » n'est pas possible pour ce critère.")
                % {"code": criterion.code}
            )
        elif value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            errors.append(
                _("%(code)s : la note doit être comprise entre %(min)s et %(max)s.")
                % {"code": criterion.code, "min": criterion.scale_min, "max": criterion.scale_max}
            )
    if errors:
        raise ValidationError(errors, code="scores")
    existing = {score.criterion_id: score for score in assessment.scores.all()}
    to_create, to_update = [], []
    for criterion_id, (value, comment) in scores.items():
        criterion = criteria[criterion_id]
        score = existing.get(criterion_id)
        if score is None:
            to_create.append(
                Score(
                    assessment=assessment,
                    criterion=criterion,
                    value=value,
                    comment=comment,
                    scale_min=criterion.scale_min,
                    scale_max=criterion.scale_max,
                )
            )
        else:
            score.value, score.comment = value, comment
            to_update.append(score)
    Score.objects.bulk_create(to_create)
    Score.objects.bulk_update(to_update, ["value", "comment"])
    # The totals of exactly what was just written (check_assessment_totals proves them).
    values = {criterion_id: score.value for criterion_id, score in existing.items()}
    values.update({criterion_id: value for criterion_id, (value, _c) in scores.items()})
    assessment_recompute(assessment=assessment, criteria=criteria.values(), values=values)
    assessment.row_version += 1
    assessment.save()
    return assessment


def unanswered_problems(criteria, answered: set[int], *, review: bool = False) -> list[str]:
    """Problems of an assessment whose answered criteria are `answered`: each criterion needs
    a level, or "sans objet" where allowed."""
    missing = [
        criterion.code
        for criterion in sorted(criteria, key=lambda c: (c.position, c.code))
        if criterion.pk not in answered
    ]
    if not missing:
        return []
    message = (
        _("Évaluation incomplète : critères sans réponse %(codes)s.")
        if review
        else _("Auto-évaluation incomplète : critères sans réponse %(codes)s.")
    )
    return [message % {"codes": ", ".join(missing)}]


def self_assessment_problems(assessment: Assessment) -> list[str]:
    """Criteria still unanswered: each needs a level, or "sans objet" where allowed."""
    # A score row exists once the criterion is answered; NULL in it is an explicit "sans objet".
    return unanswered_problems(
        Criterion.objects.filter(version_id=assessment.grid_version_id),
        set(assessment.scores.values_list("criterion_id", flat=True)),
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User, now=None) -> Assessment:
    """Mark a complete assessment as submitted, its totals recomputed from its scores."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    problems = self_assessment_problems(assessment)
    if problems:
        raise ValidationError(problems, code="incomplete")
    assessment_recompute(assessment=assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now or timezone.now()
    assessment.row_version += 1
    assessment.save()
    audit_record(
        actor=by,
        action=f"assessment.submit_{assessment.kind}",
        obj=assessment,
        after={"total": assessment.total},
    )
    return assessment


def stored_totals_match(assessment: Assessment) -> bool:
    """Invariant: the stored totals equal a fresh computation from the raw scores."""
    fresh = assessment_recompute(assessment=Assessment.objects.get(pk=assessment.pk))
    return (
        fresh.total,
        fresh.exact_total,
        fresh.core_total,
        fresh.scored_count,
        fresh.core_scored_count,
    ) == (
        assessment.total,
        assessment.exact_total,
        assessment.core_total,
        assessment.scored_count,
        assessment.core_scored_count,
    )
