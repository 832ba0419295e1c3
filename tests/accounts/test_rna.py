"""The RNA number of an association (W + 9 digits): the open-data file of subsidies names a
beneficiary by its SIRET or, for an association, by this number."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.validators import clean_rna
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def post_organisation(client, **fields):
    membership = MembershipFactory()
    client.force_login(membership.user)
    url = reverse("accounts:organisation_edit", kwargs={"pk": membership.organisation.pk})
    data = {"name": "Les Jardins", "legal_form": "association", "siret": "", "commune": ""}
    response = client.post(url, {**data, **fields})
    membership.organisation.refresh_from_db()
    return response, membership.organisation


def test_clean_rna_accepts_w_and_nine_digits_and_refuses_the_rest():
    assert clean_rna(" w 123 456 789 ") == "W123456789"
    for wrong in ("123456789", "W12345678", "W1234567890", "X123456789", "W12345678A"):
        with pytest.raises(ValidationError):
            clean_rna(wrong)


def test_an_association_saves_its_rna_number(client):
    response, organisation = post_organisation(client, rna="w595000123")

    assert response.status_code == 302
    assert organisation.rna == "W595000123"


def test_an_association_without_siret_nor_rna_is_told_at_the_field(client):
    response, organisation = post_organisation(client, rna="")

    assert response.status_code == 200
    assert "Une association indique son numéro RNA" in response.content.decode()
    assert organisation.name != "Les Jardins"


def test_a_wrong_rna_number_is_refused_and_a_scop_needs_none(client):
    refused, _organisation = post_organisation(client, rna="W12")
    saved, organisation = post_organisation(client, legal_form="scop", rna="")

    assert refused.status_code == 200
    assert "la lettre W suivie de 9 chiffres" in refused.content.decode()
    assert saved.status_code == 302 and organisation.rna == ""
