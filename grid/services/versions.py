"""Writes to grids and their versions as wholes: a new grid, a new draft copied from a
published version, an imported file, a draft's label, publication (once `grid_version_problems`
finds nothing) and retirement."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.interchange import parse_payload
from grid.models import Axis, Criterion, Grid, GridVersion, ScaleLevel, VersionStatus
from grid.reference import read_reference
from grid.services.common import audit_version, lock_version


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
            problems.append(_("%(code)s : le poids doit être supérieur à 0.") % {"code": name})
        if criterion.scale_min >= criterion.scale_max:
            problems.append(
                _("%(code)s : le minimum de l'échelle doit être inférieur au maximum.")
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
                _("%(code)s : il manque le libellé des niveaux %(values)s.")
                % {"code": name, "values": ", ".join(str(value) for value in missing)}
            )
        if criterion.threshold is not None and not (
            criterion.scale_min <= criterion.threshold <= criterion.scale_max
        ):
            problems.append(
                _("%(code)s : le seuil éliminatoire doit être compris dans l'échelle.")
                % {"code": name}
            )
    return problems


def _next_number(grid: Grid) -> int:
    return (grid.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _lock_grid_without_draft(pk) -> Grid:
    """Lock the grid row for this transaction and refuse when the grid already has a draft:
    of two requests adding one, the second meets this French refusal, not the database's
    single-draft constraint."""
    grid = Grid.objects.select_for_update().get(pk=pk)
    existing = grid.versions.drafts().first()
    if existing is not None:
        raise ValidationError(
            _("Cette grille a déjà une version brouillon (version %(number)s).")
            % {"number": existing.number},
            code="draft_exists",
        )
    return grid


def _copy_tree(source: GridVersion, target: GridVersion) -> None:
    """Copy axes, criteria and levels of `source` into `target`, each copied criterion
    pointing to the one it continues (`derived_from`)."""
    axes = {}
    for axis in source.axes.all():
        axes[axis.pk] = Axis.objects.create(
            version=target,
            code=axis.code,
            label=axis.label,
            label_en=axis.label_en,
            description=axis.description,
            position=axis.position,
        )
    for criterion in source.criteria.prefetch_related("levels"):
        copy = Criterion.objects.create(
            version=target,
            axis=axes[criterion.axis_id],
            code=criterion.code,
            label=criterion.label,
            description=criterion.description,
            question=criterion.question,
            label_en=criterion.label_en,
            description_en=criterion.description_en,
            question_en=criterion.question_en,
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
                criterion=copy,
                value=level.value,
                label=level.label,
                label_en=level.label_en,
                description=level.description,
                description_en=level.description_en,
            )
            for level in criterion.levels.all()
        )


def _build_tree(data: dict, target: GridVersion, predecessor: GridVersion | None) -> None:
    """Create axes, criteria and levels of `target` from clean exchange data. Criteria whose
    code exists in `predecessor` continue it (lineage by code, the only link a file has)."""
    previous = {}
    if predecessor is not None:
        previous = {c.code: c for c in predecessor.criteria.all()}
    axes = {
        axis["code"]: Axis.objects.create(
            version=target,
            code=axis["code"],
            label=axis["label"],
            description=axis["description"],
            position=index,
        )
        for index, axis in enumerate(data["axes"])
    }
    for index, item in enumerate(data["criteria"]):
        scale = item["scale"]
        criterion = Criterion.objects.create(
            version=target,
            axis=axes[item["axis"]],
            code=item["code"],
            label=item["label"],
            description=item["description"],
            question=item["question"],
            kind=item["kind"],
            weight=item["weight"],
            scale_min=scale["min"],
            scale_max=scale["max"],
            allows_not_applicable=item["allows_not_applicable"],
            threshold=item["threshold"],
            position=index,
            derived_from=previous.get(item["code"]),
        )
        ScaleLevel.objects.bulk_create(
            ScaleLevel(
                criterion=criterion,
                value=value,
                label=label,
                description=scale["level_descriptions"].get(value, ""),
                description_en=scale["level_descriptions_en"].get(value, ""),
            )
            for value, label in sorted(scale["levels"].items())
        )


@transaction.atomic
def grid_version_create_draft(*, source: GridVersion, by=None, ip=None) -> GridVersion:
    """Copy a published version into a new draft of the same grid; each copied criterion
    points to the one it continues (`derived_from`)."""
    source = GridVersion.objects.get(pk=source.pk)  # the caller's copy may be stale
    if source.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            _("Seule une version publiée peut servir de base à une nouvelle version."),
            code="not_published",
        )
    grid = _lock_grid_without_draft(source.grid_id)
    draft = GridVersion.objects.create(
        grid=grid,
        number=_next_number(grid),
        label=source.label,
        label_en=source.label_en,
        status=VersionStatus.DRAFT,
        based_on=source,
        created_by=by,
    )
    _copy_tree(source, draft)
    audit_version(by, "grid.version.create", draft, after={"based_on": source.number}, ip=ip)
    return draft


@transaction.atomic
def grid_create(*, slug: str, name: str, source: GridVersion | None = None, by=None, ip=None):
    """A new grid whose first (draft) version copies `source`, a published version of any
    grid, or the reference grid file when `source` is None. Returns the draft."""
    if Grid.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("Une grille utilise déjà l'identifiant « %(slug)s ».") % {"slug": slug}}
        )
    if source is not None and source.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            _("Seule une version publiée peut servir de base à une nouvelle grille."),
            code="not_published",
        )
    grid = Grid.objects.create(slug=slug, name=name)
    draft = GridVersion.objects.create(
        grid=grid,
        number=1,
        label=source.label if source else "",
        label_en=source.label_en if source else "",
        status=VersionStatus.DRAFT,
        based_on=source,
        created_by=by,
    )
    if source is not None:
        _copy_tree(source, draft)
        origin = str(source)
    else:
        data, problems = parse_payload(read_reference())
        if problems:  # pragma: no cover - the shipped file is checked by the tests
            raise ValidationError(problems)
        draft.label = data["version_label"]
        draft.save(update_fields=["label"])
        _build_tree(data, draft, None)
        origin = _("grille de référence")
    audit_version(
        by, "grid.create", draft, after={"slug": slug, "name": name, "source": origin}, ip=ip
    )
    return draft


@transaction.atomic
def grid_version_import(*, payload, grid: Grid | None = None, by=None, ip=None) -> GridVersion:
    """Create a draft from an exchange dictionary: a new grid (slug and name from the file)
    or, when `grid` is given, its next version. Refused with every problem at once, and then
    nothing is created."""
    data, problems = parse_payload(payload)
    if problems:
        raise ValidationError(problems, code="invalid_file")
    if grid is None:
        if Grid.objects.filter(slug=data["slug"]).exists():
            raise ValidationError(
                _(
                    "Une grille utilise déjà l'identifiant « %(slug)s » : choisissez-la comme "
                    "destination pour en importer une nouvelle version."
                )
                % {"slug": data["slug"]},
                code="slug_taken",
            )
        grid = Grid.objects.create(
            slug=data["slug"], name=data["name"], description=data["description"]
        )
        predecessor = None
    else:
        grid = _lock_grid_without_draft(grid.pk)
        predecessor = grid.versions.published().order_by("-number").first()
    draft = GridVersion.objects.create(
        grid=grid,
        number=_next_number(grid),
        label=data["version_label"],
        status=VersionStatus.DRAFT,
        based_on=predecessor,
        created_by=by,
    )
    _build_tree(data, draft, predecessor)
    audit_version(
        by,
        "grid.version.import",
        draft,
        after={"criteria": len(data["criteria"]), "axes": len(data["axes"])},
        ip=ip,
    )
    return draft


@transaction.atomic
def grid_version_publish(*, version: GridVersion, by=None, row_version=None, ip=None):
    """Publish a draft after checking it is complete and coherent."""
    locked = lock_version(version, row_version)
    problems = grid_version_problems(locked)
    if problems:
        raise ValidationError(problems, code="invalid")
    locked.status = VersionStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.row_version += 1
    locked.save(update_fields=["status", "published_at", "row_version"])
    audit_version(
        by,
        "grid.version.publish",
        locked,
        before={"status": VersionStatus.DRAFT},
        after={"status": VersionStatus.PUBLISHED},
        ip=ip,
    )
    # The caller's instance reflects what was saved, so it cannot be reused as a stale draft.
    version.refresh_from_db(fields=["status", "published_at", "row_version"])
    return version


@transaction.atomic
def grid_version_retire(*, version: GridVersion, by=None, row_version=None, ip=None):
    """Retire a published version: calls can no longer be opened on it, while everything
    already scored with it keeps its meaning (the version itself never changes)."""
    version = lock_version(version, row_version, draft=False)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            _("Seule une version publiée peut être retirée."), code="not_published"
        )
    version.status = VersionStatus.RETIRED
    version.row_version += 1
    version.save(update_fields=["status", "row_version"])
    audit_version(
        by,
        "grid.version.retire",
        version,
        before={"status": VersionStatus.PUBLISHED},
        after={"status": VersionStatus.RETIRED},
        ip=ip,
    )
    return version


@transaction.atomic
def grid_version_update(*, version: GridVersion, label: str, row_version=None, by=None, ip=None):
    """Rename a draft version."""
    version = lock_version(version, row_version)
    before = {"label": version.label}
    version.label = label
    version.row_version += 1
    version.save(update_fields=["label", "row_version"])
    audit_version(by, "grid.version.update", version, before=before, after={"label": label}, ip=ip)
    return version
