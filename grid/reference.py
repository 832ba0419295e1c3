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


def _known(Model, values: dict) -> dict:
    """Those of `values` that `Model` has fields for: the migration that installs the grid runs
    before the English fields exist (0004 and 0005 fill them in)."""
    names = {field.name for field in Model._meta.get_fields()}
    return {name: value for name, value in values.items() if name in names}


def _descriptor_fields(ScaleLevel, level: dict) -> dict:
    return _known(
        ScaleLevel,
        {
            "description": level.get("description", ""),
            "description_en": level.get("description_en", ""),
        },
    )


def _english_texts(payload: dict) -> dict:
    """The file's English texts by row: ("grid",), ("axis", code), ("criterion", code) and
    ("level", criterion code, value) → {field: English}."""
    texts = {
        ("grid",): {"name_en": payload["name"].get("en", "")},
        ("version",): {"label_en": payload.get("version_label_en", "")},
    }
    for axis in payload["axes"]:
        texts[("axis", axis["code"])] = {"label_en": axis.get("en", "")}
    levels = {level["value"]: level for level in payload["scale"]["levels"]}
    for item in payload["criteria"]:
        texts[("criterion", item["code"])] = {
            "label_en": item.get("en", ""),
            "description_en": item.get("description_en", ""),
            "question_en": item.get("question_en", ""),
        }
        for value, level in levels.items():
            texts[("level", item["code"], value)] = {"label_en": level.get("en", "")}
    return texts


def fill_reference_english(get_model) -> int:
    """Write the file's English texts (grid name, axis and criterion labels, descriptions,
    guiding questions, level labels) into version 1 of the reference grid where they are blank
    (an administrator's own wording is kept). Idempotent; returns the number of rows changed."""
    Grid = get_model("grid", "Grid")
    GridVersion = get_model("grid", "GridVersion")
    payload = read_reference()
    version = GridVersion.objects.filter(grid__slug=payload["slug"], number=1).first()
    if version is None:
        return 0
    texts = _english_texts(payload)
    rows = [(("grid",), Grid.objects.get(pk=version.grid_id)), (("version",), version)]
    rows += [
        (("axis", axis.code), axis)
        for axis in get_model("grid", "Axis").objects.filter(version=version)
    ]
    criteria = get_model("grid", "Criterion").objects.filter(version=version)
    rows += [(("criterion", criterion.code), criterion) for criterion in criteria]
    levels = get_model("grid", "ScaleLevel").objects.filter(criterion__version=version)
    rows += [
        (("level", level.criterion.code, level.value), level)
        for level in levels.select_related("criterion")
    ]
    changed = 0
    for key, row in rows:
        updates = {
            field: english
            for field, english in texts.get(key, {}).items()
            if english and not (getattr(row, field) or "").strip()
        }
        for field, english in updates.items():
            setattr(row, field, english)
        if updates:
            # Wording stays writable in a published version (migration 0002's triggers).
            row.save(update_fields=list(updates))
            changed += 1
    return changed


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
        **_known(Grid, {"name_en": payload["name"].get("en", "")}),
    )
    # Rows go into a draft, which is then published: the immutability triggers refuse
    # inserts into a version that is already published.
    version = GridVersion.objects.create(
        grid=grid,
        number=1,
        label=payload.get("version_label", ""),
        status="draft",
        **_known(GridVersion, {"label_en": payload.get("version_label_en", "")}),
    )
    axes = {
        axis["code"]: Axis.objects.create(
            version=version,
            code=axis["code"],
            label=axis["fr"],
            position=index,
            **_known(Axis, {"label_en": axis.get("en", "")}),
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
            **_known(
                Criterion,
                {
                    "label_en": item.get("en", ""),
                    "description_en": item.get("description_en", ""),
                    "question_en": item.get("question_en", ""),
                },
            ),
        )
        descriptors = _criterion_descriptors(item)
        ScaleLevel.objects.bulk_create(
            ScaleLevel(
                criterion=criterion,
                value=level["value"],
                label=level["fr"],
                **_known(ScaleLevel, {"label_en": level.get("en", "")}),
                **_descriptor_fields(ScaleLevel, descriptors.get(level["value"], {})),
            )
            for level in scale["levels"]
        )
    version.status = "published"
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return True
