"""Territory figures and who the credentials act as."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.rules import is_administrator
from api.figures import TerritoryRowSerializer
from api.serializers import TokenInfoSerializer
from api.views.common import Action
from projects import dashboards
from projects.models import Call
from projects.selectors.calls import territory_scope


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
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Une version de la grille de vos appels (par défaut : celle de l'appel "
        "ouvert le plus récemment). Les chiffres portent sur une seule version.",
    )


@extend_schema(
    tags=["territoires"],
    summary="Agrégats par région ou département / figures by territory",
    parameters=[TerritoryQuery],
    responses=TerritoryRowSerializer(many=True),
)
class TerritoryFigures(Action):
    """The territory dashboard's figures over the calls the user manages (administrators:
    all) on one grid version: projects submitted, assessed, decided and selected, the mean
    of the projects' mean totals, success rate (selected ÷ decided), projects per 100,000
    inhabitants, amounts requested and granted; every territory, with zeros. Not paginated
    (at most one row per département)."""

    perm = "projects.view_territory_dashboard"
    serializer_class = TerritoryRowSerializer

    def get(self, request):
        query = TerritoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            scope = territory_scope(
                user=request.user, call_pk=params["call"], version_pk=params["version"]
            )
        except (Call.DoesNotExist, LookupError) as missing:
            # Another funder's call is answered as if it did not exist, as on the page.
            raise NotFound from missing
        rows = dashboards.territory_figures(
            call_ids=scope.call_ids, level=params["level"], region=params["region"]
        )
        return Response(TerritoryRowSerializer(rows, many=True).data)


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
