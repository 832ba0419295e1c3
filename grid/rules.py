"""Permission predicates for grids.

Administrators edit. Funders and reviewers read published (and retired) versions: they open
calls on them and score with them. Drafts are administrators' work in progress. Project holders
read the version of a call on the call's page (projects app), not in the grid pages.
"""

import rules

from accounts.rules import is_administrator, is_funder, is_reviewer


@rules.predicate
def is_published_version(user, version):
    return version is not None and not version.is_draft


is_grid_reader = is_funder | is_reviewer

rules.add_perm("grid.view_grid", is_administrator | is_grid_reader)
rules.add_perm("grid.view_gridversion", is_administrator | (is_grid_reader & is_published_version))
rules.add_perm("grid.add_grid", is_administrator)
rules.add_perm("grid.change_gridversion", is_administrator)
rules.add_perm("grid.publish_gridversion", is_administrator)
# Wording fixes on published versions: an explicit, audited administrator action.
rules.add_perm("grid.fix_text_gridversion", is_administrator)
rules.add_perm("grid.view_gridversion_history", is_administrator)
