"""What every write to a grid version shares: the refusals (a published version, a stale
editor), the row lock taken before any change, the bump of `row_version` after it, and the
audit event filed under the version."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.services import audit_record
from grid.models import GridVersion


class GridVersionLocked(ValidationError):
    """A published (or retired) version was asked to change."""


class GridVersionConflict(ValidationError):
    """The editor's form was built on an older state of the version (optimistic locking)."""

    def __init__(self, version: GridVersion):
        self.version = version
        super().__init__(
            _(
                "Un autre administrateur a modifié cette version pendant que vous la modifiiez. "
                "Rien n'a été enregistré : vérifiez les différences ci-dessous, puis validez à "
                "nouveau si vous souhaitez remplacer ses modifications."
            ),
            code="conflict",
        )


def require_draft(version: GridVersion) -> None:
    if not version.is_draft:
        raise GridVersionLocked(
            _(
                "La version %(number)s est publiée : elle ne peut plus changer. "
                "Créez une nouvelle version pour modifier la grille."
            ),
            code="locked",
            params={"number": version.number},
        )


def lock_version(version: GridVersion, row_version=None, *, draft: bool = True) -> GridVersion:
    """Lock the version row for this transaction; refuse a published version (when `draft`)
    and a stale editor (when its `row_version` is not the current one).

    `row_version=None` is for the application's own callers (imports, copies, the demo), which
    hold no form. Whatever an editor posts is compared as text: an empty, missing or
    malformed value is a conflict like an old one, never a way around the check."""
    locked = GridVersion.objects.select_for_update().select_related("grid").get(pk=version.pk)
    if draft:
        require_draft(locked)
    if row_version is not None and str(row_version).strip() != str(locked.row_version):
        raise GridVersionConflict(locked)
    return locked


def touch_version(version: GridVersion) -> None:
    """Count a change to the version's content, so that editors still holding the previous
    `row_version` get a conflict instead of overwriting it."""
    version.row_version += 1
    version.save(update_fields=["row_version"])


def audit_version(by, action: str, version: GridVersion, before=None, after=None, ip=None):
    # Grid events are filed under the version, so its page shows its whole history.
    audit_record(actor=by, action=action, obj=version, before=before, after=after, ip=ip)


def swap_one_step(items: list, item, direction: str) -> bool:
    """Move `item` one step up or down in `items`, in place; False (and nothing moved) for an
    unknown direction or a step past either end."""
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not (0 <= target < len(items)):
        return False
    items[index], items[target] = items[target], items[index]
    return True


def save_positions(items: list) -> None:
    """Store the order of `items` as positions 0..n-1, writing only the rows that moved."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
