from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grid.models import Axis, Criterion, GridVersion, ScaleLevel, VersionStatus
from grid.services import (
    GridVersionLocked,
    criterion_update,
    grid_version_create_draft,
    grid_version_problems,
    grid_version_publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    return GridVersion.objects.get(grid__is_default=True, number=1)


def test_reference_grid_is_installed_as_published_version_1(reference):
    criteria = reference.criteria.all()

    assert reference.status == VersionStatus.PUBLISHED
    assert reference.published_at is not None
    assert [axis.code for axis in reference.axes.all()] == ["A", "B", "C", "D"]
    assert criteria.count() == 20
    assert criteria.core().count() == 8
    assert criteria.complementary().count() == 12
    assert {c.weight for c in criteria.core()} == {Decimal("2")}
    assert {c.weight for c in criteria.complementary()} == {Decimal("1")}
    assert [level.label for level in criteria.get(code="S1").levels.all()] == [
        "Absent ou non démontré",
        "Émergent",
        "Présent",
        "Fort, exemplaire",
    ]


def test_service_refuses_to_change_a_published_criterion(reference):
    criterion = reference.criteria.get(code="S1")

    with pytest.raises(GridVersionLocked) as caught:
        criterion_update(criterion=criterion, weight=Decimal("5"))

    assert "est publiée : elle ne peut plus changer" in caught.value.messages[0]
    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("2")


def test_direct_update_of_a_published_weight_leaves_database_unchanged(reference):
    criterion = reference.criteria.get(code="S1")

    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(pk=criterion.pk).update(weight=Decimal("5"))
    criterion.weight = Decimal("7")
    with pytest.raises(IntegrityError), transaction.atomic():
        criterion.save()

    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("2")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scale_max", 5),
        ("scale_min", 1),
        ("kind", "complementary"),
        ("threshold", 1),
        ("allows_not_applicable", False),
        ("code", "S9"),
        ("position", 42),
    ],
)
def test_direct_update_of_any_published_number_is_refused(reference, field, value):
    criterion = reference.criteria.get(code="S2")
    before = Criterion.objects.filter(pk=criterion.pk).values(field).get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(pk=criterion.pk).update(**{field: value})

    assert Criterion.objects.filter(pk=criterion.pk).values(field).get() == before


def test_direct_insert_into_a_published_version_is_refused(reference):
    axis = reference.axes.first()

    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(
            version=reference, axis=axis, code="X1", label="Ajout", kind="core"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Axis.objects.create(version=reference, code="E", label="Nouvel axe")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScaleLevel.objects.create(criterion=reference.criteria.first(), value=4, label="Plus")

    assert reference.criteria.count() == 20
    assert reference.axes.count() == 4


def test_published_version_cannot_go_back_to_draft(reference):
    with pytest.raises(IntegrityError), transaction.atomic():
        GridVersion.objects.filter(pk=reference.pk).update(status=VersionStatus.DRAFT)

    assert GridVersion.objects.get(pk=reference.pk).status == VersionStatus.PUBLISHED


def test_label_typo_fix_on_published_version_is_possible_in_database(reference):
    # Labels stay writable at the database level: the audited typo-fix action relies on it.
    criterion = reference.criteria.get(code="S1")

    Criterion.objects.filter(pk=criterion.pk).update(label="Réponse à un besoin social")

    assert Criterion.objects.get(pk=criterion.pk).label == "Réponse à un besoin social"


def test_create_draft_copies_everything_with_lineage(reference):
    draft = grid_version_create_draft(source=reference)

    assert (draft.number, draft.status, draft.based_on) == (2, VersionStatus.DRAFT, reference)
    copies = {c.code: c for c in draft.criteria.select_related("derived_from", "axis")}
    assert len(copies) == 20
    for criterion in reference.criteria.prefetch_related("levels"):
        copy = copies[criterion.code]
        assert copy.derived_from == criterion
        assert copy.axis.code == criterion.axis.code
        assert copy.axis.version == draft
        assert (copy.weight, copy.kind, copy.scale_min, copy.scale_max) == (
            criterion.weight,
            criterion.kind,
            criterion.scale_min,
            criterion.scale_max,
        )
        assert [lv.label for lv in copy.levels.all()] == [lv.label for lv in criterion.levels.all()]


def test_draft_changes_and_publish_leave_earlier_version_untouched(reference):
    draft = grid_version_create_draft(source=reference)
    criterion = draft.criteria.get(code="S1")

    labels = [level.label for level in criterion.levels.all()] + ["Très fort", "Exemplaire"]
    criterion_update(
        criterion=criterion, weight=Decimal("3"), scale_max=5, levels=dict(enumerate(labels))
    )
    grid_version_publish(version=draft)

    assert reference.criteria.get(code="S1").weight == Decimal("2")
    assert reference.criteria.get(code="S1").scale_max == 3
    assert draft.criteria.get(code="S1").weight == Decimal("3")
    assert GridVersion.objects.get(pk=draft.pk).status == VersionStatus.PUBLISHED


def test_publish_refuses_incomplete_draft_with_every_problem(reference):
    draft = grid_version_create_draft(source=reference)
    for criterion in draft.criteria.core():
        criterion_update(criterion=criterion, kind="complementary")
    # The editing services refuse a scale without labels; publishing checks again in case a
    # draft got one another way (a direct write, an old import).
    Criterion.objects.filter(version=draft, code="S1").update(scale_max=4)

    with pytest.raises(ValidationError) as caught:
        grid_version_publish(version=draft)

    assert caught.value.messages == [
        "La grille doit contenir au moins un critère socle.",
        "S1 : il manque le libellé des niveaux 4.",
    ]
    assert GridVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_draft_update_validates_bounds(reference):
    draft = grid_version_create_draft(source=reference)
    criterion = draft.criteria.get(code="S1")

    with pytest.raises(ValidationError):
        criterion_update(criterion=criterion, threshold=9)

    assert Criterion.objects.get(pk=criterion.pk).threshold is None
    assert grid_version_problems(draft) == []
