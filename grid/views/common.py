"""What the grid's views share: the version a URL names, and how a conflicting edit is shown
(field by field, what another administrator saved against what was submitted) and offered
again."""

from django.shortcuts import get_object_or_404

from grid.models import GridVersion


def version_or_404(pk) -> GridVersion:
    return get_object_or_404(GridVersion.objects.select_related("grid"), pk=pk)


def conflict_rows(current: dict, submitted: dict, labels: dict) -> list[dict]:
    """Field by field, what the database now holds against what the editor submitted."""
    rows = []
    for field, label in labels.items():
        now, mine = current.get(field), submitted.get(field)
        if str(now if now is not None else "") != str(mine if mine is not None else ""):
            rows.append({"field": label, "current": now, "submitted": mine})
    return rows


def rebind_with(form_class, request, row_version, **kwargs):
    """The submitted form again, carrying the current row_version: saving it once more is
    then a deliberate choice made after seeing the conflict."""
    data = request.POST.copy()
    data["row_version"] = str(row_version)
    return form_class(data, **kwargs)
