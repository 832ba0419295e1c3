import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import allowed, require
from accounts.services import client_ip
from grid import interchange
from grid.forms import (
    AxisForm,
    CriterionForm,
    CriterionTextForm,
    GridCreateForm,
    GridImportForm,
    GridVersionForm,
)
from grid.models import Axis, Criterion, CriterionKind, GridVersion
from grid.selectors import (
    grid_list_for,
    grid_version_detail,
    grid_version_diff,
    grid_version_history,
    previous_version,
    reference_version,
    version_summary,
)
from grid.services import (
    GridVersionConflict,
    axis_create,
    axis_delete,
    axis_move,
    axis_update,
    criterion_create,
    criterion_delete,
    criterion_fix_text,
    criterion_move,
    criterion_update,
    grid_create,
    grid_version_create_draft,
    grid_version_import,
    grid_version_problems,
    grid_version_publish,
    grid_version_retire,
    grid_version_update,
)


def home(request):
    """Public home page: the reference grid, axis by axis."""
    version = reference_version()
    context = {"version": version, "summary": version_summary(version) if version else None}
    if version:
        first = next((c for a in version.axes.all() for c in a.criteria.all()), None)
        context["levels"] = list(first.levels.all()) if first else []
    return render(request, "grid/home.html", context)


# The grid editor. Every view asks the grid.* permissions (grid/rules.py), writes through
# grid.services, and re-renders its form with the service's French messages on refusal.


def _version(pk) -> GridVersion:
    return get_object_or_404(GridVersion.objects.select_related("grid"), pk=pk)


def _editable_draft(request, version: GridVersion) -> None:
    require(request, "grid.change_gridversion", version)
    if not version.is_draft:
        raise PermissionDenied(_("Seule une version brouillon se modifie."))


def _conflict_rows(current: dict, submitted: dict, labels: dict) -> list[dict]:
    """Field by field, what the database now holds against what the editor submitted."""
    rows = []
    for field, label in labels.items():
        now, mine = current.get(field), submitted.get(field)
        if str(now if now is not None else "") != str(mine if mine is not None else ""):
            rows.append({"field": label, "current": now, "submitted": mine})
    return rows


def _rebind_with(form_class, request, row_version, **kwargs):
    """The submitted form again, carrying the current row_version: saving it once more is
    then a deliberate choice made after seeing the conflict."""
    data = request.POST.copy()
    data["row_version"] = str(row_version)
    return form_class(data, **kwargs)


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
            draft = grid_create(
                slug=data["slug"],
                name=data["name"],
                source=data["source"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("slug" if hasattr(error, "error_dict") else None, error.messages)
        else:
            messages.success(request, _("La grille est créée : sa version 1 est un brouillon."))
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
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems = [_("Le fichier n'est pas du JSON valide (%(error)s).") % {"error": error}]
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
    version = _version(pk)
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
    version = _version(pk)
    require(request, "grid.change_gridversion", version)
    if not version.is_draft:
        # A stale bookmark after publication: say why instead of a bare 403.
        messages.info(
            request,
            _("Cette version est publiée : créez une nouvelle version pour la modifier."),
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
            conflict = _conflict_rows(
                {"label": error.version.label},
                form.cleaned_data,
                {"label": _("Libellé de la version")},
            )
            messages.error(request, error.message)
            form = _rebind_with(GridVersionForm, request, error.version.row_version)
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
    version = _version(pk)
    require(request, "grid.change_gridversion", version)
    try:
        draft = grid_version_create_draft(source=version, by=request.user, ip=client_ip(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("grid:version_detail", pk=version.pk)
    messages.success(
        request, _("La version %(number)s est créée en brouillon.") % {"number": draft.number}
    )
    return redirect("grid:version_edit", pk=draft.pk)


@login_required
@require_POST
def version_retire(request, pk):
    version = _version(pk)
    require(request, "grid.publish_gridversion", version)
    try:
        grid_version_retire(
            version=version,
            row_version=request.POST.get("row_version"),
            by=request.user,
            ip=client_ip(request),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("La version %(number)s est retirée.") % {"number": version.number}
        )
    return redirect("grid:version_detail", pk=version.pk)


@login_required
def version_publish(request, pk):
    """Confirmation page showing the changes against the previous version, then publication."""
    version = _version(pk)
    require(request, "grid.publish_gridversion", version)
    if not version.is_draft:
        messages.info(request, _("Cette version est déjà publiée."))
        return redirect("grid:version_detail", pk=version.pk)
    if request.method == "POST":
        try:
            grid_version_publish(
                version=version,
                row_version=request.POST.get("row_version"),
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
    version = _version(pk)
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
    version = _version(pk)
    require(request, "grid.view_gridversion", version)
    payload = interchange.version_export(grid_version_detail(version_id=version.pk))
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"{version.grid.slug}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def axis_create_view(request, pk):
    version = _version(pk)
    _editable_draft(request, version)
    return _axis_form(request, version, None)


@login_required
def axis_edit(request, pk):
    axis = get_object_or_404(Axis.objects.select_related("version__grid"), pk=pk)
    _editable_draft(request, axis.version)
    return _axis_form(request, axis.version, axis)


def _axis_form(request, version, axis):
    initial = {"row_version": version.row_version}
    if axis is not None:
        initial.update(code=axis.code, label=axis.label, description=axis.description)
    form = AxisForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"code": data["code"], "label": data["label"], "description": data["description"]}
        common = {"row_version": data["row_version"], "by": request.user, "ip": client_ip(request)}
        try:
            if axis is None:
                axis_create(version=version, **fields, **common)
            else:
                axis_update(axis=axis, **fields, **common)
        except GridVersionConflict as error:
            messages.error(request, error.message)
            current = Axis.objects.filter(pk=axis.pk).first() if axis else None
            conflict = _conflict_rows(
                {"code": current.code, "label": current.label, "description": current.description}
                if current
                else {},
                data,
                {"code": _("Code"), "label": _("Libellé"), "description": _("Description")},
            )
            form = _rebind_with(AxisForm, request, error.version.row_version)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("L'axe est enregistré."))
            return redirect("grid:version_edit", pk=version.pk)
    context = {"form": form, "version": version, "axis": axis, "conflict": conflict}
    return render(request, "grid/axis_form.html", context)


@login_required
def criterion_create_view(request, pk):
    version = _version(pk)
    _editable_draft(request, version)
    return _criterion_form(request, version, None)


@login_required
def criterion_edit(request, pk):
    criterion = get_object_or_404(
        Criterion.objects.select_related("version__grid", "axis").prefetch_related("levels"),
        pk=pk,
    )
    _editable_draft(request, criterion.version)
    return _criterion_form(request, criterion.version, criterion)


CRITERION_LABELS = {
    "code": _("Code"),
    "label": _("Libellé"),
    "description": _("Description"),
    "question": _("Question guide"),
    "axis": _("Axe"),
    "kind": _("Nature"),
    "weight": _("Poids"),
    "scale_min": _("Échelle : minimum"),
    "scale_max": _("Échelle : maximum"),
    "allows_not_applicable": _("« Sans objet » autorisé"),
    "threshold": _("Seuil éliminatoire"),
}


def _criterion_form(request, version, criterion):
    initial = {"row_version": version.row_version, "kind": CriterionKind.COMPLEMENTARY}
    if criterion is not None:
        initial.update({field: getattr(criterion, field) for field in CRITERION_LABELS})
        initial["weight"] = criterion.weight.normalize()
        initial.update({f"level_{lv.value}": lv.label for lv in criterion.levels.all()})
    else:
        initial.update(weight=1, scale_min=0, scale_max=3)
    form_kwargs = {"version": version, "criterion": criterion}
    form = CriterionForm(request.POST or None, initial=initial, **form_kwargs)
    conflict = None
    if request.method == "POST" and form.is_valid():
        common = {
            "row_version": form.cleaned_data["row_version"],
            "levels": form.levels(),
            "by": request.user,
            "ip": client_ip(request),
        }
        try:
            if criterion is None:
                criterion_create(version=version, **form.criterion_fields(), **common)
            else:
                criterion_update(criterion=criterion, **form.criterion_fields(), **common)
        except GridVersionConflict as error:
            messages.error(request, error.message)
            current = Criterion.objects.filter(pk=criterion.pk).first() if criterion else None
            if current is None and criterion is not None:
                messages.error(request, _("Ce critère a été supprimé entre-temps."))
                return redirect("grid:version_edit", pk=version.pk)
            now = {field: getattr(current, field) for field in CRITERION_LABELS} if current else {}
            conflict = _conflict_rows(now, form.criterion_fields(), CRITERION_LABELS)
            form = _rebind_with(CriterionForm, request, error.version.row_version, **form_kwargs)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Le critère est enregistré."))
            return redirect("grid:version_edit", pk=version.pk)
    context = {"form": form, "version": version, "criterion": criterion, "conflict": conflict}
    return render(request, "grid/criterion_form.html", context)


@login_required
def criterion_fix_text_view(request, pk):
    """Correct the wording of a criterion of a published version: an explicit, audited act."""
    criterion = get_object_or_404(
        Criterion.objects.select_related("version__grid").prefetch_related("levels"), pk=pk
    )
    version = criterion.version
    require(request, "grid.fix_text_gridversion", version)
    initial = {
        "row_version": version.row_version,
        "label": criterion.label,
        "description": criterion.description,
        "question": criterion.question,
        **{f"level_{level.value}": level.label for level in criterion.levels.all()},
    }
    form = CriterionTextForm(request.POST or None, initial=initial, criterion=criterion)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        texts = {field: data[field] for field in ("label", "description", "question")}
        try:
            criterion_fix_text(
                criterion=criterion,
                row_version=data["row_version"],
                levels=form.levels(),
                by=request.user,
                ip=client_ip(request),
                **texts,
            )
        except GridVersionConflict as error:
            messages.error(request, error.message)
            current = Criterion.objects.get(pk=criterion.pk)
            conflict = _conflict_rows(
                {field: getattr(current, field) for field in texts},
                texts,
                {key: CRITERION_LABELS[key] for key in texts},
            )
            form = _rebind_with(
                CriterionTextForm, request, error.version.row_version, criterion=criterion
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("La correction est enregistrée et journalisée."))
            return redirect("grid:version_detail", pk=version.pk)
    context = {"form": form, "version": version, "criterion": criterion, "conflict": conflict}
    return render(request, "grid/criterion_fix_text.html", context)


@login_required
def axis_delete_view(request, pk):
    axis = get_object_or_404(Axis.objects.select_related("version__grid"), pk=pk)
    _editable_draft(request, axis.version)
    return _delete(request, axis.version, axis, axis_delete, "axis")


@login_required
def criterion_delete_view(request, pk):
    criterion = get_object_or_404(Criterion.objects.select_related("version__grid"), pk=pk)
    _editable_draft(request, criterion.version)
    return _delete(request, criterion.version, criterion, criterion_delete, "criterion")


def _delete(request, version, obj, service, kind):
    """A confirmation page, then the service; a protected object gives its message."""
    if request.method == "POST":
        try:
            service(
                **{kind: obj},
                row_version=request.POST.get("row_version"),
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("« %(name)s » est supprimé.") % {"name": obj})
        return redirect("grid:version_edit", pk=version.pk)
    return render(request, "grid/confirm_delete.html", {"version": version, "object": obj})


@login_required
@require_POST
def axis_move_view(request, pk):
    axis = get_object_or_404(Axis.objects.select_related("version__grid"), pk=pk)
    _editable_draft(request, axis.version)
    return _move(request, axis.version, axis_move, axis=axis)


@login_required
@require_POST
def criterion_move_view(request, pk):
    criterion = get_object_or_404(Criterion.objects.select_related("version__grid"), pk=pk)
    _editable_draft(request, criterion.version)
    return _move(request, criterion.version, criterion_move, criterion=criterion)


def _move(request, version, service, **target):
    try:
        service(
            **target,
            direction=request.POST.get("direction", ""),
            row_version=request.POST.get("row_version"),
            by=request.user,
            ip=client_ip(request),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(
        f"{reverse('grid:version_edit', kwargs={'pk': version.pk})}#{target_anchor(target)}"
    )


def target_anchor(target: dict) -> str:
    ((kind, obj),) = target.items()
    return f"{kind}-{obj.pk}"
