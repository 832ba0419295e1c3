"""The public page of the grid app: the reference grid, for anyone."""

from django.shortcuts import render

from grid.selectors import reference_version, version_summary


def home(request):
    """Public home page: the reference grid, axis by axis."""
    version = reference_version()
    context = {"version": version, "summary": version_summary(version) if version else None}
    if version:
        first = next((c for a in version.axes.all() for c in a.criteria.all()), None)
        context["levels"] = list(first.levels.all()) if first else []
    return render(request, "grid/home.html", context)
