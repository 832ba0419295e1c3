"""Installs the reference grid (grid/data/reference-grid.json) as version 1 of the default grid.

Takes a `get_model` callable so that the data migration can pass its historical models.
"""

import json
from pathlib import Path

from django.utils import timezone

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "reference-grid.json"


def read_reference() -> dict:
    with open(REFERENCE_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def _criterion_descriptors(item: dict) -> dict[int, dict]:
    """The criterion's own levels in the file (its `scale`), by value."""
    return {level["value"]: level for level in item.get("scale", {}).get("levels", [])}


def _descriptor_fields(ScaleLevel, level: dict) -> dict:
    """The descriptors of `level` the model knows: the migration that installs the grid runs
    before the English descriptor field exists (0004 fills it in)."""
    fields = {"description": level.get("description", "")}
    if any(field.name == "description_en" for field in ScaleLevel._meta.get_fields()):
        fields["description_en"] = level.get("description_en", "")
    return fields


def fill_reference_descriptors(get_model) -> int:
    """Write the file's level descriptors into version 1 of the reference grid where they are
    blank (an administrator's wording fix is kept); other grids and versions are left alone.
    Idempotent; returns the number of levels changed."""
    GridVersion = get_model("grid", "GridVersion")
    ScaleLevel = get_model("grid", "ScaleLevel")
    payload = read_reference()
    version = GridVersion.objects.filter(grid__slug=payload["slug"], number=1).first()
    if version is None:
        return 0
    wanted = {item["code"]: _criterion_descriptors(item) for item in payload["criteria"]}
    changed = 0
    levels = ScaleLevel.objects.filter(criterion__version=version).select_related("criterion")
    for level in levels:
        descriptors = wanted.get(level.criterion.code, {}).get(level.value)
        if not descriptors:
            continue
        updates = [
            field
            for field in ("description", "description_en")
            if not getattr(level, field).strip() and descriptors.get(field)
        ]
        for field in updates:
            setattr(level, field, descriptors[field])
        if updates:
            # Wording stays writable in a published version (migration 0002's triggers).
            level.save(update_fields=updates)
            changed += 1
    return changed


def install_reference_grid(get_model) -> bool:
    """Create the default grid and its published version 1; return False if already there."""
    Grid = get_model("grid", "Grid")
    GridVersion = get_model("grid", "GridVersion")
    Axis = get_model("grid", "Axis")
    Criterion = get_model("grid", "Criterion")
    ScaleLevel = get_model("grid", "ScaleLevel")

    payload = read_reference()
    if Grid.objects.filter(slug=payload["slug"]).exists():
        return False
    grid = Grid.objects.create(
        slug=payload["slug"],
        name=payload["name"]["fr"],
        description=payload.get("provenance", ""),
        is_default=True,
    )
    # Rows go into a draft, which is then published: the immutability triggers refuse
    # inserts into a version that is already published.
    version = GridVersion.objects.create(
        grid=grid, number=1, label=payload.get("version_label", ""), status="draft"
    )
    axes = {
        axis["code"]: Axis.objects.create(
            version=version, code=axis["code"], label=axis["fr"], position=index
        )
        for index, axis in enumerate(payload["axes"])
    }
    scale = payload["scale"]
    weights = payload["default_weights"]
    for index, item in enumerate(payload["criteria"]):
        criterion = Criterion.objects.create(
            version=version,
            axis=axes[item["axis"]],
            code=item["code"],
            label=item["fr"],
            description=item.get("description", ""),
            question=item.get("question", ""),
            kind=item["kind"],
            weight=item.get("weight", weights[item["kind"]]),
            scale_min=scale["min"],
            scale_max=scale["max"],
            allows_not_applicable=scale.get("allows_not_applicable", False),
            threshold=item.get("threshold"),
            position=index,
        )
        descriptors = _criterion_descriptors(item)
        ScaleLevel.objects.bulk_create(
            ScaleLevel(
                criterion=criterion,
                value=level["value"],
                label=level["fr"],
                **_descriptor_fields(ScaleLevel, descriptors.get(level["value"], {})),
            )
            for level in scale["levels"]
        )
    version.status = "published"
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return True
