"""Writes to the axes of a draft version: add, change, remove an empty one, reorder."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from grid.models import Axis, GridVersion
from grid.services.common import (
    audit_version,
    lock_version,
    save_positions,
    swap_one_step,
    touch_version,
)


def axis_snapshot(axis: Axis) -> dict:
    """An axis as plain JSON values, for audit events."""
    return {"code": axis.code, "label": axis.label, "description": axis.description}


def _axis_code_taken(version, code, exclude_pk=None) -> bool:
    return version.axes.filter(code=code).exclude(pk=exclude_pk).exists()


def _axis_code_error(code):
    return ValidationError(
        {"code": _("Le code d'axe %(code)s est déjà utilisé dans cette version.") % {"code": code}}
    )


@transaction.atomic
def axis_create(
    *,
    version: GridVersion,
    code: str,
    label: str,
    description="",
    row_version=None,
    by=None,
    ip=None,
) -> Axis:
    """Add an axis at the end of a draft."""
    version = lock_version(version, row_version)
    if _axis_code_taken(version, code):
        raise _axis_code_error(code)
    position = (version.axes.aggregate(top=Max("position"))["top"] or 0) + 1
    axis = Axis.objects.create(
        version=version, code=code, label=label, description=description, position=position
    )
    touch_version(version)
    audit_version(by, "grid.axis.create", version, after=axis_snapshot(axis), ip=ip)
    return axis


@transaction.atomic
def axis_update(*, axis: Axis, row_version=None, by=None, ip=None, **changes) -> Axis:
    """Change the code, label or description of an axis of a draft."""
    unknown = set(changes) - {"code", "label", "description"}
    if unknown:
        raise TypeError(f"Unknown axis fields: {sorted(unknown)}")
    version = lock_version(axis.version, row_version)
    axis = Axis.objects.get(pk=axis.pk)
    if "code" in changes and _axis_code_taken(version, changes["code"], axis.pk):
        raise _axis_code_error(changes["code"])
    before = axis_snapshot(axis)
    for field, value in changes.items():
        setattr(axis, field, value)
    axis.save()
    touch_version(version)
    audit_version(by, "grid.axis.update", version, before=before, after=axis_snapshot(axis), ip=ip)
    return axis


@transaction.atomic
def axis_delete(*, axis: Axis, row_version=None, by=None, ip=None) -> None:
    """Remove an empty axis from a draft."""
    version = lock_version(axis.version, row_version)
    before = axis_snapshot(axis)
    try:
        Axis.objects.get(pk=axis.pk).delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "L'axe %(code)s contient encore des critères : supprimez-les ou rattachez-les à "
                "un autre axe d'abord."
            )
            % {"code": axis.code},
            code="protected",
        ) from None
    touch_version(version)
    audit_version(by, "grid.axis.delete", version, before=before, ip=ip)


@transaction.atomic
def axis_move(*, axis: Axis, direction: str, row_version=None, by=None, ip=None) -> None:
    """Move an axis one place up or down in a draft."""
    version = lock_version(axis.version, row_version)
    axes = list(version.axes.order_by("position", "code"))
    current = next(a for a in axes if a.pk == axis.pk)
    if not swap_one_step(axes, current, direction):
        return
    save_positions(axes)
    touch_version(version)
    audit_version(
        by,
        "grid.axis.move",
        version,
        after={"order": [a.code for a in axes]},
        ip=ip,
    )
