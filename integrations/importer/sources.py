"""Connecting a call to its démarche, mapping the champs to the project's fields, and
queueing an import: what the funder does on the page (services)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.outgoing import ServiceError
from accounts.services import audit_record
from integrations.crypto import token_decrypt, token_encrypt
from integrations.demarches import DemarchesClient
from integrations.importer.runs import demarche_import
from integrations.models import MAPPABLE_FIELDS, DemarcheSource, ImportStatus
from projects.models import CallStatus


def _require_call_open_to_imports(call) -> None:
    if call.status == CallStatus.DECIDED:
        raise ValidationError(
            _("Les décisions de cet appel sont prises : il ne reçoit plus de dossiers."),
            code="decided",
        )


def demarche_source_connect(*, call, number: int, token: str, by: User) -> DemarcheSource:
    """Connect (or reconnect) the call's démarche: the API must know the démarche and accept
    the token, whose champs are kept for the mapping. The token is stored encrypted; an
    empty token keeps the one stored. The API is asked before any database lock is taken."""
    _require_call_open_to_imports(call)
    source = DemarcheSource.objects.filter(call=call).first()
    if not token:
        token = token_decrypt(source.token_encrypted) if source else None
        if not token:
            raise ValidationError({"token": _("Donnez le jeton d'accès à l'API.")})
    try:
        demarche = DemarchesClient(token).demarche(number)
    except ServiceError as error:
        raise ValidationError(error.message, code=error.code) from None
    return _demarche_source_save(call=call, number=number, token=token, demarche=demarche, by=by)


@transaction.atomic
def _demarche_source_save(*, call, number: int, token: str, demarche: dict, by: User):
    source = DemarcheSource.objects.select_for_update().filter(call=call).first()
    if source is not None and source.is_busy:
        raise ValidationError(_("Un import est en cours : attendez qu'il se termine."))
    if source is None:
        source = DemarcheSource(call=call, created_by=by)
    elif source.number != number:
        if source.dossiers.exists():
            raise ValidationError(
                {
                    "number": _(
                        "Des dossiers de la démarche %(number)s sont déjà importés dans cet "
                        "appel : elle ne peut plus être remplacée."
                    )
                    % {"number": source.number}
                }
            )
        source.field_map = {}
        source.synced_until = None
    source.number = number
    source.title = demarche["title"]
    source.descriptors = demarche["descriptors"]
    source.token_encrypted = token_encrypt(token)
    source.row_version += 1
    source.save()
    audit_record(
        actor=by,
        action="demarche.connect",
        obj=call,
        after={"demarche": number, "title": demarche["title"]},
    )
    return source


@transaction.atomic
def demarche_source_for_update(*, source: DemarcheSource, row_version: int) -> DemarcheSource:
    """The source locked for a change made from the page, refused when it changed since the
    page was opened (optimistic locking: the form carries the row version it showed)."""
    source = DemarcheSource.objects.select_for_update().get(pk=source.pk)
    if row_version != source.row_version:
        raise ValidationError(
            _(
                "Quelqu'un a modifié cette démarche depuis que vous avez ouvert la page : "
                "rechargez-la."
            ),
            code="conflict",
        )
    return source


def demarche_source_map(
    *, source: DemarcheSource, field_map: dict, row_version: int, by: User
) -> DemarcheSource:
    """Keep which champ fills which project field (MAPPABLE_FIELDS); the title is required."""
    source = demarche_source_for_update(source=source, row_version=row_version)
    known = {descriptor["id"] for descriptor in source.descriptors}
    cleaned = {}
    for field, champ in field_map.items():
        if field not in MAPPABLE_FIELDS:
            continue
        if champ and champ not in known:
            raise ValidationError({field: _("Ce champ n'est pas dans la démarche.")})
        if champ:
            cleaned[field] = champ
    if "title" not in cleaned:
        raise ValidationError({"title": _("Choisissez le champ qui donne le titre du projet.")})
    source.field_map = cleaned
    source.row_version += 1
    source.save(update_fields=["field_map", "row_version"])
    audit_record(actor=by, action="demarche.map", obj=source.call, after=cleaned)
    return source


def demarche_import_queue(*, source: DemarcheSource, by: User) -> bool:
    """Queue an import (integrations.tasks) unless one is queued or running: False then."""
    _require_call_open_to_imports(source.call)
    if not source.field_map:
        raise ValidationError(_("Indiquez d'abord quel champ de la démarche va où."))
    with transaction.atomic():
        updated = (
            DemarcheSource.objects.filter(pk=source.pk)
            .exclude(status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING])
            .update(status=ImportStatus.QUEUED, processed=0, last_error="")
        )
        if updated:
            audit_record(actor=by, action="demarche.import", obj=source.call)
            transaction.on_commit(lambda: demarche_import.enqueue(source.pk))
    return bool(updated)
