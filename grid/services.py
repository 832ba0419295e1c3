"""Writes to grids. Every change to a version goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.models import Axis, Criterion, GridVersion, ScaleLevel, VersionStatus


class GridVersionLocked(ValidationError):
    """A published (or retired) version was asked to change."""


def _require_draft(version: GridVersion) -> None:
    if not version.is_draft:
        raise GridVersionLocked(
            _(
                "La version %(number)s est publiée : elle ne peut plus changer. "
                "Créez une nouvelle version pour modifier la grille."
            ),
            code="locked",
            params={"number": version.number},
        )


def grid_version_problems(version: GridVersion) -> list[str]:
    """Everything that prevents publishing `version`, as French sentences (empty: publishable)."""
    problems = []
    criteria = list(version.criteria.prefetch_related("levels").order_by("position", "code"))
    if not criteria:
        problems.append(_("La version ne contient aucun critère."))
    if not any(criterion.is_core for criterion in criteria):
        problems.append(_("La grille doit contenir au moins un critère socle."))
    seen_codes = set()
    for criterion in criteria:
        name = criterion.code
        if criterion.code in seen_codes:
            problems.append(_("Le code %(code)s est utilisé deux fois.") % {"code": name})
        seen_codes.add(criterion.code)
        if criterion.weight <= 0:
            problems.append(_("%(code)s : le poids doit être supérieur à 0.") % {"code": name})
        if criterion.scale_min >= criterion.scale_max:
            problems.append(
                _("%(code)s : le minimum de l'échelle doit être inférieur au maximum.")
                % {"code": name}
            )
            continue
        labelled = {level.value for level in criterion.levels.all() if level.label.strip()}
        missing = [
            value
            for value in range(criterion.scale_min, criterion.scale_max + 1)
            if value not in labelled
        ]
        if missing:
            problems.append(
                _("%(code)s : il manque le libellé des niveaux %(values)s.")
                % {"code": name, "values": ", ".join(str(value) for value in missing)}
            )
        if criterion.threshold is not None and not (
            criterion.scale_min <= criterion.threshold <= criterion.scale_max
        ):
            problems.append(
                _("%(code)s : le seuil éliminatoire doit être compris dans l'échelle.")
                % {"code": name}
            )
    return problems


@transaction.atomic
def grid_version_create_draft(*, source: GridVersion, by=None) -> GridVersion:
    """Copy a published version into a new draft of the same grid; each copied criterion
    points to the one it continues (`derived_from`)."""
    if source.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            _("Seule une version publiée peut servir de base à une nouvelle version."),
            code="not_published",
        )
    grid = source.grid
    existing = grid.versions.drafts().first()
    if existing is not None:
        raise ValidationError(
            _("Cette grille a déjà une version brouillon (version %(number)s).")
            % {"number": existing.number},
            code="draft_exists",
        )
    number = (grid.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = GridVersion.objects.create(
        grid=grid,
        number=number,
        label=source.label,
        status=VersionStatus.DRAFT,
        based_on=source,
        created_by=by,
    )
    axes = {}
    for axis in source.axes.all():
        axes[axis.pk] = Axis.objects.create(
            version=draft,
            code=axis.code,
            label=axis.label,
            description=axis.description,
            position=axis.position,
        )
    for criterion in source.criteria.prefetch_related("levels"):
        copy = Criterion.objects.create(
            version=draft,
            axis=axes[criterion.axis_id],
            code=criterion.code,
            label=criterion.label,
            description=criterion.description,
            question=criterion.question,
            kind=criterion.kind,
            weight=criterion.weight,
            scale_min=criterion.scale_min,
            scale_max=criterion.scale_max,
            allows_not_applicable=criterion.allows_not_applicable,
            threshold=criterion.threshold,
            position=criterion.position,
            derived_from=criterion,
        )
        ScaleLevel.objects.bulk_create(
            ScaleLevel(
                criterion=copy, value=level.value, label=level.label, description=level.description
            )
            for level in criterion.levels.all()
        )
    return draft


@transaction.atomic
def grid_version_publish(*, version: GridVersion, by=None) -> GridVersion:
    """Publish a draft after checking it is complete and coherent."""
    locked = GridVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(locked)
    problems = grid_version_problems(locked)
    if problems:
        raise ValidationError(problems, code="invalid")
    locked.status = VersionStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.row_version += 1
    locked.save(update_fields=["status", "published_at", "row_version"])
    # The caller's instance reflects what was saved, so it cannot be reused as a stale draft.
    version.refresh_from_db(fields=["status", "published_at", "row_version"])
    return version


NUMERIC_FIELDS = (
    "axis",
    "code",
    "kind",
    "weight",
    "scale_min",
    "scale_max",
    "allows_not_applicable",
    "threshold",
    "position",
)
TEXT_FIELDS = ("label", "description", "question")


@transaction.atomic
def criterion_update(*, criterion: Criterion, by=None, **changes) -> Criterion:
    """Change a criterion of a draft version. A published version refuses every change here;
    typo fixes on published labels have their own audited action."""
    unknown = set(changes) - set(NUMERIC_FIELDS) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    version = GridVersion.objects.select_for_update().get(pk=criterion.version_id)
    _require_draft(version)
    for field, value in changes.items():
        setattr(criterion, field, value)
    criterion.full_clean(exclude=["version", "derived_from"])
    criterion.save()
    version.row_version += 1
    version.save(update_fields=["row_version"])
    return criterion
