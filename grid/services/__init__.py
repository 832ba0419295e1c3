"""Writes to grids, by area: whole versions, axes, criteria. Every change to a version goes
through here: each service runs in one transaction, checks the version is a draft (or that the
change is an allowed typo fix), checks the editor's `row_version` (optimistic locking), and
records an audit event. What callers outside the package need is re-exported here."""

from grid.services.axes import axis_create, axis_delete, axis_move, axis_update
from grid.services.common import GridVersionConflict, GridVersionLocked
from grid.services.criteria import (
    criterion_create,
    criterion_delete,
    criterion_fix_text,
    criterion_move,
    criterion_update,
)
from grid.services.versions import (
    grid_create,
    grid_version_create_draft,
    grid_version_import,
    grid_version_problems,
    grid_version_publish,
    grid_version_retire,
    grid_version_update,
)

__all__ = [
    "GridVersionConflict",
    "GridVersionLocked",
    "axis_create",
    "axis_delete",
    "axis_move",
    "axis_update",
    "criterion_create",
    "criterion_delete",
    "criterion_fix_text",
    "criterion_move",
    "criterion_update",
    "grid_create",
    "grid_version_create_draft",
    "grid_version_import",
    "grid_version_problems",
    "grid_version_publish",
    "grid_version_retire",
    "grid_version_update",
]
