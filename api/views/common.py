"""What the API's endpoints share."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.access import require
from api.pagination import Cursor
from api.serializers import ConflictSerializer
from api.services import idempotency_claim, idempotency_store
from grid.selectors import version_criteria

IDEMPOTENCY_HEADER = "Idempotency-Key"


class Endpoint(GenericAPIView):
    """An endpoint: `perm`, when set, is asked before anything else (a permission without
    object); object permissions are asked where the object is read."""

    perm: str | None = None
    pagination_class = Cursor
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.perm:
            require(request, self.perm)


class Action(Endpoint):
    """An endpoint that is not a list: no pagination, no filters."""

    pagination_class = None
    filter_backends = []


def criteria_by_code(version_id: int) -> dict:
    return {criterion.code: criterion for criterion in version_criteria(version_id)}


def scores_by_criterion(scores: list[dict], criteria: dict) -> dict:
    """The service's form of scores (criterion id → (value, comment)) from the API's (codes);
    an unknown code is a 400 on `scores`."""
    unknown = sorted({score["criterion"] for score in scores} - set(criteria))
    if unknown:
        raise ValidationError(
            {
                "scores": [
                    _("Critère inconnu pour la grille de l'appel : %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                ]
            }
        )
    return {
        criteria[score["criterion"]].pk: (score["value"], score.get("comment", ""))
        for score in scores
    }


def conflict(message, row_version) -> Response:
    """409: someone saved since the client read; the current row version lets it re-read."""
    body = ConflictSerializer({"detail": str(message), "row_version": row_version}).data
    return Response(body, status=status.HTTP_409_CONFLICT)


def idempotent(request, create) -> Response:
    """Run `create()` (→ Response) once per `Idempotency-Key` of the user: the same key again
    gets the first answer back instead of a second object. Without the header, `create()` runs.
    Both happen in one transaction, so a refused creation leaves the key free."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        return create()
    if len(key) > 100:
        raise ValidationError({IDEMPOTENCY_HEADER: [_("100 caractères au plus.")]})
    try:
        with transaction.atomic():
            record, created = idempotency_claim(user=request.user, key=key, path=request.path)
            if not created:
                if record.path != request.path:
                    return Response(
                        {"detail": _("Cette clé d'idempotence a déjà servi à une autre requête.")},
                        status=status.HTTP_409_CONFLICT,
                    )
                response = Response(record.body, status=record.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
            response = create()
            idempotency_store(record=record, status_code=response.status_code, body=response.data)
            return response
    except IntegrityError:
        # The same key sent twice at once: the other request is creating; the client retries.
        return Response(
            {"detail": _("Une requête avec cette clé d'idempotence est en cours.")},
            status=status.HTTP_409_CONFLICT,
        )
