"""SIREN (9 digits) and SIRET (14 digits) identifiers, checked with the Luhn key."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share one SIREN and their SIRETs do not follow Luhn: INSEE's rule
# for them is that the digit sum is a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def clean_siren_or_siret(value: str) -> str:
    """Spaces removed; 9 or 14 digits; Luhn key right."""
    compact = "".join((value or "").split())
    if not compact.isdigit() or len(compact) not in (9, 14):
        raise ValidationError(
            _("Saisissez un SIREN (9 chiffres) ou un SIRET (14 chiffres)."), code="format"
        )
    if (
        len(compact) == 14
        and compact.startswith(LA_POSTE_SIREN)
        and sum(int(char) for char in compact) % 5 == 0
    ):
        return compact
    if not luhn_valid(compact):
        kind = "SIREN" if len(compact) == 9 else "SIRET"
        raise ValidationError(
            _("Ce numéro %(kind)s n'est pas valide : sa clé de contrôle est fausse."),
            code="luhn",
            params={"kind": kind},
        )
    return compact


def validate_siren_or_siret(value: str) -> None:
    clean_siren_or_siret(value)


def clean_rna(value: str) -> str:
    """An association's number in the Répertoire national des associations: W and 9 digits
    (spaces removed, the W in capitals)."""
    compact = "".join((value or "").split()).upper()
    if len(compact) != 10 or compact[0] != "W" or not compact[1:].isdigit():
        raise ValidationError(
            _("Saisissez le numéro RNA : la lettre W suivie de 9 chiffres (W123456789)."),
            code="format",
        )
    return compact


def validate_rna(value: str) -> None:
    if value != clean_rna(value):
        raise ValidationError(
            _("Saisissez le numéro RNA : la lettre W suivie de 9 chiffres (W123456789)."),
            code="format",
        )
