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
        ScaleLevel.objects.bulk_create(
            ScaleLevel(criterion=criterion, value=level["value"], label=level["fr"])
            for level in scale["levels"]
        )
    version.status = "published"
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return True
