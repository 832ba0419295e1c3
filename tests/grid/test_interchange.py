import copy
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grid.interchange import parse_payload, version_export
from grid.models import Grid, GridVersion
from grid.reference import read_reference
from grid.selectors import grid_version_detail
from grid.services import criterion_update, grid_version_import
from tests.factories import draft_of_reference, grid_payload, reference_version

pytestmark = pytest.mark.django_db


def _export(version):
    return json.dumps(version_export(grid_version_detail(version_id=version.pk)), sort_keys=True)


def test_reference_file_is_valid():
    data, problems = parse_payload(read_reference())

    assert problems == []
    assert len(data["criteria"]) == 20


def test_export_import_export_is_identical():
    # Vary the numbers per criterion so that the per-criterion fields are exercised.
    draft = draft_of_reference()
    criterion_update(
        criterion=draft.criteria.get(code="S1"),
        weight=Decimal("2.5"),
        scale_min=1,
        scale_max=5,
        threshold=3,
        allows_not_applicable=False,
        levels={v: f"Niveau {v}" for v in range(1, 6)},
    )
    first = _export(draft)
    # Import into a fresh grid carrying the same slug, freed by renaming the source grid.
    Grid.objects.filter(pk=draft.grid_id).update(slug="ancienne")

    imported = grid_version_import(payload=json.loads(first))
    second = _export(imported)

    assert imported.grid.slug == "grille-innovation-sociale"
    assert second == first


def test_import_as_next_version_of_an_existing_grid_links_by_code():
    source = reference_version()
    payload = version_export(grid_version_detail(version_id=source.pk))

    draft = grid_version_import(payload=payload, grid=source.grid)

    assert draft.number == 2
    assert draft.based_on == source
    assert draft.criteria.get(code="S1").derived_from == source.criteria.get(code="S1")
    assert _export(draft) == _export(source)


def _broken(mutate):
    payload = grid_payload(criteria=3)
    mutate(payload)
    return payload


@pytest.mark.parametrize(
    ("payload", "problems"),
    [
        ([1, 2], ["Le fichier doit contenir un objet JSON décrivant une grille."]),
        (
            {"slug": "x"},
            [
                "Champ obligatoire manquant : « name » (nom de la grille).",
                "La grille doit contenir une liste d'axes non vide (« axes »).",
                "La grille doit contenir une liste de critères non vide (« criteria »).",
            ],
        ),
        (
            _broken(lambda p: p["criteria"][1].update(code="K1")),
            ["Le code K1 est utilisé deux fois."],
        ),
        (
            _broken(lambda p: p["scale"].update(min=2, max=2)),
            [
                "Échelle par défaut : le minimum de l'échelle doit être inférieur au maximum.",
                "Critère n°1 (K1) : aucune échelle (ni propre ni par défaut).",
                "Critère n°2 (K2) : aucune échelle (ni propre ni par défaut).",
                "Critère n°3 (K3) : aucune échelle (ni propre ni par défaut).",
            ],
        ),
        (
            _broken(lambda p: p["criteria"][0].update(scale={"min": 3, "max": 1, "levels": []})),
            ["Critère n°1 (K1) : le minimum de l'échelle doit être inférieur au maximum."],
        ),
        (
            _broken(lambda p: p["scale"]["levels"].pop()),
            ["Échelle par défaut : il manque le libellé des niveaux 2."],
        ),
        (
            _broken(lambda p: p["criteria"][2].update(fr="")),
            ["Critère n°3 (K3) : libellé manquant."],
        ),
        (
            _broken(lambda p: p["criteria"][0].update(weight=0)),
            ["Critère n°1 (K1) : le poids doit être supérieur à 0."],
        ),
        (
            _broken(lambda p: p["criteria"][0].update(threshold=5)),
            ["Critère n°1 (K1) : le seuil éliminatoire doit être compris dans l'échelle."],
        ),
        (
            _broken(lambda p: p["criteria"][0].update(axis="Z")),
            ["Critère n°1 (K1) : axe inconnu « Z »."],
        ),
        (
            _broken(lambda p: p["criteria"][0].update(kind="complementary")),
            ["La grille doit contenir au moins un critère socle."],
        ),
    ],
    ids=[
        "not-an-object",
        "wrong-shape",
        "duplicate-codes",
        "min-equals-max",
        "min-above-max",
        "missing-level-label",
        "missing-label",
        "zero-weight",
        "threshold-outside",
        "unknown-axis",
        "no-core",
    ],
)
def test_bad_file_is_refused_with_its_problems_and_creates_nothing(payload, problems):
    grids, versions = Grid.objects.count(), GridVersion.objects.count()

    with pytest.raises(ValidationError) as error:
        grid_version_import(payload=copy.deepcopy(payload))

    assert error.value.messages == problems
    assert (Grid.objects.count(), GridVersion.objects.count()) == (grids, versions)


def test_import_into_grid_with_a_draft_is_refused():
    draft = draft_of_reference()
    payload = version_export(grid_version_detail(version_id=reference_version().pk))

    with pytest.raises(ValidationError) as error:
        grid_version_import(payload=payload, grid=draft.grid)
    assert error.value.code == "draft_exists"


def _hostile(change):
    payload = grid_payload(criteria=2)
    change(payload)
    return payload


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (_hostile(lambda p: p.update(slug="../ ét é/<x>")), "« slug »"),
        (_hostile(lambda p: p.update(name="n" * 300)), "dépasse 200"),
        (_hostile(lambda p: p["criteria"][0].update(fr="l" * 300)), "dépasse 200"),
        (_hostile(lambda p: p["axes"][0].update(fr="a\x00b")), "caractère nul"),
        (_hostile(lambda p: p.update(provenance="x" * 6000)), "dépasse 5000"),
        (
            _hostile(
                lambda p: p["criteria"][0].update(scale={"min": 40000, "max": 40002, "levels": []})
            ),
            "entre -1000 et 1000",
        ),
        (_hostile(lambda p: p["criteria"][0].update(weight=1e308)), "quatre chiffres"),
        (_hostile(lambda p: p.update(extra=[[[[[[[[[[1]]]]]]]]]])), "imbriqué"),
    ],
)
def test_hostile_grid_files_are_refused_before_the_database(payload, problem):
    data, problems = parse_payload(payload)

    assert data is None
    assert any(problem in text for text in problems), problems


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"[" * 100_000, b'{"slug": ' + b"9" * 5000 + b"}", b'{"slug": 1e999}', b"\xff\xfe"],
)
def test_unreadable_grid_files_are_explained_not_a_server_error(admin_client, content):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = admin_client.post(
        reverse("grid:grid_import"),
        {"file": SimpleUploadedFile("grille.json", content, "application/json")},
    )

    assert response.status_code == 200
    assert response.context["problems"]
    assert GridVersion.objects.count() == 1
