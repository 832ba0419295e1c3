"""Permission predicates for grids."""

import rules

from accounts.rules import is_administrator


@rules.predicate
def is_published_version(user, version):
    return version is not None and not version.is_draft


rules.add_perm("grid.view_gridversion", is_administrator | is_published_version)
rules.add_perm("grid.change_gridversion", is_administrator)
rules.add_perm("grid.publish_gridversion", is_administrator)
