"""The import itself, run in the background: every dossier changed since the last import,
then the deleted ones."""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.outgoing import ServiceError
from integrations.crypto import token_decrypt
from integrations.demarches import DemarchesClient
from integrations.importer.dossiers import import_dossier, withdraw_deleted
from integrations.models import DemarcheSource, ImportStatus

logger = logging.getLogger(__name__)

# Dossiers changed while an import runs are read again by the next one.
SYNC_MARGIN = timedelta(minutes=5)


def demarche_import_run(*, source_id: int, now=None) -> dict:
    """The import (background task): every dossier changed since the last import, then the
    deleted ones; progress kept on the source as it goes. Each dossier is its own
    transaction: a failure keeps what was imported and the next import goes on from the
    last successful point."""
    started = now or timezone.now()
    claimed = (
        DemarcheSource.objects.filter(pk=source_id)
        .exclude(status=ImportStatus.RUNNING)
        .update(status=ImportStatus.RUNNING, processed=0, started_at=started, last_error="")
    )
    if not claimed:
        return {"skipped": 1}
    source = DemarcheSource.objects.select_related("call").get(pk=source_id)
    counts = dict.fromkeys(
        ("created", "updated", "unchanged", "withdrawn", "files", "files_refused", "ignored"), 0
    )
    token = token_decrypt(source.token_encrypted)
    try:
        if token is None:
            raise ServiceError(
                _("Le jeton enregistré ne peut plus être lu : saisissez-le à nouveau."),
                code="refused",
            )
        client = DemarchesClient(token)
        after = None
        while True:
            page = client.dossiers(source.number, updated_since=source.synced_until, after=after)
            for node in page.nodes:
                try:
                    import_dossier(client, source, node, counts)
                except (ValidationError, IntegrityError) as error:
                    logger.warning("dossier %s not imported: %s", node.get("number"), error)
                    counts["ignored"] += 1
                DemarcheSource.objects.filter(pk=source.pk).update(processed=F("processed") + 1)
            if not page.has_next:
                break
            after = page.end_cursor
        after = None
        while True:
            page = client.deleted_dossiers(source.number, since=source.synced_until, after=after)
            for node in page.nodes:
                withdraw_deleted(source, node, counts)
            if not page.has_next:
                break
            after = page.end_cursor
    except ServiceError as error:
        message = error.message
    except Exception:
        # Never left "running": the page would wait for ever. The trace goes to the log.
        logger.exception("import of démarche %s failed", source.number)
        message = _("L'import s'est arrêté sur une erreur inattendue : réessayez plus tard.")
    else:
        message = None
    if message is not None:
        DemarcheSource.objects.filter(pk=source.pk).update(
            status=ImportStatus.FAILED,
            last_error=message,
            counts=counts,
            finished_at=timezone.now(),
        )
        return counts
    DemarcheSource.objects.filter(pk=source.pk).update(
        status=ImportStatus.DONE,
        counts=counts,
        synced_until=started - SYNC_MARGIN,
        finished_at=timezone.now(),
    )
    return counts


@task()
def demarche_import(source_id: int) -> dict:
    """The background task: import the démarche's dossiers changed since the last import."""
    return demarche_import_run(source_id=source_id)
