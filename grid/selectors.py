"""Reads of grids."""

from decimal import Decimal

from django.db.models import Count, Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from accounts.permissions import can
from grid.models import (
    Axis,
    Criterion,
    CriterionKind,
    Grid,
    GridVersion,
    ScaleLevel,
    VersionStatus,
)


def grid_version_detail(*, version_id: int) -> GridVersion:
    """A version with axes → criteria → levels prefetched: a constant four queries."""
    criteria = Criterion.objects.prefetch_related("levels").order_by("position", "code")
    axes = Axis.objects.prefetch_related(Prefetch("criteria", queryset=criteria))
    return (
        GridVersion.objects.select_related("grid")
        .prefetch_related(Prefetch("axes", queryset=axes))
        .get(pk=version_id)
    )


# Criteria of published and retired versions, read once per process: {version id: (key,
# criteria)}. Such a version never changes in numbers nor in its set of criteria (database
# triggers refuse), and every text fix goes through the services, which bump its
# `row_version`: the key (status, row_version, published_at) read with the version tells a
# stale entry. A draft is read afresh every time (its editors change it). Bounded: a process
# sees a handful of versions.
_CRITERIA: dict[int, tuple[tuple, list[Criterion]]] = {}
_CRITERIA_MAX = 64


def forget_version_criteria(**_kwargs) -> None:
    """Empties the cache of criteria: on any save or deletion of a grid's rows in this
    process, and between tests (whose rolled-back writes leave no trace in the key)."""
    _CRITERIA.clear()


for _model in (GridVersion, Axis, Criterion, ScaleLevel):
    post_save.connect(forget_version_criteria, sender=_model, dispatch_uid="grid-criteria-save")
    post_delete.connect(forget_version_criteria, sender=_model, dispatch_uid="grid-criteria-delete")


def version_criteria(version_id: int, *, version: GridVersion | None = None) -> list[Criterion]:
    """A version's criteria in form order, with their axis and scale levels: one small query
    for a published or retired version already read by this process (none when the caller
    passes the `version` it has just read), three otherwise. The criteria are shared between
    requests: read them, never change them."""
    if version is not None and version.pk == version_id:
        key = (version.status, version.row_version, version.published_at)
    else:
        key = (
            GridVersion.objects.filter(pk=version_id)
            .values_list("status", "row_version", "published_at")
            .first()
        )
    cached = _CRITERIA.get(version_id)
    if key is not None and cached is not None and cached[0] == key:
        return list(cached[1])
    criteria = list(
        Criterion.objects.filter(version_id=version_id)
        .select_related("axis")
        .prefetch_related("levels")
        .in_form_order()
    )
    if key is not None and key[0] != VersionStatus.DRAFT:
        if len(_CRITERIA) >= _CRITERIA_MAX:
            _CRITERIA.clear()
        _CRITERIA[version_id] = (key, criteria)
    return list(criteria)


def reference_version() -> GridVersion | None:
    """The latest published version of the default grid."""
    version_id = (
        GridVersion.objects.published()
        .filter(grid__is_default=True)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    return grid_version_detail(version_id=version_id) if version_id else None


def version_summary(version: GridVersion) -> dict[str, int]:
    """Counts for headings ("20 critères dont 8 socles"), from the prefetched tree."""
    criteria = [criterion for axis in version.axes.all() for criterion in axis.criteria.all()]
    return {
        "axes": len(version.axes.all()),
        "criteria": len(criteria),
        "core": sum(1 for criterion in criteria if criterion.is_core),
        "complementary": sum(1 for criterion in criteria if not criterion.is_core),
    }


def grid_list() -> list[Grid]:
    """Every grid with its versions (newest first) and how many calls use each version: two
    queries whatever the number of grids. (`calls` is the reverse name of Call.grid_version,
    counted without importing the higher projects app.)"""
    versions = (
        GridVersion.objects.select_related("created_by")
        .annotate(calls_count=Count("calls"))
        .order_by("-number")
    )
    return list(Grid.objects.prefetch_related(Prefetch("versions", queryset=versions)))


def grid_list_for(user) -> list[Grid]:
    """Grids as `user` may see them: administrators see every version, readers only the
    published and retired ones (drafts are administrators' work in progress)."""
    grids = grid_list()
    if can(user, "grid.change_gridversion"):
        return grids
    visible = []
    for grid in grids:
        grid.visible_versions = [v for v in grid.versions.all() if not v.is_draft]
        if grid.visible_versions:
            visible.append(grid)
    return visible


def grid_versions_for(*, user):
    """The versions `user` may read, as a queryset (the rule of `grid_list_for`): every
    version for administrators, published and retired ones for the other readers."""
    versions = GridVersion.objects.select_related("grid")
    if can(user, "grid.change_gridversion"):
        return versions
    return versions.exclude(status=VersionStatus.DRAFT)


def previous_version(version: GridVersion) -> GridVersion | None:
    """What a version is compared with before publishing: the version it was copied from,
    or else the latest published version of its grid before it."""
    if version.based_on_id:
        return GridVersion.objects.select_related("grid").get(pk=version.based_on_id)
    return (
        version.grid.versions.exclude(status=VersionStatus.DRAFT)
        .filter(number__lt=version.number)
        .order_by("-number")
        .first()
    )


ACTION_LABELS = {
    "grid.create": _("Création de la grille"),
    "grid.version.create": _("Création de la version"),
    "grid.version.import": _("Import d'un fichier"),
    "grid.version.update": _("Modification de la version"),
    "grid.version.publish": _("Publication"),
    "grid.version.retire": _("Retrait"),
    "grid.axis.create": _("Ajout d'un axe"),
    "grid.axis.update": _("Modification d'un axe"),
    "grid.axis.delete": _("Suppression d'un axe"),
    "grid.axis.move": _("Déplacement d'un axe"),
    "grid.criterion.create": _("Ajout d'un critère"),
    "grid.criterion.update": _("Modification d'un critère"),
    "grid.criterion.delete": _("Suppression d'un critère"),
    "grid.criterion.move": _("Déplacement d'un critère"),
    "grid.criterion.fix_text": _("Correction de texte (version publiée)"),
}


# Recorded values that are codes of a choice: shown by their label ("Publiée", not "published").
EVENT_FIELD_CHOICES = {"status": VersionStatus, "kind": CriterionKind}


def _event_value(value, key: str = ""):
    choices = EVENT_FIELD_CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {item}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return value


def _event_changes(before, after) -> list[dict]:
    """The keys an event changed, as rows (key, before, after); every key for one-sided
    events (creations, deletions)."""
    before, after = before or {}, after or {}
    rows = []
    for key in [*before, *[k for k in after if k not in before]]:
        old, new = before.get(key), after.get(key)
        if old != new or not (before and after):
            rows.append(
                {
                    "key": EVENT_FIELD_LABELS.get(key, key),
                    "before": _event_value(old, key),
                    "after": _event_value(new, key),
                }
            )
    return rows


def grid_version_history(*, version: GridVersion) -> list[AuditEvent]:
    """The audit events filed under a version, newest first, each with a French `label`, the
    `subject` (criterion or axis code) and its `changes` (before → after): one query."""
    events = list(AuditEvent.objects.for_object(version).select_related("actor"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
        source = event.after or event.before or {}
        event.subject = source.get("code", "") if isinstance(source, dict) else ""
        event.changes = _event_changes(event.before, event.after)
    return events


# Compared fields, in the order a reader expects them.
DIFF_FIELDS = (
    ("code", _("Code")),
    ("label", _("Libellé")),
    ("description", _("Description")),
    ("question", _("Question guide")),
    ("axis", _("Axe")),
    ("kind", _("Nature")),
    ("weight", _("Poids")),
    ("scale_min", _("Échelle : minimum")),
    ("scale_max", _("Échelle : maximum")),
    ("allows_not_applicable", _("« Sans objet » autorisé")),
    ("threshold", _("Seuil éliminatoire")),
)


def _display(field: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if field == "kind":
        return str(CriterionKind(value).label)
    if field == "weight":
        return str(value.normalize()) if isinstance(value, Decimal) else str(value)
    return str(value)


def _criteria_of(version: GridVersion) -> list[Criterion]:
    return list(
        version.criteria.select_related("axis")
        .prefetch_related("levels")
        .order_by("position", "code")
    )


def _ancestor_links(later: list[Criterion], earlier_pks: set[int]) -> dict[int, int]:
    """For each criterion of `later`, the criterion of `earlier_pks` it descends from by the
    `derived_from` chain (several versions apart if need be). One query per generation."""
    parent: dict[int, int | None] = {c.pk: c.derived_from_id for c in later}
    cursor = {c.pk: c.derived_from_id for c in later}
    links: dict[int, int] = {}
    while cursor:
        for pk, ancestor in list(cursor.items()):
            if ancestor is None:
                del cursor[pk]
            elif ancestor in earlier_pks:
                links[pk] = ancestor
                del cursor[pk]
        unknown = {a for a in cursor.values() if a not in parent}
        if unknown:
            parent.update(
                Criterion.objects.filter(pk__in=unknown).values_list("pk", "derived_from_id")
            )
        cursor = {pk: parent.get(ancestor) for pk, ancestor in cursor.items()}
    return links


def match_criteria(old: list[Criterion], new: list[Criterion]) -> list[tuple]:
    """Pairs (old criterion or None, new criterion or None): first by lineage in either
    direction, then by code for what lineage leaves unmatched (e.g. imported versions)."""
    old_by_pk = {c.pk: c for c in old}
    new_by_pk = {c.pk: c for c in new}
    pairs: dict[int, int] = {}  # new pk → old pk
    for new_pk, old_pk in _ancestor_links(new, set(old_by_pk)).items():
        if old_pk not in pairs.values():
            pairs[new_pk] = old_pk
    for old_pk, new_pk in _ancestor_links(old, set(new_by_pk)).items():
        if new_pk not in pairs and old_pk not in pairs.values():
            pairs[new_pk] = old_pk
    free_old = {c.code: c for c in old if c.pk not in pairs.values()}
    for criterion in new:
        if criterion.pk not in pairs and criterion.code in free_old:
            pairs[criterion.pk] = free_old.pop(criterion.code).pk
    result = [(old_by_pk.get(pairs.get(c.pk)), c) for c in new]
    matched = set(pairs.values())
    result += [(c, None) for c in old if c.pk not in matched]
    return result


def _criterion_values(criterion: Criterion) -> dict:
    values = {field: getattr(criterion, field) for field, _label in DIFF_FIELDS}
    values["axis"] = criterion.axis.code
    return values


def _field_changes(old: Criterion, new: Criterion) -> list[dict]:
    changes = []
    old_values, new_values = _criterion_values(old), _criterion_values(new)
    for field, label in DIFF_FIELDS:
        if old_values[field] != new_values[field]:
            changes.append(
                {
                    "field": str(label),
                    "old": _display(field, old_values[field]),
                    "new": _display(field, new_values[field]),
                }
            )
    old_levels = {level.value: level.label for level in old.levels.all()}
    new_levels = {level.value: level.label for level in new.levels.all()}
    for value in sorted(set(old_levels) | set(new_levels)):
        if old_levels.get(value) != new_levels.get(value):
            changes.append(
                {
                    "field": str(_("Niveau %(value)s : libellé") % {"value": value}),
                    "old": old_levels.get(value) or "—",
                    "new": new_levels.get(value) or "—",
                }
            )
    return changes


def _reading_order(pairs: list[tuple], side: int) -> list[tuple]:
    """Matched pairs sorted as one side reads them: by axis position, then criterion order."""
    return sorted(pairs, key=lambda pair: (pair[side].axis.position, pair[side].position))


def grid_version_diff(*, old: GridVersion, new: GridVersion) -> dict:
    """What changes from `old` to `new`: axes and criteria added, removed and changed, field by
    field (old → new), weights, scales and level labels included. Criteria are matched by
    lineage (`derived_from`), falling back to their code. A change of order is one flag."""
    criteria = []
    pairs = match_criteria(_criteria_of(old), _criteria_of(new))
    for before, after in pairs:
        if before is None:
            criteria.append({"status": "added", "criterion": after, "changes": []})
        elif after is None:
            criteria.append({"status": "removed", "criterion": before, "changes": []})
        else:
            changes = _field_changes(before, after)
            if changes:
                criteria.append({"status": "changed", "criterion": after, "changes": changes})
    old_axes = {a.code: a for a in old.axes.all()}
    new_axes = {a.code: a for a in new.axes.all()}
    axes = [
        {"status": "added", "axis": new_axes[code]} for code in new_axes if code not in old_axes
    ]
    axes += [
        {"status": "removed", "axis": old_axes[code]} for code in old_axes if code not in new_axes
    ]
    axes += [
        {"status": "changed", "axis": new_axes[code], "old_label": old_axes[code].label}
        for code in new_axes
        if code in old_axes and old_axes[code].label != new_axes[code].label
    ]
    label_change = (old.label, new.label) if old.label != new.label else None
    # Reordering changes no value, but a reader should still know the order moved.
    kept = [(before, after) for before, after in pairs if before and after]
    common_axes = old_axes.keys() & new_axes.keys()
    order_changed = [a.pk for a, _b in _reading_order(kept, 0)] != [
        a.pk for a, _b in _reading_order(kept, 1)
    ] or [code for code in old_axes if code in common_axes] != [
        code for code in new_axes if code in common_axes
    ]
    return {
        "old": old,
        "new": new,
        "label_change": label_change,
        "axes": axes,
        "criteria": criteria,
        "added": sum(1 for entry in criteria if entry["status"] == "added"),
        "removed": sum(1 for entry in criteria if entry["status"] == "removed"),
        "changed": sum(1 for entry in criteria if entry["status"] == "changed"),
        "order_changed": order_changed,
        "is_empty": not (criteria or axes or label_change or order_changed),
    }


EVENT_FIELD_LABELS = {
    **dict(DIFF_FIELDS),
    "levels": _("Libellés des niveaux"),
    "based_on": _("Copiée de la version"),
    "order": _("Ordre"),
    "status": _("Statut"),
    "slug": _("Identifiant"),
    "name": _("Nom"),
    "source": _("Point de départ"),
    "axes": _("Axes"),
    "criteria": _("Critères"),
}
