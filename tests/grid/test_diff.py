from decimal import Decimal

import pytest

from grid.selectors import grid_version_diff
from grid.services import (
    axis_create,
    criterion_create,
    criterion_delete,
    criterion_move,
    criterion_update,
    grid_version_create_draft,
    grid_version_import,
    grid_version_publish,
)
from tests.factories import grid_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """A hand-built published grid: K1 (core), K2 and K3 (complementary), scale 0–2."""
    return grid_version_publish(version=grid_version_import(payload=grid_payload(criteria=3)))


def test_diff_on_a_hand_built_case(published):
    draft = grid_version_create_draft(source=published)
    # K1: renamed code and new weight, matched by lineage, not by code.
    criterion_update(criterion=draft.criteria.get(code="K1"), code="S1", weight=Decimal("3"))
    # K2: new scale 1–4 with its level labels, and a threshold.
    criterion_update(
        criterion=draft.criteria.get(code="K2"),
        scale_min=1,
        scale_max=4,
        threshold=2,
        levels={1: "Un", 2: "Deux", 3: "Trois", 4: "Quatre"},
    )
    criterion_delete(criterion=draft.criteria.get(code="K3"))
    axis = axis_create(version=draft, code="B", label="Impact")
    criterion_create(
        version=draft,
        axis=axis,
        code="K4",
        label="Nouveau",
        kind="complementary",
        weight=Decimal("1"),
        scale_min=0,
        scale_max=1,
        threshold=None,
        allows_not_applicable=True,
        levels={0: "Non", 1: "Oui"},
    )

    diff = grid_version_diff(old=published, new=draft)

    summary = [
        (entry["status"], entry["criterion"].code, [tuple(c.values()) for c in entry["changes"]])
        for entry in diff["criteria"]
    ]
    assert summary == [
        ("changed", "S1", [("Code", "K1", "S1"), ("Poids", "2", "3")]),
        (
            "changed",
            "K2",
            [
                ("Échelle : minimum", "0", "1"),
                ("Échelle : maximum", "2", "4"),
                ("Seuil éliminatoire", "—", "2"),
                ("Niveau 0 : libellé", "Absent", "—"),
                ("Niveau 1 : libellé", "Partiel", "Un"),
                ("Niveau 2 : libellé", "Fort", "Deux"),
                ("Niveau 3 : libellé", "—", "Trois"),
                ("Niveau 4 : libellé", "—", "Quatre"),
            ],
        ),
        ("added", "K4", []),
        ("removed", "K3", []),
    ]
    assert [(a["status"], a["axis"].code) for a in diff["axes"]] == [("added", "B")]
    assert (diff["added"], diff["removed"], diff["changed"]) == (1, 1, 2)
    assert not diff["is_empty"]


def test_diff_follows_lineage_across_versions_in_both_directions(published):
    v2 = grid_version_create_draft(source=published)
    criterion_update(criterion=v2.criteria.get(code="K1"), code="X1")
    v2 = grid_version_publish(version=v2)
    v3 = grid_version_create_draft(source=v2)
    criterion_update(criterion=v3.criteria.get(code="X1"), code="Y1")

    forward = grid_version_diff(old=published, new=v3)
    backward = grid_version_diff(old=v3, new=published)

    assert [
        (e["status"], e["changes"][0]["old"], e["changes"][0]["new"]) for e in forward["criteria"]
    ] == [("changed", "K1", "Y1")]
    assert [
        (e["status"], e["changes"][0]["old"], e["changes"][0]["new"]) for e in backward["criteria"]
    ] == [("changed", "Y1", "K1")]


def test_diff_falls_back_to_code_without_lineage(published):
    other = grid_version_import(payload=grid_payload(criteria=3, slug="copie"))

    diff = grid_version_diff(old=published, new=other)

    assert diff["is_empty"]


def test_diff_of_identical_copy_is_empty(published):
    draft = grid_version_create_draft(source=published)

    assert grid_version_diff(old=published, new=draft)["is_empty"]


def test_diff_flags_a_reordering(published):
    draft = grid_version_create_draft(source=published)
    criterion_move(criterion=draft.criteria.get(code="K2"), direction="up")

    diff = grid_version_diff(old=published, new=draft)

    assert diff["order_changed"]
    assert diff["criteria"] == []
    assert not diff["is_empty"]
