"""The SCDL « subventions » 2.1.1 file (décret 2017-779, arrêté du 17 novembre 2017): one row
per selected project whose decision is published, in the schema's 16 columns, as CSV (UTF-8,
comma, point decimals). `data/scdl-subventions-2.1.1.json` is the schema, validated against in
the tests.

What Évalis does not record is written as the schema allows: one beneficiary per subsidy
(pourcentageSubvention 1.00), no de minimis notification (notificationUE « non »), no RAE
number; the date of the convention is the decision's date; nature and payment terms, when the
funder left them empty, are « aide en numéraire » and « unique », paid on the decision date."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from projects.exports.dispositif import dispositif_id
from projects.models import AidNature, Decision, Outcome, PaymentTerms

SCDL_COLUMNS = [
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
]
NATURES = {AidNature.CASH: "aide en numéraire", AidNature.IN_KIND: "aide en nature"}
TERMS = {
    PaymentTerms.SINGLE: "unique",
    PaymentTerms.STAGGERED: "échelonné",
    PaymentTerms.OTHER: "autre",
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SIRET = re.compile(r"^\d{14}$")
OBJECT_LENGTH = 256


@dataclass(frozen=True)
class ScdlFile:
    rows: list[dict]
    problems: list[str]  # what keeps the file from being valid, in French


def granted_decisions(call):
    """The subsidies the call granted: selected projects, decisions published."""
    return (
        Decision.objects.published()
        .filter(project__call=call, outcome=Outcome.SELECTED)
        .select_related("project__organisation")
        .order_by("decision_date", "project__title", "pk")
    )


def _payment_dates(decision) -> str:
    """One date, or the first and last dates as a period, from what the funder wrote."""
    found = sorted(set(ISO_DATE.findall(decision.payment_dates or "")))
    if len(found) == 1:
        return found[0]
    if found:
        return f"{found[0]}/{found[-1]}"
    return decision.decision_date.isoformat() if decision.decision_date else ""


def scdl_file(call) -> ScdlFile:
    """The rows of the call's SCDL file and, if any, why it would not validate."""
    funder = call.funder
    problems = []
    if not SIRET.match(funder.siret or ""):
        problems.append(
            _(
                "L'organisation « %(name)s » n'a pas de SIRET (14 chiffres) : c'est l'identifiant "
                "de l'attribuant."
            )
            % {"name": funder.name}
        )
    rows = []
    aid = dispositif_id(call)
    for decision in granted_decisions(call):
        project = decision.project
        holder = project.organisation
        siret = holder.siret if SIRET.match(holder.siret or "") else ""
        if not siret and not holder.rna:
            problems.append(
                _("« %(name)s » (projet « %(title)s ») n'a ni SIRET ni numéro RNA.")
                % {"name": holder.name, "title": project.title}
            )
        if decision.amount_granted is None:
            problems.append(
                _("Le projet « %(title)s » est retenu sans montant accordé.")
                % {"title": project.title}
            )
        rows.append(
            {
                "nomAttribuant": funder.name,
                "idAttribuant": funder.siret,
                "dateConvention": decision.decision_date.isoformat()
                if decision.decision_date
                else "",
                "referenceDecision": decision.reference,
                "nomBeneficiaire": holder.name,
                "idBeneficiaire": siret,
                "rnaBeneficiaire": holder.rna,
                "objet": project.title[:OBJECT_LENGTH],
                "montant": f"{decision.amount_granted:.2f}"
                if decision.amount_granted is not None
                else "",
                "nature": NATURES.get(decision.aid_nature, NATURES[AidNature.CASH]),
                "conditionsVersement": TERMS.get(decision.payment_terms, "unique"),
                "datesPeriodeVersement": _payment_dates(decision),
                "idRAE": "",
                "notificationUE": "non",
                "pourcentageSubvention": "1.00",
                "dispositifAide": aid,
            }
        )
    return ScdlFile(rows=rows, problems=problems)


def scdl_lines(rows: list[dict]) -> Iterator[str]:
    """The CSV, header first: UTF-8 without a byte-order mark, comma, CRLF as RFC 4180."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SCDL_COLUMNS)
    writer.writeheader()
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def scdl_filename(call) -> str:
    return f"subventions-appel-{call.pk}.csv"
