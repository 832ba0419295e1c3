"""The API Recherche d'entreprises client against a local server speaking its protocol."""

import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.companies import company_lookup, organisation_check_refresh
from accounts.models import LegalForm, OrganisationCheck
from accounts.outgoing import ServiceError
from territories.models import Commune
from tests.factories import MembershipFactory, OrganisationFactory
from tests.fake_http import SIREN_ASSO, SIREN_SCOP, SIREN_UNKNOWN, Answer

SIRET_ASSO = "77567227200017"


def test_lookup_reads_name_legal_form_commune_and_flags(fake_companies):
    facts = company_lookup(SIRET_ASSO)

    assert facts.siren == SIREN_ASSO
    assert facts.siret == SIRET_ASSO
    assert facts.name == "JARDINS PARTAGÉS D'AMIENS"
    assert facts.nature_juridique == "9220"
    assert facts.nature_juridique_label == "Association déclarée"
    assert facts.legal_form == LegalForm.ASSOCIATION
    assert facts.commune_code == "80021"
    assert (facts.is_ess, facts.is_siae, facts.is_association) == (True, False, True)
    assert facts.rna == "W802001234"
    assert facts.is_mission_company is False
    assert fake_companies.received[0].query["q"] == SIRET_ASSO


def test_lookup_of_a_scop_by_siren(fake_companies):
    facts = company_lookup(f"{SIREN_SCOP[:3]} {SIREN_SCOP[3:6]} {SIREN_SCOP[6:]}")

    assert facts.legal_form == LegalForm.SCOP
    assert facts.is_mission_company is True
    assert facts.rna == ""


def test_lookup_answers_are_cached(fake_companies):
    company_lookup(SIRET_ASSO)
    company_lookup(SIRET_ASSO)

    assert len(fake_companies.received) == 1


def test_unknown_siret_is_said(fake_companies):
    with pytest.raises(ServiceError) as raised:
        company_lookup(SIREN_UNKNOWN)

    assert raised.value.code == "unknown"
    assert "Aucune structure ne correspond" in raised.value.message


def test_malformed_number_is_refused_before_any_request(fake_companies):
    with pytest.raises(ValidationError):
        company_lookup("123456789")

    assert fake_companies.received == []


def test_429_is_retried_after_the_time_asked(fake_companies):
    fake_companies.script = [Answer(429, {"message": "trop"}, headers={"Retry-After": "0"})]

    facts = company_lookup(SIRET_ASSO)

    assert facts.siren == SIREN_ASSO
    assert len(fake_companies.received) == 2


def test_429_asking_too_long_a_wait_gives_up_at_once(fake_companies):
    fake_companies.script = [Answer(429, {"message": "trop"}, headers={"Retry-After": "60"})]
    started = time.monotonic()

    with pytest.raises(ServiceError) as raised:
        company_lookup(SIRET_ASSO)

    assert raised.value.code == "throttled"
    assert time.monotonic() - started < 1
    assert len(fake_companies.received) == 1


def test_timeouts_are_retried_then_reported(fake_companies):
    fake_companies.script = [Answer(200, {"results": []}, delay=1.0) for _ in range(3)]

    with pytest.raises(ServiceError) as raised:
        company_lookup(SIRET_ASSO)

    assert raised.value.code == "timeout"
    assert "ne répond pas assez vite" in raised.value.message
    assert len(fake_companies.received) == 3


def test_a_timeout_then_an_answer_succeeds(fake_companies):
    fake_companies.script = [Answer(200, {"results": []}, delay=1.0)]

    assert company_lookup(SIRET_ASSO).siren == SIREN_ASSO


@pytest.mark.parametrize(
    "answer",
    [
        Answer(200, "<html>maintenance</html>", headers={"Content-Type": "text/html"}),
        Answer(200, {"results": "non"}),
        Answer(200, {"results": [{"siren": None}, 3]}),
    ],
)
def test_malformed_answers_are_reported(fake_companies, answer):
    fake_companies.script = [answer]

    with pytest.raises(ServiceError) as raised:
        company_lookup(SIRET_ASSO)

    assert raised.value.code in ("malformed", "unknown")
    assert not cache.get(f"companies:v1:{SIRET_ASSO}")


def test_unreachable_service_is_reported():
    # conftest points the client at a closed port.
    with pytest.raises(ServiceError) as raised:
        company_lookup(SIRET_ASSO)

    assert raised.value.code == "unavailable"


@pytest.mark.django_db
def test_check_refresh_keeps_the_facts_with_their_date(fake_companies):
    organisation = OrganisationFactory(siret=SIRET_ASSO)

    assert organisation_check_refresh(organisation_id=organisation.pk) == "checked"

    check = OrganisationCheck.objects.get(organisation=organisation)
    assert (check.siren, check.is_ess, check.rna) == (SIREN_ASSO, True, "W802001234")
    assert check.commune.code == "80021"
    assert check.checked_at is not None


@pytest.mark.django_db
def test_check_refresh_drops_facts_of_a_former_number(fake_companies):
    organisation = OrganisationFactory(siret=SIRET_ASSO)
    organisation_check_refresh(organisation_id=organisation.pk)
    organisation.siret = SIREN_UNKNOWN
    organisation.save()

    assert organisation_check_refresh(organisation_id=organisation.pk) == "not-checked: unknown"
    assert not OrganisationCheck.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
def test_saving_a_new_siret_checks_it_in_the_background(
    client, fake_companies, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(role="holder")
    organisation = membership.organisation
    client.force_login(membership.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organisation_edit", args=[organisation.pk]),
            {
                "name": "Jardins",
                "legal_form": "association",
                "siret": SIRET_ASSO,
                "commune": "80021",
                "esus_agreement_date": "",
            },
        )

    assert response.status_code == 302
    assert OrganisationCheck.objects.get(organisation=organisation).siren == SIREN_ASSO


# --- « Remplir depuis le SIRET » ----------------------------------------------------------


@pytest.mark.django_db
def test_signup_fills_the_organisation_from_the_siret(client, fake_companies):
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Camille",
            "email": "camille@example.fr",
            "siret": SIRET_ASSO,
            "remplir_siret": "1",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound
    assert form.initial["organisation_name"] == "JARDINS PARTAGÉS D'AMIENS"
    assert form.initial["legal_form"] == "association"
    assert form.initial["commune"] == Commune.objects.get(code="80021").label
    assert form.initial["email"] == "camille@example.fr"
    assert "Rempli depuis" in response.content.decode()
    assert "RNA W802001234" in response.content.decode()


@pytest.mark.django_db
def test_signup_lookup_trouble_is_said_at_the_field_and_keeps_what_was_typed(
    client, fake_companies
):
    fake_companies.script = [Answer(429, {}, headers={"Retry-After": "120"})]

    response = client.post(
        reverse("accounts:signup"),
        {"organisation_name": "Ma structure", "siret": SIRET_ASSO, "remplir_siret": "1"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "trop de demandes" in content
    assert "Vous pouvez remplir les champs vous-même" in content
    assert response.context["form"].initial["organisation_name"] == "Ma structure"


@pytest.mark.django_db
def test_organisation_form_fills_from_an_unknown_siret_with_a_message(client, fake_companies):
    membership = MembershipFactory(role="holder")
    client.force_login(membership.user)

    response = client.post(
        reverse("accounts:organisation_edit", args=[membership.organisation.pk]),
        {"name": "Tel quel", "siret": SIREN_UNKNOWN, "remplir_siret": "1"},
    )

    assert "Aucune structure ne correspond" in response.content.decode()
    assert response.context["form"].initial["name"] == "Tel quel"
    membership.organisation.refresh_from_db()
    assert membership.organisation.name != "Tel quel"


@pytest.mark.django_db
def test_organisation_form_fills_an_association_s_rna_number(client, fake_companies):
    membership = MembershipFactory(role="holder")
    client.force_login(membership.user)

    response = client.post(
        reverse("accounts:organisation_edit", args=[membership.organisation.pk]),
        {"siret": SIRET_ASSO, "remplir_siret": "1"},
    )

    assert response.context["form"].initial["rna"] == "W802001234"
    assert 'value="W802001234"' in response.content.decode()


@pytest.mark.django_db
def test_funder_sees_checked_facts_apart_from_declared(client, fake_companies):
    from tests.factories import ProjectFactory

    project = ProjectFactory(submitted=True)
    organisation = project.organisation
    organisation.siret = SIRET_ASSO
    organisation.save()
    organisation_check_refresh(organisation_id=organisation.pk)
    funder = MembershipFactory(organisation=project.call.funder, role="funder").user
    client.force_login(funder)

    content = client.get(reverse("projects:project_analysis", args=[project.pk])).content.decode()

    assert "Déclaré par le porteur" in content
    assert "Vérifié auprès des registres" in content
    assert "RNA W802001234" in content
