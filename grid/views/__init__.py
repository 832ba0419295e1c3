"""Views of the grid app, by area: the public home page, grids and their versions as wholes,
and the editor of a draft's axes and criteria. Thin: fetch through selectors, ask a
permission, call a service, render. The home page is re-exported for the site's URLs."""

from grid.views.public import home

__all__ = ["home"]
