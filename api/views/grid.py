"""The grid versions, with axes, criteria and levels."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView

from api.access import found, require
from api.filters import GridVersionFilter
from api.serializers import GridVersionDetailSerializer, GridVersionSerializer
from api.views.common import Action, Endpoint
from grid.selectors import grid_version_detail, grid_versions_for


@extend_schema(tags=["grille"], summary="Versions de la grille / grid versions")
class GridVersionList(Endpoint, ListAPIView):
    """Published and retired versions (administrators: drafts too), as on the grid pages."""

    perm = "grid.view_grid"
    serializer_class = GridVersionSerializer
    filterset_class = GridVersionFilter
    ordering_fields = ["id", "number", "published_at"]
    ordering = ["id"]

    def get_queryset(self):
        return grid_versions_for(user=self.request.user)


@extend_schema(
    tags=["grille"], summary="Une version de la grille / a grid version with axes, criteria, levels"
)
class GridVersionDetail(Action, RetrieveAPIView):
    serializer_class = GridVersionDetailSerializer

    def get_object(self):
        version = found(grid_version_detail, version_id=self.kwargs["pk"])
        require(self.request, "grid.view_gridversion", version)
        return version
