"""Published decisions written back to Démarche numérique, where the applicants follow their
dossier: a selected project's dossier is accepted (`dossierAccepter`), a rejected one's
refused (`dossierRefuser`), in the name of the instructeur the funder named, with the
decision's motivation. A waiting list has no counterpart there: left alone, and said so.

The publication (projects.signals.decisions_published) only marks the dossiers to write back,
in its own transaction; the worker sends them (`demarche_writeback`), never inside a
transaction or a page request. Each dossier keeps the outcome Démarche numérique was last
told, so nothing is sent twice, and the latest attempt's state and French error, shown on
the call's Démarche numérique page with a button to try the failed ones again."""

import logging
import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from accounts.models import User
from accounts.outgoing import ServiceError
from accounts.services import audit_record
from integrations.crypto import token_decrypt
from integrations.demarches import DemarchesClient
from integrations.importer.sources import demarche_source_for_update
from integrations.models import DemarcheSource, ImportedDossier, WriteBackStatus
from projects.models import Decision, DecisionStatus, Outcome
from projects.signals import decisions_published

logger = logging.getLogger(__name__)

# Démarche numérique's ids are base64 ("SW5zdHJ1Y3RldXItNDI=" is "Instructeur-42").
INSTRUCTEUR_ID = re.compile(r"^[A-Za-z0-9+/=_-]{1,100}$")
MUTATIONS = {Outcome.SELECTED: "accepter", Outcome.REJECTED: "refuser"}
TARGET_STATES = {Outcome.SELECTED: "accepte", Outcome.REJECTED: "refuse"}
STATE_LABELS = {
    "brouillon": gettext_lazy("brouillon"),
    "en_construction": gettext_lazy("en construction"),
    "en_instruction": gettext_lazy("en instruction"),
    "accepte": gettext_lazy("accepté"),
    "refuse": gettext_lazy("refusé"),
    "sans_suite": gettext_lazy("classé sans suite"),
}
# A worker that died while sending leaves its dossiers "sending": taken again after this.
STALE_SENDING = timedelta(minutes=15)
# Trouble of the service itself (not of one dossier): the others would meet it as well.
SERVICE_WIDE = {"timeout", "throttled", "unavailable"}


def _mark_pending(dossiers) -> int:
    """Mark for the worker the dossiers whose published outcome Démarche numérique was not
    told yet (those on their way stay as they are)."""
    return (
        dossiers.filter(project__decision__status=DecisionStatus.PUBLISHED)
        .exclude(writeback_status__in=[WriteBackStatus.PENDING, WriteBackStatus.SENDING])
        .exclude(written_outcome=F("project__decision__outcome"))
        .update(writeback_status=WriteBackStatus.PENDING, writeback_error="")
    )


def _enqueue_on_commit(source_id: int) -> None:
    transaction.on_commit(lambda: demarche_writeback.enqueue(source_id))


@receiver(decisions_published, dispatch_uid="integrations.writeback")
def decisions_published_write_back(sender, *, call, decisions, **kwargs) -> None:
    """Within the publication's transaction: its imported dossiers are marked, and the
    worker is called once it is committed (nothing is sent for a publication rolled back)."""
    source = (
        DemarcheSource.objects.filter(call=call, write_back=True).exclude(instructeur_id="").first()
    )
    if source is None:
        return
    marked = _mark_pending(
        ImportedDossier.objects.filter(
            source=source, project_id__in=[decision.project_id for decision in decisions]
        )
    )
    if marked:
        _enqueue_on_commit(source.pk)


@transaction.atomic
def demarche_writeback_configure(
    *, source: DemarcheSource, instructeur_id: str, write_back: bool, row_version: int, by: User
) -> int:
    """Keep the instructeur id and whether published decisions are written back. Switched
    on, the decisions already published are written back as well; switched off, those not
    sent yet stay here. Returns the number of dossiers queued."""
    source = demarche_source_for_update(source=source, row_version=row_version)
    instructeur_id = (instructeur_id or "").strip()
    if instructeur_id and not INSTRUCTEUR_ID.match(instructeur_id):
        raise ValidationError(
            {
                "instructeur_id": _(
                    "Cet identifiant n'a pas la forme de ceux de Démarche numérique : "
                    "copiez-le tel quel depuis votre profil."
                )
            }
        )
    if write_back and not instructeur_id:
        raise ValidationError(
            {
                "instructeur_id": _(
                    "Pour reporter les décisions, donnez l'identifiant de l'instructeur."
                )
            }
        )
    before = {"instructeur_id": source.instructeur_id, "write_back": source.write_back}
    source.instructeur_id, source.write_back = instructeur_id, write_back
    source.row_version += 1
    source.save(update_fields=["instructeur_id", "write_back", "row_version"])
    after = {"instructeur_id": instructeur_id, "write_back": write_back}
    if before != after:
        audit_record(
            actor=by, action="demarche.writeback", obj=source.call, before=before, after=after
        )
    if not write_back:
        source.dossiers.filter(writeback_status=WriteBackStatus.PENDING).update(
            writeback_status=WriteBackStatus.NONE
        )
        return 0
    queued = _mark_pending(source.dossiers.all())
    if queued:
        _enqueue_on_commit(source.pk)
    return queued


@transaction.atomic
def demarche_writeback_retry(*, source: DemarcheSource, by: User) -> int:
    """Try again the dossiers whose write-back failed (or whose worker died while sending);
    returns how many are queued."""
    source = DemarcheSource.objects.select_for_update().get(pk=source.pk)
    if not source.write_back or not source.instructeur_id:
        raise ValidationError(
            _("Le report des décisions est désactivé : activez-le d'abord."), code="off"
        )
    # A send that a dead worker left half done is taken again as well.
    stale = Q(
        writeback_status=WriteBackStatus.SENDING,
        writeback_tried_at__lt=timezone.now() - STALE_SENDING,
    )
    queued = source.dossiers.filter(Q(writeback_status=WriteBackStatus.FAILED) | stale).update(
        writeback_status=WriteBackStatus.PENDING
    )
    if queued:
        audit_record(
            actor=by, action="demarche.writeback_retry", obj=source.call, after={"dossiers": queued}
        )
        _enqueue_on_commit(source.pk)
    return queued


def _motivation(decision: Decision) -> str:
    """The motivation the holders read in Évalis; a refusal needs one in Démarche numérique."""
    if decision.motivation:
        return decision.motivation
    if decision.outcome == Outcome.REJECTED:
        return _("Le financeur n'a pas retenu ce projet.")
    return ""


def _state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state or _("inconnu")))


def _write_one(client, source: DemarcheSource, dossier: ImportedDossier) -> dict:
    """Write one dossier's published decision back; returns the fields to record. Its state
    there is read first: a dossier already in the decision's state is not sent again (a
    retry after a timeout whose mutation went through), one that cannot be decided is said
    so without sending."""
    decision = Decision.objects.published().filter(project_id=dossier.project_id).first()
    if decision is None:
        return {"writeback_status": WriteBackStatus.NONE}
    if decision.outcome not in MUTATIONS:
        return {"writeback_status": WriteBackStatus.SKIPPED}
    if decision.outcome == dossier.written_outcome:
        return {"writeback_status": WriteBackStatus.SENT}
    if client is None:
        raise ServiceError(
            _("Le jeton enregistré ne peut plus être lu : saisissez-le à nouveau."),
            code="refused",
        )
    remote = client.dossier(dossier.number)
    target = TARGET_STATES[decision.outcome]
    fields = {"graphql_id": remote["id"], "state": remote["state"]}
    if remote["state"] != target:
        if remote["state"] != "en_instruction":
            done = remote["state"] in ("accepte", "refuse", "sans_suite")
            raise ServiceError(
                (
                    _(
                        "Le dossier est déjà « %(state)s » dans Démarche numérique : "
                        "repassez-le en instruction là-bas, puis réessayez."
                    )
                    if done
                    else _(
                        "Le dossier n'est pas en instruction dans Démarche numérique (il est "
                        "« %(state)s ») : passez-le en instruction là-bas, puis réessayez."
                    )
                )
                % {"state": _state_label(remote["state"])},
                code="state",
            )
        fields["state"] = (
            client.decide(
                MUTATIONS[decision.outcome],
                dossier_id=remote["id"],
                instructeur_id=source.instructeur_id,
                motivation=_motivation(decision),
            )
            or target
        )
    return {
        **fields,
        "writeback_status": WriteBackStatus.SENT,
        "written_outcome": decision.outcome,
        "written_at": timezone.now(),
    }


def demarche_writeback_run(*, source_id: int, now=None) -> dict:
    """Send the dossiers marked for write-back (background task), one at a time, each
    claimed first so that two workers never send the same one. A failure is recorded on its
    dossier; a failure of the service itself (timeout, 429, unavailable) fails the rest of
    the batch with it rather than waiting for each in turn."""
    counts = dict.fromkeys(("sent", "skipped", "failed"), 0)
    source = DemarcheSource.objects.filter(pk=source_id).first()
    if source is None or not source.write_back or not source.instructeur_id:
        return counts
    token = token_decrypt(source.token_encrypted)
    client = DemarchesClient(token) if token else None
    now = now or timezone.now()
    waiting = Q(writeback_status=WriteBackStatus.PENDING) | Q(
        writeback_status=WriteBackStatus.SENDING, writeback_tried_at__lt=now - STALE_SENDING
    )
    service_error = None
    for pk in list(source.dossiers.filter(waiting).order_by("pk").values_list("pk", flat=True)):
        claimed = ImportedDossier.objects.filter(waiting, pk=pk).update(
            writeback_status=WriteBackStatus.SENDING, writeback_tried_at=timezone.now()
        )
        if not claimed:
            continue
        dossier = ImportedDossier.objects.get(pk=pk)
        if service_error is not None:
            fields = {"writeback_status": WriteBackStatus.FAILED, "writeback_error": service_error}
        else:
            try:
                fields = {**_write_one(client, source, dossier), "writeback_error": ""}
            except ServiceError as error:
                fields = {
                    "writeback_status": WriteBackStatus.FAILED,
                    "writeback_error": error.message,
                }
                if error.code in SERVICE_WIDE or error.status in (401, 403):
                    service_error = error.message
            except Exception:
                logger.exception("write-back of dossier %s failed", dossier.number)
                fields = {
                    "writeback_status": WriteBackStatus.FAILED,
                    "writeback_error": _(
                        "Le report s'est arrêté sur une erreur inattendue : réessayez plus tard."
                    ),
                }
        status = fields.pop("writeback_status")
        error = fields.pop("writeback_error")
        if fields:
            ImportedDossier.objects.filter(pk=pk).update(**fields)
        # A decision corrected meanwhile marked it pending again: left so for the next run.
        ImportedDossier.objects.filter(pk=pk, writeback_status=WriteBackStatus.SENDING).update(
            writeback_status=status, writeback_error=error
        )
        key = {WriteBackStatus.SENT: "sent", WriteBackStatus.FAILED: "failed"}.get(status)
        counts[key or "skipped"] += 1
    return counts


@task()
def demarche_writeback(source_id: int) -> dict:
    """The background task: write the marked dossiers' published decisions back."""
    return demarche_writeback_run(source_id=source_id)
