"""The call as an Etalab « dispositif d'aide » (schema 0.1.0, the core schema that feeds
Aides-territoires): one CSV row, validated in the tests against
`data/dispositif-aide-0.1.0.json`."""

import csv
import io
import json
import uuid
from datetime import UTC

from django.conf import settings
from django.urls import reverse

DISPOSITIF_COLUMNS = [
    "id",
    "titre",
    "promesse",
    "description",
    "eligibilite",
    "types_aides",
    "porteurs",
    "programmes_parents",
    "url_source",
    "cibles",
    "eligibilite_geographique",
    "eligibilite_geographique_exclusions",
    "date_ouverture",
    "date_cloture",
    "date_mise_a_jour",
]
DESCRIPTION_LENGTH = 5000
# Social-innovation calls are open to associations, cooperatives and ESUS companies, and to
# local authorities.
TARGETS = "associations|professionnels|secteur public"
# The schema's COG pattern (letters, a dash, digits) has no room for Corsica's 2A and 2B: a
# Corsican département is written as its région.
CORSICA = {"2A": "REG-94", "2B": "REG-94"}


def call_url(call) -> str:
    return settings.SITE_URL + reverse("projects:call_detail", args=[call.pk])


def dispositif_id(call) -> str:
    """The call's identifier in both open-data files: a UUID derived from its public address,
    the same every time, different on every installation."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, call_url(call)))


def _moment(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _area(call) -> str:
    codes = [f"REG-{code}" for code in call.regions.order_by("code").values_list("code", flat=True)]
    for code in call.departements.order_by("code").values_list("code", flat=True):
        area = CORSICA.get(code, f"DEP-{code}")
        if area not in codes:
            codes.append(area)
    return "|".join(codes) or "PAYS-99100"  # no territory: the whole of France


def dispositif_row(call) -> dict:
    funder = call.funder
    items = list(call.eligibility_items.order_by("position", "pk").values_list("label", flat=True))
    siren = (funder.siret or "")[:9]
    holder = {"nom": funder.name, "roles": ["financeur", "instructeur"]}
    if len(siren) == 9:
        holder["siren"] = siren
    return {
        "id": dispositif_id(call),
        "titre": call.title,
        "promesse": "",
        "description": (call.description or call.title)[:DESCRIPTION_LENGTH],
        "eligibilite": "\n".join(f"• {item}" for item in items)
        or "• Projet d'innovation sociale déposé sur l'appel à projets.",
        "types_aides": "financement",
        "porteurs": json.dumps([holder], ensure_ascii=False),
        "programmes_parents": "",
        "url_source": call_url(call),
        "cibles": TARGETS,
        "eligibilite_geographique": _area(call),
        "eligibilite_geographique_exclusions": "",
        "date_ouverture": _moment(call.opens_at),
        "date_cloture": _moment(call.closes_at),
        "date_mise_a_jour": _moment(call.updated_at),
    }


def dispositif_csv(call) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=DISPOSITIF_COLUMNS)
    writer.writeheader()
    writer.writerow(dispositif_row(call))
    return buffer.getvalue()


def dispositif_filename(call) -> str:
    return f"dispositif-aide-appel-{call.pk}.csv"
