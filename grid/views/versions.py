"""Grids and their versions as wholes: the list, a new grid, an imported file, a version's
page, its draft's label, a new draft, publication, retirement, comparison and export. Every view
asks the grid.* permissions (grid/rules.py), writes through grid.services, and shows the
service's French messages on refusal."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import allowed, require
from accounts.services import client_ip, create_once
from accounts.web import attempt
from grid import interchange
from grid.forms import GridCreateForm, GridImportForm, GridVersionForm
from grid.selectors import (
    grid_list_for,
    grid_version_detail,
    grid_version_diff,
    grid_version_history,
    previous_version,
    version_summary,
)
from grid.services import (
    GridVersionConflict,
    grid_create,
    grid_version_create_draft,
    grid_version_import,
    grid_version_problems,
    grid_version_publish,
    grid_version_retire,
    grid_version_update,
)
from grid.views.common import conflict_rows, rebind_with, version_or_404


@login_required
def grid_list(request):
    """Grids and their versions: every version for administrators, published ones otherwise."""
    require(request, "grid.view_grid")
    grids = grid_list_for(request.user)
    can_edit = allowed(request, "grid.change_gridversion")
    for grid in grids:
        if can_edit:
            grid.visible_versions = list(grid.versions.all())
        grid.has_draft = any(v.is_draft for v in grid.versions.all())
    return render(request, "grid/grid_list.html", {"grids": grids, "can_edit": can_edit})


@login_required
def grid_create_view(request):
    require(request, "grid.add_grid")
    form = GridCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft = create_once(
                key=data["once"],
                user=request.user,
                create=lambda: grid_create(
                    slug=data["slug"],
                    name=data["name"],
                    source=data["source"],
                    by=request.user,
                    ip=client_ip(request),
                ),
            )
        except ValidationError as error:
            form.add_error("slug" if hasattr(error, "error_dict") else None, error.messages)
        else:
            messages.success(request, _("La grille est créée : sa version 1 est un brouillon."))
            return redirect("grid:version_edit", pk=draft.pk)
    return render(request, "grid/grid_form.html", {"form": form})


@login_required
def grid_import(request):
    require(request, "grid.add_grid")
    form = GridImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            payload = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            # ValueError: malformed JSON, or an integer of thousands of digits;
            # RecursionError: nesting deeper than the parser goes.
            problems = [
                _("Le fichier n'est pas du JSON valide (%(error)s).")
                % {"error": str(error)[:200] or type(error).__name__}
            ]
        else:
            try:
                draft = grid_version_import(
                    payload=payload,
                    grid=form.cleaned_data["grid"],
                    by=request.user,
                    ip=client_ip(request),
                )
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(request, _("Le fichier est importé dans une version brouillon."))
                return redirect("grid:version_edit", pk=draft.pk)
    return render(request, "grid/grid_import.html", {"form": form, "problems": problems})


@login_required
def version_detail(request, pk):
    version = version_or_404(pk)
    require(request, "grid.view_gridversion", version)
    version = grid_version_detail(version_id=version.pk)
    can_history = allowed(request, "grid.view_gridversion_history", version)
    context = {
        "version": version,
        "summary": version_summary(version),
        "history": list(grid_version_history(version=version)) if can_history else None,
        "others": version.grid.versions.exclude(pk=version.pk),
        "can_edit": allowed(request, "grid.change_gridversion", version),
    }
    return render(request, "grid/gridversion_detail.html", context)


@login_required
def version_edit(request, pk):
    """The editor page of a draft: its label, axes and criteria, and what blocks publishing."""
    version = version_or_404(pk)
    require(request, "grid.change_gridversion", version)
    if not version.is_draft:
        # A stale bookmark after publication: say why instead of a bare 403.
        messages.info(
            request,
            _("Cette version est publiée : créez une nouvelle version pour la modifier."),
        )
        return redirect("grid:version_detail", pk=version.pk)
    form = GridVersionForm(
        request.POST or None, initial={"label": version.label, "row_version": version.row_version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            grid_version_update(
                version=version,
                label=form.cleaned_data["label"],
                row_version=form.cleaned_data["row_version"],
                by=request.user,
                ip=client_ip(request),
            )
        except GridVersionConflict as error:
            conflict = conflict_rows(
                {"label": error.version.label},
                form.cleaned_data,
                {"label": _("Libellé de la version")},
            )
            messages.error(request, error.message)
            form = rebind_with(GridVersionForm, request, error.version.row_version)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Le libellé de la version est enregistré."))
            return redirect("grid:version_edit", pk=version.pk)
    version = grid_version_detail(version_id=version.pk)
    context = {
        "version": version,
        "form": form,
        "conflict": conflict,
        "problems": grid_version_problems(version),
        "summary": version_summary(version),
    }
    return render(request, "grid/gridversion_edit.html", context)


@login_required
@require_POST
def version_new_draft(request, pk):
    version = version_or_404(pk)
    require(request, "grid.change_gridversion", version)
    done, draft = attempt(
        request, grid_version_create_draft, source=version, by=request.user, ip=client_ip(request)
    )
    if not done:
        return redirect("grid:version_detail", pk=version.pk)
    messages.success(
        request, _("La version %(number)s est créée en brouillon.") % {"number": draft.number}
    )
    return redirect("grid:version_edit", pk=draft.pk)


@login_required
@require_POST
def version_retire(request, pk):
    version = version_or_404(pk)
    require(request, "grid.publish_gridversion", version)
    attempt(
        request,
        grid_version_retire,
        success=_("La version %(number)s est retirée.") % {"number": version.number},
        version=version,
        row_version=request.POST.get("row_version", ""),
        by=request.user,
        ip=client_ip(request),
    )
    return redirect("grid:version_detail", pk=version.pk)


@login_required
def version_publish(request, pk):
    """Confirmation page showing the changes against the previous version, then publication."""
    version = version_or_404(pk)
    require(request, "grid.publish_gridversion", version)
    if not version.is_draft:
        messages.info(request, _("Cette version est déjà publiée."))
        return redirect("grid:version_detail", pk=version.pk)
    if request.method == "POST":
        try:
            grid_version_publish(
                version=version,
                row_version=request.POST.get("row_version", ""),
                by=request.user,
                ip=client_ip(request),
            )
        except GridVersionConflict as error:
            messages.error(request, error.message)
            return redirect("grid:version_publish", pk=version.pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("La version %(number)s est publiée.") % {"number": version.number}
            )
            return redirect("grid:version_detail", pk=version.pk)
    previous = previous_version(version)
    context = {
        "version": version,
        "previous": previous,
        "diff": grid_version_diff(old=previous, new=version) if previous else None,
        "problems": grid_version_problems(version),
    }
    return render(request, "grid/gridversion_publish.html", context)


@login_required
def version_diff(request, pk):
    """Compare a version with another version of the same grid (`?avec=<pk>`)."""
    version = version_or_404(pk)
    require(request, "grid.view_gridversion", version)
    others = [
        other
        for other in version.grid.versions.exclude(pk=version.pk)
        if allowed(request, "grid.view_gridversion", other)
    ]
    other = None
    if request.GET.get("avec"):
        other = next((v for v in others if str(v.pk) == request.GET["avec"]), None)
        if other is None:
            raise Http404
    elif others:
        other = previous_version(version) if version.based_on_id else others[0]
        if other is not None and other not in others:
            other = others[0]
    diff = None
    if other is not None:
        old, new = sorted([other, version], key=lambda v: v.number)
        diff = grid_version_diff(old=old, new=new)
    context = {"version": version, "others": others, "other": other, "diff": diff}
    return render(request, "grid/gridversion_diff.html", context)


@login_required
def version_export(request, pk):
    version = version_or_404(pk)
    require(request, "grid.view_gridversion", version)
    payload = interchange.version_export(grid_version_detail(version_id=version.pk))
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"{version.grid.slug}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
