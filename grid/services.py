"""Writes to grids. Every change to a version goes through here: each service runs in one
transaction, checks the version is a draft (or that the change is an allowed typo fix),
checks the editor's `row_version` (optimistic locking), and records an audit event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from grid.interchange import MAX_LEVELS, parse_payload
from grid.models import (
    Axis,
    Criterion,
    CriterionKind,
    Grid,
    GridVersion,
    ScaleLevel,
    VersionStatus,
)
from grid.reference import read_reference


class GridVersionLocked(ValidationError):
    """A published (or retired) version was asked to change."""


class GridVersionConflict(ValidationError):
    """The editor's form was built on an older state of the version (optimistic locking)."""

    def __init__(self, version: GridVersion):
        self.version = version
        super().__init__(
            _(
                "Un autre administrateur a modifié cette version pendant que vous la modifiiez. "
                "Rien n'a été enregistré : vérifiez les différences ci-dessous, puis validez à "
                "nouveau si vous souhaitez remplacer ses modifications."
            ),
            code="conflict",
        )


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


def criterion_problems(
    *,
    version: GridVersion,
    code: str,
    weight,
    scale_min: int,
    scale_max: int,
    threshold: int | None,
    levels: dict[int, str],
    exclude_pk: int | None = None,
) -> dict[str, list[str]]:
    """French messages keyed by field for a criterion about to be saved in `version`
    (empty: valid). Forms show them next to the fields; services refuse on any."""
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    if not code or not code.strip():
        add("code", _("Le code est obligatoire."))
    elif version.criteria.filter(code=code.strip()).exclude(pk=exclude_pk).exists():
        add("code", _("Le code %(code)s est déjà utilisé dans cette version.") % {"code": code})
    if weight is None or weight <= 0:
        add("weight", _("Le poids doit être supérieur à 0."))
    if scale_min is None or scale_max is None or scale_min >= scale_max:
        add("scale_max", _("Le minimum de l'échelle doit être inférieur au maximum."))
        return problems
    if scale_max - scale_min + 1 > MAX_LEVELS:
        add("scale_max", _("L'échelle compte au plus %(count)s niveaux.") % {"count": MAX_LEVELS})
        return problems
    missing = [
        str(value)
        for value in range(scale_min, scale_max + 1)
        if not (levels.get(value) or "").strip()
    ]
    if missing:
        add(
            "levels",
            _("Chaque niveau doit avoir un libellé : il manque celui des niveaux %(values)s.")
            % {"values": ", ".join(missing)},
        )
    if threshold is not None and not (scale_min <= threshold <= scale_max):
        add(
            "threshold",
            _("Le seuil éliminatoire doit être compris dans l'échelle (de %(min)s à %(max)s).")
            % {"min": scale_min, "max": scale_max},
        )
    return problems


def criterion_snapshot(criterion: Criterion) -> dict:
    """A criterion as plain JSON values, for audit events and conflict messages."""
    return {
        "code": criterion.code,
        "label": criterion.label,
        "description": criterion.description,
        "question": criterion.question,
        "axis": criterion.axis.code,
        "kind": criterion.kind,
        "weight": str(criterion.weight.normalize()),
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "allows_not_applicable": criterion.allows_not_applicable,
        "threshold": criterion.threshold,
        "levels": {str(level.value): level.label for level in criterion.levels.all()},
    }


def axis_snapshot(axis: Axis) -> dict:
    """An axis as plain JSON values, for audit events."""
    return {"code": axis.code, "label": axis.label, "description": axis.description}


def _lock(version: GridVersion, row_version=None, *, draft: bool = True) -> GridVersion:
    """Lock the version row for this transaction; refuse a published version (when `draft`)
    and a stale editor (when its `row_version` is not the current one)."""
    locked = GridVersion.objects.select_for_update().select_related("grid").get(pk=version.pk)
    if draft:
        _require_draft(locked)
    if row_version is not None and int(row_version) != locked.row_version:
        raise GridVersionConflict(locked)
    return locked


def _touch(version: GridVersion) -> None:
    version.row_version += 1
    version.save(update_fields=["row_version"])


def _audit(by, action: str, version: GridVersion, before=None, after=None, ip=None):
    # Grid events are filed under the version, so its page shows its whole history.
    audit_record(actor=by, action=action, obj=version, before=before, after=after, ip=ip)


def _next_number(grid: Grid) -> int:
    return (grid.versions.aggregate(top=Max("number"))["top"] or 0) + 1


def _copy_tree(source: GridVersion, target: GridVersion) -> None:
    """Copy axes, criteria and levels of `source` into `target`, each copied criterion
    pointing to the one it continues (`derived_from`)."""
    axes = {}
    for axis in source.axes.all():
        axes[axis.pk] = Axis.objects.create(
            version=target,
            code=axis.code,
            label=axis.label,
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
    grid = Grid.objects.select_for_update().get(pk=source.grid_id)
    existing = grid.versions.drafts().first()
    if existing is not None:
        raise ValidationError(
            _("Cette grille a déjà une version brouillon (version %(number)s).")
            % {"number": existing.number},
            code="draft_exists",
        )
    draft = GridVersion.objects.create(
        grid=grid,
        number=_next_number(grid),
        label=source.label,
        status=VersionStatus.DRAFT,
        based_on=source,
        created_by=by,
    )
    _copy_tree(source, draft)
    _audit(by, "grid.version.create", draft, after={"based_on": source.number}, ip=ip)
    return draft


@transaction.atomic
def grid_create(*, slug: str, name: str, source: GridVersion | None = None, by=None, ip=None):
    """A new grid whose first (draft) version copies `source`, a published version of any
    grid, or the reference grid file when `source` is None. Returns the draft."""
    if Grid.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": _("Une grille utilise déjà l'identifiant « %(slug)s ».") % {"slug": slug}}
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
    _audit(by, "grid.create", draft, after={"slug": slug, "name": name, "source": origin}, ip=ip)
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
                    "Une grille utilise déjà l'identifiant « %(slug)s » : choisissez-la comme "
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
        grid = Grid.objects.select_for_update().get(pk=grid.pk)
        existing = grid.versions.drafts().first()
        if existing is not None:
            raise ValidationError(
                _("Cette grille a déjà une version brouillon (version %(number)s).")
                % {"number": existing.number},
                code="draft_exists",
            )
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
    _audit(
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
    locked = _lock(version, row_version)
    problems = grid_version_problems(locked)
    if problems:
        raise ValidationError(problems, code="invalid")
    locked.status = VersionStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.row_version += 1
    locked.save(update_fields=["status", "published_at", "row_version"])
    _audit(
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
    version = _lock(version, row_version, draft=False)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(
            _("Seule une version publiée peut être retirée."), code="not_published"
        )
    version.status = VersionStatus.RETIRED
    version.row_version += 1
    version.save(update_fields=["status", "row_version"])
    _audit(
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
    version = _lock(version, row_version)
    before = {"label": version.label}
    version.label = label
    version.row_version += 1
    version.save(update_fields=["label", "row_version"])
    _audit(by, "grid.version.update", version, before=before, after={"label": label}, ip=ip)
    return version


def _axis_code_taken(version, code, exclude_pk=None) -> bool:
    return version.axes.filter(code=code).exclude(pk=exclude_pk).exists()


def _axis_code_error(code):
    return ValidationError(
        {"code": _("Le code d'axe %(code)s est déjà utilisé dans cette version.") % {"code": code}}
    )


@transaction.atomic
def axis_create(
    *,
    version: GridVersion,
    code: str,
    label: str,
    description="",
    row_version=None,
    by=None,
    ip=None,
) -> Axis:
    """Add an axis at the end of a draft."""
    version = _lock(version, row_version)
    if _axis_code_taken(version, code):
        raise _axis_code_error(code)
    position = (version.axes.aggregate(top=Max("position"))["top"] or 0) + 1
    axis = Axis.objects.create(
        version=version, code=code, label=label, description=description, position=position
    )
    _touch(version)
    _audit(by, "grid.axis.create", version, after=axis_snapshot(axis), ip=ip)
    return axis


@transaction.atomic
def axis_update(*, axis: Axis, row_version=None, by=None, ip=None, **changes) -> Axis:
    """Change the code, label or description of an axis of a draft."""
    unknown = set(changes) - {"code", "label", "description"}
    if unknown:
        raise TypeError(f"Unknown axis fields: {sorted(unknown)}")
    version = _lock(axis.version, row_version)
    axis = Axis.objects.get(pk=axis.pk)
    if "code" in changes and _axis_code_taken(version, changes["code"], axis.pk):
        raise _axis_code_error(changes["code"])
    before = axis_snapshot(axis)
    for field, value in changes.items():
        setattr(axis, field, value)
    axis.save()
    _touch(version)
    _audit(by, "grid.axis.update", version, before=before, after=axis_snapshot(axis), ip=ip)
    return axis


@transaction.atomic
def axis_delete(*, axis: Axis, row_version=None, by=None, ip=None) -> None:
    """Remove an empty axis from a draft."""
    version = _lock(axis.version, row_version)
    before = axis_snapshot(axis)
    try:
        Axis.objects.get(pk=axis.pk).delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "L'axe %(code)s contient encore des critères : supprimez-les ou rattachez-les à "
                "un autre axe d'abord."
            )
            % {"code": axis.code},
            code="protected",
        ) from None
    _touch(version)
    _audit(by, "grid.axis.delete", version, before=before, ip=ip)


def _swap(items: list, item, direction: str) -> bool:
    """Move `item` one step up or down in `items`; renumber positions 0..n in place."""
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not (0 <= target < len(items)):
        return False
    items[index], items[target] = items[target], items[index]
    return True


@transaction.atomic
def axis_move(*, axis: Axis, direction: str, row_version=None, by=None, ip=None) -> None:
    """Move an axis one place up or down in a draft."""
    version = _lock(axis.version, row_version)
    axes = list(version.axes.order_by("position", "code"))
    current = next(a for a in axes if a.pk == axis.pk)
    if not _swap(axes, current, direction):
        return
    for position, item in enumerate(axes):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    _touch(version)
    _audit(
        by,
        "grid.axis.move",
        version,
        after={"order": [a.code for a in axes]},
        ip=ip,
    )


def _replace_levels(criterion: Criterion, levels: dict[int, str]) -> None:
    criterion.levels.all().delete()
    ScaleLevel.objects.bulk_create(
        ScaleLevel(criterion=criterion, value=value, label=levels[value].strip())
        for value in range(criterion.scale_min, criterion.scale_max + 1)
    )


def _check_criterion(version, criterion: Criterion, levels, exclude_pk=None) -> None:
    problems = criterion_problems(
        version=version,
        code=criterion.code,
        weight=criterion.weight,
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
        threshold=criterion.threshold,
        levels=levels,
        exclude_pk=exclude_pk,
    )
    if criterion.axis.version_id != version.pk:
        problems.setdefault("axis", []).append(_("Cet axe n'appartient pas à cette version."))
    if criterion.kind not in CriterionKind.values:
        problems.setdefault("kind", []).append(_("Nature inconnue."))
    if problems:
        raise ValidationError(problems)


CRITERION_FIELDS = (
    "axis",
    "code",
    "label",
    "description",
    "question",
    "kind",
    "weight",
    "scale_min",
    "scale_max",
    "allows_not_applicable",
    "threshold",
)


@transaction.atomic
def criterion_create(
    *, version: GridVersion, levels: dict[int, str], row_version=None, by=None, ip=None, **fields
) -> Criterion:
    """Add a criterion at the end of its axis in a draft, with the label of every level."""
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    version = _lock(version, row_version)
    position = (version.criteria.aggregate(top=Max("position"))["top"] or 0) + 1
    criterion = Criterion(version=version, position=position, **fields)
    _check_criterion(version, criterion, levels)
    criterion.save()
    _replace_levels(criterion, levels)
    _touch(version)
    _audit(by, "grid.criterion.create", version, after=criterion_snapshot(criterion), ip=ip)
    return criterion


@transaction.atomic
def criterion_update(
    *, criterion: Criterion, by=None, row_version=None, levels=None, ip=None, **changes
) -> Criterion:
    """Change a criterion of a draft version (and, with `levels`, the label of every level).
    A published version refuses every change here; typo fixes on published labels have their
    own audited action, `criterion_fix_text`."""
    unknown = set(changes) - set(CRITERION_FIELDS) - {"position"}
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    version = _lock(criterion.version, row_version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    before = criterion_snapshot(criterion)
    for field, value in changes.items():
        setattr(criterion, field, value)
    if levels is None:
        levels = {level.value: level.label for level in criterion.levels.all()}
    _check_criterion(version, criterion, levels, exclude_pk=criterion.pk)
    criterion.save()
    _replace_levels(criterion, levels)
    _touch(version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    after = criterion_snapshot(criterion)
    _audit(by, "grid.criterion.update", version, before=before, after=after, ip=ip)
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, row_version=None, by=None, ip=None) -> None:
    """Remove a criterion from a draft. A criterion that scores (or a later version) refer to
    is protected: the refusal is a ValidationError with a French message, not a crash."""
    version = _lock(criterion.version, row_version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    before = criterion_snapshot(criterion)
    try:
        criterion.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "Le critère %(code)s ne peut pas être supprimé : des notes ou une version "
                "ultérieure de la grille y font référence."
            )
            % {"code": criterion.code},
            code="protected",
        ) from None
    _touch(version)
    _audit(by, "grid.criterion.delete", version, before=before, ip=ip)


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: str, row_version=None, by=None, ip=None):
    """Move a criterion one place up or down among the criteria of its axis in a draft."""
    version = _lock(criterion.version, row_version)
    ordered = list(version.criteria.order_by("position", "code"))
    current = next(c for c in ordered if c.pk == criterion.pk)
    siblings = [c for c in ordered if c.axis_id == current.axis_id]
    if not _swap(siblings, current, direction):
        return
    # Rebuild the global order with the axis' criteria in their new order.
    slots = iter(siblings)
    ordered = [next(slots) if c.axis_id == current.axis_id else c for c in ordered]
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    _touch(version)
    _audit(by, "grid.criterion.move", version, after={"order": [c.code for c in siblings]}, ip=ip)


TEXT_FIELDS = ("label", "description", "question")


@transaction.atomic
def criterion_fix_text(
    *, criterion: Criterion, by=None, row_version=None, ip=None, levels=None, **changes
) -> Criterion:
    """Fix the wording (label, description, question, level labels) of a criterion, also in a
    published version: numbers and the set of criteria stay as they are (the database
    triggers enforce it), and the fix is audited as such."""
    unknown = set(changes) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Only wording can be fixed, not: {sorted(unknown)}")
    version = _lock(criterion.version, row_version, draft=False)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    before = criterion_snapshot(criterion)
    if "label" in changes and not changes["label"].strip():
        raise ValidationError({"label": _("Le libellé est obligatoire.")})
    for field, value in changes.items():
        setattr(criterion, field, value)
    criterion.save(update_fields=list(changes))
    for level in criterion.levels.all():
        label = (levels or {}).get(level.value)
        if label is None:
            continue
        if not label.strip():
            raise ValidationError(
                {"levels": _("Chaque niveau doit avoir un libellé.")}, code="missing_label"
            )
        if label != level.label:
            level.label = label.strip()
            level.save(update_fields=["label"])
    _touch(version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    after = criterion_snapshot(criterion)
    _audit(by, "grid.criterion.fix_text", version, before=before, after=after, ip=ip)
    return criterion
