"""One dossier into one project: what needs the outside first (the registries, the files),
then the project from its champs in one transaction; a deleted dossier withdraws its project."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.services import audit_record, audit_values, audited_update
from integrations.importer.files import download_files, store_files
from integrations.importer.holders import dossier_organisation, dossier_owner, registry_facts
from integrations.models import MAPPABLE_FIELDS, DemarcheSource, ImportedDossier
from projects.models import HIDDEN_PROJECT_STATUSES, Project, ProjectStatus
from territories.models import Commune

DECIMAL_TEXT = re.compile(r"[^\d,.\-]")


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


def import_dossier(client, source: DemarcheSource, node: dict, counts: dict) -> None:
    """One dossier: what needs the outside (the registries, the files) first, then its
    project in one transaction."""
    number = node.get("number")
    if not isinstance(number, int) or number <= 0 or number >= 2**63:
        counts["ignored"] += 1
        return
    known = ImportedDossier.objects.filter(source=source, number=number).exists()
    facts = None if known else registry_facts(node)
    files = download_files(client, source, number, node, counts)
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
        organisation = dossier_organisation(node, facts)
        project = Project(
            call=source.call,
            organisation=organisation,
            owner=dossier_owner(node, organisation),
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
            graphql_id=str(node.get("id") or "")[:100],
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
        dossier.graphql_id = str(node.get("id") or "")[:100] or dossier.graphql_id
        dossier.save(update_fields=["state", "modified_at", "graphql_id", "updated_at"])
    store_files(dossier, files, counts)


@transaction.atomic
def withdraw_deleted(source: DemarcheSource, node: dict, counts: dict) -> None:
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
