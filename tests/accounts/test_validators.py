import pytest
from django.core.exceptions import ValidationError

from accounts.validators import clean_siren_or_siret


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("732829320", "732829320"),  # SIREN
        ("732 829 320", "732829320"),  # spaces are accepted and removed
        ("73282932000074", "73282932000074"),  # SIRET
        ("35600000049837", "35600000049837"),  # La Poste: digit sum multiple of 5, not Luhn
    ],
)
def test_clean_siren_or_siret_accepts_valid_numbers(value, expected):
    assert clean_siren_or_siret(value) == expected


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("12345678", "format", "Saisissez un SIREN (9 chiffres) ou un SIRET (14 chiffres)."),
        ("7328293200007", "format", "Saisissez un SIREN (9 chiffres) ou un SIRET (14 chiffres)."),
        ("73282932A", "format", "Saisissez un SIREN (9 chiffres) ou un SIRET (14 chiffres)."),
        ("732829321", "luhn", "Ce numéro SIREN n'est pas valide : sa clé de contrôle est fausse."),
        (
            "73282932000075",
            "luhn",
            "Ce numéro SIRET n'est pas valide : sa clé de contrôle est fausse.",
        ),
    ],
)
def test_clean_siren_or_siret_refuses_with_french_message(value, code, message):
    with pytest.raises(ValidationError) as caught:
        clean_siren_or_siret(value)

    assert caught.value.code == code
    assert caught.value.messages == [message]
