"""The grid editor: axes and criteria of a draft (add, change, remove, reorder) and the
audited wording fix of a published criterion. Every view asks the grid.* permissions
(grid/rules.py), writes through grid.services, and re-renders its form with the service's
French messages on refusal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require
from accounts.services import client_ip
from accounts.web import attempt
from grid.forms import AxisForm, CriterionForm, CriterionTextForm, level_initial
from grid.models import Axis, Criterion, CriterionKind, GridVersion
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
)
from grid.services.criteria import TEXT_FIELDS
from grid.views.common import conflict_rows, rebind_with, version_or_404


def _editable_draft(request, version: GridVersion) -> None:
    require(request, "grid.change_gridversion", version)
    if not version.is_draft:
        raise PermissionDenied(_("Seule une version brouillon se modifie."))


@login_required
def axis_create_view(request, pk):
    version = version_or_404(pk)
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
            conflict = conflict_rows(
                {"code": current.code, "label": current.label, "description": current.description}
                if current
                else {},
                data,
                {"code": _("Code"), "label": _("Libellé"), "description": _("Description")},
            )
            form = rebind_with(AxisForm, request, error.version.row_version)
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
    version = version_or_404(pk)
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
    "label_en": _("Libellé (anglais)"),
    "description_en": _("Description (anglais)"),
    "question_en": _("Question guide (anglais)"),
    "axis": _("Axe"),
    "kind": _("Nature"),
    "weight": _("Poids"),
    "scale_min": _("Échelle : minimum"),
    "scale_max": _("Échelle : maximum"),
    "allows_not_applicable": _("« Sans objet » autorisé"),
    "threshold": _("Seuil éliminatoire"),
}


def _criterion_form(request, version, criterion):
    initial = {"row_version": version.row_version, "kind": CriterionKind.COMPLEMENTARY}
    if criterion is not None:
        initial.update({field: getattr(criterion, field) for field in CRITERION_LABELS})
        initial["weight"] = criterion.weight.normalize()
        initial.update(level_initial(criterion.levels.all()))
    else:
        initial.update(weight=1, scale_min=0, scale_max=3)
    form_kwargs = {"version": version, "criterion": criterion}
    form = CriterionForm(request.POST or None, initial=initial, **form_kwargs)
    conflict = None
    if request.method == "POST" and form.is_valid():
        common = {
            "row_version": form.cleaned_data["row_version"],
            "levels": form.levels(),
            "descriptors": form.descriptors(),
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
            conflict = conflict_rows(now, form.criterion_fields(), CRITERION_LABELS)
            form = rebind_with(CriterionForm, request, error.version.row_version, **form_kwargs)
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
        "label_en": criterion.label_en,
        "description_en": criterion.description_en,
        "question_en": criterion.question_en,
        **level_initial(criterion.levels.all()),
    }
    form = CriterionTextForm(request.POST or None, initial=initial, criterion=criterion)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        texts = {field: data[field] for field in TEXT_FIELDS}
        try:
            criterion_fix_text(
                criterion=criterion,
                row_version=data["row_version"],
                levels=form.levels(),
                descriptors=form.descriptors(),
                by=request.user,
                ip=client_ip(request),
                **texts,
            )
        except GridVersionConflict as error:
            messages.error(request, error.message)
            current = Criterion.objects.get(pk=criterion.pk)
            conflict = conflict_rows(
                {field: getattr(current, field) for field in texts},
                texts,
                {key: CRITERION_LABELS[key] for key in texts},
            )
            form = rebind_with(
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
        attempt(
            request,
            service,
            success=_("« %(name)s » est supprimé.") % {"name": obj},
            **{kind: obj},
            row_version=request.POST.get("row_version", ""),
            by=request.user,
            ip=client_ip(request),
        )
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
    attempt(
        request,
        service,
        **target,
        direction=request.POST.get("direction", ""),
        row_version=request.POST.get("row_version", ""),
        by=request.user,
        ip=client_ip(request),
    )
    return redirect(
        f"{reverse('grid:version_edit', kwargs={'pk': version.pk})}#{target_anchor(target)}"
    )


def target_anchor(target: dict) -> str:
    ((kind, obj),) = target.items()
    return f"{kind}-{obj.pk}"
