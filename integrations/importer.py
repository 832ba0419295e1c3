"""Importing a démarche's dossiers into a call (services). The funder connects the démarche
(number and token, checked against the API), maps its champs to the project's fields once,
then imports in the background (the `demarche_import` task): incremental since the last
import (`updatedSince`), idempotent on the dossier number (an updated dossier updates its
project, a deleted one withdraws it, nothing is duplicated), PDF files as attachments, the
holder organisation matched or created from the demandeur's SIRET."""

import logging
import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.companies import company_lookup
from accounts.models import LegalForm, Membership, Organisation, Role, User
from accounts.outgoing import ServiceError
from accounts.services import (
    audit_record,
    audit_values,
    audited_update,
    organisation_check_on_commit,
)
from accounts.validators import clean_siren_or_siret
from integrations.crypto import token_decrypt, token_encrypt
from integrations.demarches import DemarchesClient
from integrations.models import (
    MAPPABLE_FIELDS,
    DemarcheSource,
    ImportedDossier,
    ImportedFile,
    ImportStatus,
)
from projects.models import (
    HIDDEN_PROJECT_STATUSES,
    MAX_ATTACHMENT_BYTES,
    Attachment,
    CallStatus,
    Project,
    ProjectStatus,
)
from projects.services.attachments import attachment_problems, clean_display_name
from territories.models import Commune

logger = logging.getLogger(__name__)

# Dossiers changed while an import runs are read again by the next one.
SYNC_MARGIN = timedelta(minutes=5)
DECIMAL_TEXT = re.compile(r"[^\d,.\-]")


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
def demarche_source_map(
    *, source: DemarcheSource, field_map: dict, row_version: int, by: User
) -> DemarcheSource:
    """Keep which champ fills which project field (MAPPABLE_FIELDS); the title is required."""
    source = DemarcheSource.objects.select_for_update().get(pk=source.pk)
    if row_version != source.row_version:
        raise ValidationError(
            _(
                "Quelqu'un a modifié cette démarche depuis que vous avez ouvert la page : "
                "rechargez-la."
            ),
            code="conflict",
        )
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


# --- the import itself (background task) --------------------------------------------------


def _champ_value(champ: dict, kind: str):
    if kind == "commune":
        commune = champ.get("commune") if isinstance(champ.get("commune"), dict) else {}
        code = str(commune.get("code") or "")[:5]
        return Commune.objects.filter(code=code).first() if code else None
    text = champ.get("stringValue")
    text = text.strip() if isinstance(text, str) else ""
    if kind == "text":
        return text
    if kind == "integer":
        value = champ.get("integerNumber")
        try:
            number = int(value if value is not None else text)
        except (TypeError, ValueError):
            return None
        return number if 0 <= number <= 32767 else None
    value = champ.get("decimalNumber")
    raw = str(value) if value is not None else DECIMAL_TEXT.sub("", text).replace(",", ".")
    try:
        amount = Decimal(raw).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return amount if 0 <= amount < Decimal("1e10") else None


def _project_values(source: DemarcheSource, node: dict) -> dict:
    champs = {
        champ.get("id"): champ for champ in node.get("champs") or [] if isinstance(champ, dict)
    }
    values = {}
    for field, champ_id in source.field_map.items():
        kind = MAPPABLE_FIELDS[field][0]
        champ = champs.get(champ_id)
        if champ is not None:
            values[field] = _champ_value(champ, kind)
    title = (values.get("title") or "").strip()
    values["title"] = title[:200] or _("Dossier n° %(number)s") % {"number": node["number"]}
    for field in ("summary", "social_need", "solution", "beneficiaries", "partners"):
        if field in values and values[field] is None:
            values[field] = ""
    return values


def _date(value) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _demandeur_siret(node: dict) -> str:
    demandeur = node.get("demandeur") if isinstance(node.get("demandeur"), dict) else {}
    try:
        return clean_siren_or_siret(str(demandeur.get("siret") or ""))
    except ValidationError:
        return ""


def _known_organisation(siret: str) -> Organisation | None:
    if not siret:
        return None
    return (
        Organisation.objects.filter(siret=siret).first()
        or Organisation.objects.filter(siret=siret[:9]).first()
    )


def _registry_facts(node: dict):
    """What the registries say of a new demandeur's SIRET, asked before the dossier's
    transaction (no outside call holds a database lock); None when unknown or unreachable."""
    siret = _demandeur_siret(node)
    if not siret or _known_organisation(siret) is not None:
        return None
    try:
        return company_lookup(siret)
    except (ServiceError, ValidationError):
        return None


def _organisation(node: dict, facts) -> Organisation:
    """The holder organisation: matched on the demandeur's SIRET (or its SIREN), else created
    from the registries' `facts`, else from what the dossier says."""
    demandeur = node.get("demandeur") if isinstance(node.get("demandeur"), dict) else {}
    siret = _demandeur_siret(node)
    if siret:
        found = _known_organisation(siret)
        if found is not None:
            return found
        entreprise = (
            demandeur.get("entreprise") if isinstance(demandeur.get("entreprise"), dict) else {}
        )
        name, legal_form, commune = str(entreprise.get("raisonSociale") or "")[:200], "", None
        if facts is not None:
            name = facts.name or name
            legal_form = facts.legal_form
            commune = Commune.objects.filter(code=facts.commune_code).first()
        organisation = Organisation.objects.create(
            name=name or _("Structure %(siret)s") % {"siret": siret},
            legal_form=legal_form or LegalForm.OTHER,
            siret=siret,
            commune=commune,
        )
        organisation_check_on_commit(organisation)
        return organisation
    person = " ".join(str(demandeur.get(key) or "").strip() for key in ("prenom", "nom")).strip()
    return Organisation.objects.create(
        name=(person or _("Demandeur du dossier %(number)s") % {"number": node["number"]})[:200],
        legal_form=LegalForm.OTHER,
    )


def _owner(node: dict, organisation: Organisation) -> User:
    """The dossier's usager becomes a holder of the organisation: their account if they have
    one, else an account without password (they choose one with « Mot de passe oublié »)."""
    usager = node.get("usager") if isinstance(node.get("usager"), dict) else {}
    email = User.objects.normalize_email(str(usager.get("email") or "")).strip().lower()[:254]
    if not email or "@" not in email:
        email = f"dossier-{node['number']}@demarche.invalid"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.HOLDER)
    return user


def _allowed_file_url(url: str) -> bool:
    """Files come from Démarche numérique's storage over HTTPS (or from the API's own host)."""
    parsed = urlparse(url)
    api = urlparse(settings.DEMARCHES_API_URL)
    return parsed.scheme == "https" or (parsed.scheme == "http" and parsed.netloc == api.netloc)


def _download_files(client, source, number: int, node: dict, counts: dict) -> list:
    """The dossier's files not imported yet that are readable PDFs: [(key, name, content)],
    downloaded before the dossier's transaction."""
    stored = set(
        ImportedFile.objects.filter(dossier__source=source, dossier__number=number).values_list(
            "key", flat=True
        )
    )
    found = []
    for champ in node.get("champs") or []:
        if not isinstance(champ, dict):
            continue
        for file in champ.get("files") or []:
            if not isinstance(file, dict):
                continue
            url = str(file.get("url") or "")
            name = str(file.get("filename") or "document.pdf")
            key = str(file.get("checksum") or f"{name}:{file.get('byteSize')}")[:200]
            if key in stored:
                continue
            stored.add(key)
            content = (
                client.download(url, max_bytes=MAX_ATTACHMENT_BYTES)
                if _allowed_file_url(url)
                else None
            )
            upload = ContentFile(content or b"", name=name.replace("/", "_")[:150] or "x.pdf")
            if content is None or attachment_problems(upload):
                counts["files_refused"] += 1
                continue
            found.append((key, name, content))
    return found


def _store_files(dossier: ImportedDossier, files: list, counts: dict) -> None:
    for key, name, content in files:
        attachment = Attachment(
            project=dossier.project, original_name=clean_display_name(name), size=len(content)
        )
        attachment.file.save("upload.pdf", ContentFile(content), save=False)
        # The file is on disk before the row; if the dossier's transaction fails, its row
        # goes and the file stays as an orphan, as with uploads.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        ImportedFile.objects.create(dossier=dossier, key=key, attachment=attachment)
        counts["files"] += 1


def _import_dossier(client, source: DemarcheSource, node: dict, counts: dict) -> None:
    """One dossier: what needs the outside (the registries, the files) first, then its
    project in one transaction."""
    number = node.get("number")
    if not isinstance(number, int) or number <= 0 or number >= 2**63:
        counts["ignored"] += 1
        return
    known = ImportedDossier.objects.filter(source=source, number=number).exists()
    facts = None if known else _registry_facts(node)
    files = _download_files(client, source, number, node, counts)
    _save_dossier(source, node, number, facts, files, counts)


@transaction.atomic
def _save_dossier(source, node, number, facts, files, counts) -> None:
    values = _project_values(source, node)
    modified = _date(node.get("dateDerniereModification"))
    dossier = (
        ImportedDossier.objects.select_for_update()
        .select_related("project")
        .filter(source=source, number=number)
        .first()
    )
    if dossier is None:
        organisation = _organisation(node, facts)
        project = Project(
            call=source.call,
            organisation=organisation,
            owner=_owner(node, organisation),
            status=ProjectStatus.SUBMITTED,
            submitted_at=_date(node.get("dateDepot")) or timezone.now(),
            **values,
        )
        project.full_clean(exclude=["co_holders", "eligibility_confirmed"])
        project.save()
        dossier = ImportedDossier.objects.create(
            source=source,
            project=project,
            number=number,
            state=str(node.get("state") or "")[:30],
            modified_at=modified,
        )
        audit_record(actor=None, action="project.import", obj=project, after={"dossier": number})
        counts["created"] += 1
    else:
        project = dossier.project
        changed = {
            field: value for field, value in values.items() if getattr(project, field) != value
        }
        if dossier.deleted_at is None and project.status == ProjectStatus.WITHDRAWN:
            counts["unchanged"] += 1  # withdrawn by its holder here: left as it is
        elif changed:
            before = audit_values(project, changed)
            for field, value in changed.items():
                setattr(project, field, value)
            project.full_clean(exclude=["co_holders", "eligibility_confirmed"])
            project.save()  # the whole row: a new commune brings its département and région
            audit_record(
                actor=None,
                action="project.import_update",
                obj=project,
                before=before,
                after=audit_values(project, changed),
            )
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        dossier.state = str(node.get("state") or "")[:30]
        dossier.modified_at = modified
        dossier.save(update_fields=["state", "modified_at", "updated_at"])
    _store_files(dossier, files, counts)


@transaction.atomic
def _withdraw_deleted(source: DemarcheSource, node: dict, counts: dict) -> None:
    dossier = (
        ImportedDossier.objects.select_for_update()
        .select_related("project")
        .filter(source=source, number=node.get("number"))
        .first()
    )
    if dossier is None or dossier.deleted_at is not None:
        return
    dossier.deleted_at = _date(node.get("dateSupression")) or timezone.now()
    dossier.save(update_fields=["deleted_at", "updated_at"])
    if dossier.project.status not in HIDDEN_PROJECT_STATUSES and dossier.project.is_withdrawable:
        audited_update(
            obj=dossier.project,
            by=None,
            action="project.import_withdraw",
            status=ProjectStatus.WITHDRAWN,
        )
    counts["withdrawn"] += 1


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
                    _import_dossier(client, source, node, counts)
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
                _withdraw_deleted(source, node, counts)
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
