"""Territory figures and who the credentials act as."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.rules import is_administrator
from api.serializers import TerritoryRowSerializer, TokenInfoSerializer
from api.views.common import Action
from projects import dashboards
from projects.selectors.calls import managed_call_ids


class TerritoryQuery(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=[("region", _("Régions")), ("departement", _("Départements"))],
        default="region",
        required=False,
    )
    region = serializers.CharField(
        required=False,
        default="",
        max_length=2,
        help_text="Avec level=departement : les départements de cette région.",
    )
    call = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Un des appels que vous gérez."
    )


@extend_schema(
    tags=["territoires"],
    summary="Agrégats par région ou département / figures by territory",
    parameters=[TerritoryQuery],
    responses=TerritoryRowSerializer(many=True),
)
class TerritoryFigures(Action):
    """The territory dashboard's figures over the calls the user manages (administrators:
    all): projects submitted, selected, decided, reviews, mean total, success rate and
    projects per 100,000 inhabitants; every territory, with zeros. Not paginated (at most
    one row per département)."""

    perm = "projects.view_territory_dashboard"
    serializer_class = TerritoryRowSerializer

    def get(self, request):
        query = TerritoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        call_ids = managed_call_ids(user=request.user)
        if params["call"] is not None:
            if call_ids is not None and params["call"] not in call_ids:
                # Another funder's call is answered as if it did not exist, as on the page.
                raise NotFound
            call_ids = [params["call"]]
        rows = dashboards.territory_figures(
            call_ids=call_ids, level=params["level"], region=params["region"]
        )
        return Response(
            TerritoryRowSerializer(
                [
                    {**row.__dict__, "success_rate": row.success_rate, "per_100k": row.per_100k}
                    for row in rows
                ],
                many=True,
            ).data
        )


@extend_schema(tags=["compte"], summary="Qui suis-je / who am I", responses=TokenInfoSerializer)
class Me(Action):
    perm = "accounts.view_profile"
    serializer_class = TokenInfoSerializer

    def get(self, request):
        user = request.user
        return Response(
            TokenInfoSerializer(
                {
                    "id": user.pk,
                    "email": user.email,
                    "full_name": user.full_name,
                    "roles": sorted(user.roles),
                    "administrator": is_administrator(user),
                }
            ).data
        )
