"""The SCDL « subventions » 2.1.1 and « dispositif d'aide » files: only selected, published
decisions, valid against the vendored schemas, refused with the list of what is missing."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.models import Decision
from territories.models import Departement
from tests.factories import OrganisationFactory, ProjectFactory
from tests.projects.exports.opendata import errors_against
from tests.projects.helpers import decide_and_publish

pytestmark = pytest.mark.django_db

FUNDER_SIRET = "21590001400013"
HOLDER_SIRET = "73282932000074"


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def granted(example):
    """The example's call with a funder SIRET; A selected with 12,500 € (published), B
    selected but only proposed, C rejected (published), D selected (published), held by an
    association known by its RNA number."""
    call, funder = example["call"], example["funder"]
    call.funder.siret = FUNDER_SIRET
    call.funder.save()
    a = example["a"]
    a.organisation.siret = HOLDER_SIRET
    a.organisation.save()
    Decision.objects.filter(project=a).update(
        amount_granted=Decimal("12500"),
        decision_date=date(2026, 11, 20),
        reference="CP-2026-11-42",
        payment_terms="staggered",
        payment_dates="2027-01-15 ; 2027-06-30",
    )
    Decision.objects.create(
        project=example["b"], outcome="selected", amount_granted=Decimal(9000), decided_by=funder
    )
    rejected = ProjectFactory(call=call, submitted=True, title="C")
    decide_and_publish(rejected, "rejected", by=funder)
    association = OrganisationFactory(name="Asso D", rna="W595000123")
    d = ProjectFactory(call=call, submitted=True, title="D", organisation=association)
    decide_and_publish(d, "selected", by=funder, amount=Decimal("3000.50"))
    return example


def scdl_text(client, call):
    response = client.get(reverse("projects:export_scdl", args=[call.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content).decode("utf-8")


def test_scdl_file_holds_selected_published_decisions_and_validates(granted, client, tmp_path):
    client.force_login(granted["funder"])

    text = scdl_text(client, granted["call"])

    assert errors_against(text, "scdl-subventions-2.1.1.json", tmp_path) == []
    header = text.splitlines()[0].split(",")
    assert len(header) == 16 and header[0] == "nomAttribuant"
    rows = {row["objet"]: row for row in rows_of(text)}
    assert sorted(rows) == ["A", "D"]  # B only proposed, C rejected
    a = rows["A"]
    assert (a["idAttribuant"], a["idBeneficiaire"], a["rnaBeneficiaire"]) == (
        FUNDER_SIRET,
        HOLDER_SIRET,
        "",
    )
    assert (a["montant"], a["pourcentageSubvention"], a["notificationUE"]) == (
        "12500.00",
        "1.00",
        "non",
    )
    assert (a["dateConvention"], a["referenceDecision"]) == ("2026-11-20", "CP-2026-11-42")
    assert (a["conditionsVersement"], a["datesPeriodeVersement"]) == (
        "échelonné",
        "2027-01-15/2027-06-30",
    )
    assert a["nature"] == "aide en numéraire"
    d = rows["D"]
    assert (d["idBeneficiaire"], d["rnaBeneficiaire"], d["montant"]) == (
        "",
        "W595000123",
        "3000.50",
    )


def test_scdl_id_links_to_the_dispositif_file(granted, client, tmp_path):
    client.force_login(granted["funder"])

    subsidies = rows_of(scdl_text(client, granted["call"]))
    response = client.get(reverse("projects:export_dispositif", args=[granted["call"].pk]))
    text = response.content.decode()

    assert errors_against(text, "dispositif-aide-0.1.0.json", tmp_path) == []
    (aid,) = rows_of(text)
    assert {row["dispositifAide"] for row in subsidies} == {aid["id"]}
    assert aid["titre"] == granted["call"].title
    assert '"siren": "215900014"' in aid["porteurs"]


def test_dispositif_territory_is_written_in_cog_codes(example, client, tmp_path):
    call = example["call"]
    call.regions.clear()
    call.departements.set(Departement.objects.filter(code__in=["33", "2A"]))
    client.force_login(example["funder"])

    text = client.get(reverse("projects:export_dispositif", args=[call.pk])).content.decode()

    assert errors_against(text, "dispositif-aide-0.1.0.json", tmp_path) == []
    assert rows_of(text)[0]["eligibilite_geographique"] == "REG-94|DEP-33"


def test_scdl_is_refused_with_what_is_missing(granted, client):
    granted["call"].funder.siret = ""
    granted["call"].funder.save()
    granted["a"].organisation.siret = ""
    granted["a"].organisation.save()
    client.force_login(granted["funder"])

    response = client.get(reverse("projects:export_scdl", args=[granted["call"].pk]))
    page = client.get(reverse("projects:call_open_data", args=[granted["call"].pk]))

    assert response.status_code == 409
    content = response.content.decode()
    assert "n&#x27;a pas de SIRET (14 chiffres)" in content
    assert "n&#x27;a ni SIRET ni numéro RNA" in content
    assert 'id="scdl-problems"' in page.content.decode()


def test_scdl_command_writes_the_file_and_refuses_an_invalid_one(granted, tmp_path):
    output = tmp_path / "subventions.csv"

    call_command("export_scdl", "--call", str(granted["call"].pk), "--output", str(output))

    assert (
        errors_against(output.read_text(encoding="utf-8"), "scdl-subventions-2.1.1.json", tmp_path)
        == []
    )
    granted["call"].funder.siret = ""
    granted["call"].funder.save()
    with pytest.raises(CommandError, match="SIRET"):
        call_command("export_scdl", "--call", str(granted["call"].pk))
    with pytest.raises(CommandError, match="Aucun appel"):
        call_command("export_scdl", "--call", "999999")


def test_dispositif_command_prints_one_row(example, tmp_path):
    out = io.StringIO()

    call_command("export_dispositif", "--call", str(example["call"].pk), stdout=out)

    assert len(rows_of(out.getvalue())) == 1
    assert errors_against(out.getvalue(), "dispositif-aide-0.1.0.json", tmp_path) == []


def test_open_data_is_for_the_calls_managers_only(example, client):
    client.force_login(example["reviewers"][0])

    for name in ("call_open_data", "export_scdl", "export_dispositif"):
        assert client.get(reverse(f"projects:{name}", args=[example["call"].pk])).status_code == 403


def test_the_schemas_refuse_a_wrong_file(tmp_path):
    """The vendored schemas are not empty shells: a wrong line is reported."""
    text = (
        "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,"
        "idBeneficiaire,rnaBeneficiaire,objet,montant,nature,conditionsVersement,"
        "datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,dispositifAide\r\n"
        "Région,123,2026-13-01,,Asso,,X12,Objet,douze,aide,unique,demain,,peut-être,45,\r\n"
    )

    errors = errors_against(text, "scdl-subventions-2.1.1.json", tmp_path)

    fields = {error[1] for error in errors}
    assert {
        "idAttribuant",
        "dateConvention",
        "rnaBeneficiaire",
        "montant",
        "nature",
        "datesPeriodeVersement",
        "notificationUE",
        "pourcentageSubvention",
    } <= fields
