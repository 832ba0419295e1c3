"""Reads of grids."""

from django.db.models import Prefetch

from grid.models import Axis, Criterion, GridVersion


def grid_version_detail(*, version_id: int) -> GridVersion:
    """A version with axes → criteria → levels prefetched: a constant four queries."""
    criteria = Criterion.objects.prefetch_related("levels").order_by("position", "code")
    axes = Axis.objects.prefetch_related(Prefetch("criteria", queryset=criteria))
    return (
        GridVersion.objects.select_related("grid")
        .prefetch_related(Prefetch("axes", queryset=axes))
        .get(pk=version_id)
    )


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
