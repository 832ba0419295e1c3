"""Writes to the criteria of a draft version (add, change, remove, reorder, with the label of
every level), and the wording fixes a published version still allows. `criterion_problems` is
the one statement of what makes a criterion valid."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from grid.interchange import MAX_LEVELS
from grid.models import Criterion, CriterionKind, GridVersion, ScaleLevel
from grid.services.common import (
    audit_version,
    lock_version,
    save_positions,
    swap_one_step,
    touch_version,
)


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
            _("Chaque niveau doit avoir un libellé : il manque celui des niveaux %(values)s.")
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
        "label_en": criterion.label_en,
        "description_en": criterion.description_en,
        "question_en": criterion.question_en,
        "axis": criterion.axis.code,
        "kind": criterion.kind,
        "weight": str(criterion.weight.normalize()),
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "allows_not_applicable": criterion.allows_not_applicable,
        "threshold": criterion.threshold,
        "levels": {str(level.value): level.label for level in criterion.levels.all()},
        "descriptors": {
            str(level.value): {"fr": level.description, "en": level.description_en}
            for level in criterion.levels.all()
        },
    }


Descriptors = dict[int, tuple[str, str]]


def _replace_levels(criterion: Criterion, levels: dict[int, str], descriptors=None) -> None:
    """Write every level of the criterion's scale with its label and descriptors (French,
    English); without `descriptors`, a level keeps the ones it had."""
    if descriptors is None:
        descriptors = {
            level.value: (level.description, level.description_en)
            for level in criterion.levels.all()
        }
    # The English label of a level the scale keeps stays (the editor writes French labels).
    english = {level.value: level.label_en for level in criterion.levels.all()}
    criterion.levels.all().delete()
    ScaleLevel.objects.bulk_create(
        ScaleLevel(
            criterion=criterion,
            value=value,
            label=levels[value].strip(),
            label_en=english.get(value, ""),
            description=(descriptors.get(value) or ("", ""))[0].strip(),
            description_en=(descriptors.get(value) or ("", ""))[1].strip(),
        )
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
    "label_en",
    "description_en",
    "question_en",
    "kind",
    "weight",
    "scale_min",
    "scale_max",
    "allows_not_applicable",
    "threshold",
)


@transaction.atomic
def criterion_create(
    *,
    version: GridVersion,
    levels: dict[int, str],
    descriptors: Descriptors | None = None,
    row_version=None,
    by=None,
    ip=None,
    **fields,
) -> Criterion:
    """Add a criterion at the end of its axis in a draft, with the label of every level and,
    optionally, its descriptors (French, English) by value."""
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    version = lock_version(version, row_version)
    position = (version.criteria.aggregate(top=Max("position"))["top"] or 0) + 1
    criterion = Criterion(version=version, position=position, **fields)
    _check_criterion(version, criterion, levels)
    criterion.save()
    _replace_levels(criterion, levels, descriptors or {})
    touch_version(version)
    audit_version(by, "grid.criterion.create", version, after=criterion_snapshot(criterion), ip=ip)
    return criterion


@transaction.atomic
def criterion_update(
    *,
    criterion: Criterion,
    by=None,
    row_version=None,
    levels=None,
    descriptors: Descriptors | None = None,
    ip=None,
    **changes,
) -> Criterion:
    """Change a criterion of a draft version (and, with `levels`, the label of every level;
    with `descriptors`, the French and English descriptor of every level).
    A published version refuses every change here; typo fixes on published labels have their
    own audited action, `criterion_fix_text`."""
    unknown = set(changes) - set(CRITERION_FIELDS) - {"position"}
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    version = lock_version(criterion.version, row_version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    before = criterion_snapshot(criterion)
    for field, value in changes.items():
        setattr(criterion, field, value)
    if levels is None:
        levels = {level.value: level.label for level in criterion.levels.all()}
    _check_criterion(version, criterion, levels, exclude_pk=criterion.pk)
    criterion.save()
    _replace_levels(criterion, levels, descriptors)
    touch_version(version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    after = criterion_snapshot(criterion)
    audit_version(by, "grid.criterion.update", version, before=before, after=after, ip=ip)
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, row_version=None, by=None, ip=None) -> None:
    """Remove a criterion from a draft. A criterion that scores (or a later version) refer to
    is protected: the refusal is a ValidationError with a French message, not a crash."""
    version = lock_version(criterion.version, row_version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    before = criterion_snapshot(criterion)
    try:
        criterion.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "Le critère %(code)s ne peut pas être supprimé : des notes ou une version "
                "ultérieure de la grille y font référence."
            )
            % {"code": criterion.code},
            code="protected",
        ) from None
    touch_version(version)
    audit_version(by, "grid.criterion.delete", version, before=before, ip=ip)


@transaction.atomic
def criterion_move(*, criterion: Criterion, direction: str, row_version=None, by=None, ip=None):
    """Move a criterion one place up or down among the criteria of its axis in a draft."""
    version = lock_version(criterion.version, row_version)
    ordered = list(version.criteria.order_by("position", "code"))
    current = next(c for c in ordered if c.pk == criterion.pk)
    siblings = [c for c in ordered if c.axis_id == current.axis_id]
    if not swap_one_step(siblings, current, direction):
        return
    # Rebuild the global order with the axis' criteria in their new order.
    slots = iter(siblings)
    ordered = [next(slots) if c.axis_id == current.axis_id else c for c in ordered]
    save_positions(ordered)
    touch_version(version)
    audit_version(
        by, "grid.criterion.move", version, after={"order": [c.code for c in siblings]}, ip=ip
    )


TEXT_FIELDS = ("label", "description", "question", "label_en", "description_en", "question_en")


@transaction.atomic
def criterion_fix_text(
    *,
    criterion: Criterion,
    by=None,
    row_version=None,
    ip=None,
    levels=None,
    descriptors: Descriptors | None = None,
    **changes,
) -> Criterion:
    """Fix the wording (label, description, question, level labels and descriptors) of a
    criterion, also in a published version: numbers and the set of criteria stay as they are
    (the database triggers enforce it), and the fix is audited as such."""
    unknown = set(changes) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Only wording can be fixed, not: {sorted(unknown)}")
    version = lock_version(criterion.version, row_version, draft=False)
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
    for level in criterion.levels.all():
        pair = (descriptors or {}).get(level.value)
        if pair is None:
            continue
        french, english = (text.strip() for text in pair)
        if (french, english) != (level.description, level.description_en):
            level.description, level.description_en = french, english
            level.save(update_fields=["description", "description_en"])
    touch_version(version)
    criterion = Criterion.objects.select_related("axis").get(pk=criterion.pk)
    after = criterion_snapshot(criterion)
    audit_version(by, "grid.criterion.fix_text", version, before=before, after=after, ip=ip)
    return criterion
