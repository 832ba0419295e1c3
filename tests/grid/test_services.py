from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from grid.models import Criterion, GridVersion, ScaleLevel, VersionStatus
from grid.services import (
    GridVersionConflict,
    GridVersionLocked,
    axis_create,
    axis_delete,
    axis_move,
    criterion_create,
    criterion_delete,
    criterion_fix_text,
    criterion_move,
    criterion_update,
    grid_create,
    grid_version_create_draft,
    grid_version_import,
    grid_version_problems,
    grid_version_publish,
    grid_version_retire,
)
from tests.factories import UserFactory, draft_of_reference, grid_payload, reference_version

pytestmark = pytest.mark.django_db

LEVELS = {0: "Absent", 1: "Émergent", 2: "Présent", 3: "Fort"}


def _criterion_fields(draft, **overrides):
    fields = {
        "axis": draft.axes.get(code="A"),
        "code": "N1",
        "label": "Nouveau critère",
        "kind": "complementary",
        "weight": Decimal("1.5"),
        "scale_min": 0,
        "scale_max": 3,
        "threshold": None,
        "allows_not_applicable": False,
    }
    return {**fields, **overrides}


def _messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


# Immutability


def test_published_version_refuses_criterion_update_through_service():
    criterion = reference_version().criteria.get(code="S1")

    with pytest.raises(GridVersionLocked):
        criterion_update(criterion=criterion, weight=Decimal("5"))
    criterion.refresh_from_db()
    assert criterion.weight == Decimal("2")


@pytest.mark.parametrize(
    "service",
    [
        lambda v, c: criterion_delete(criterion=c),
        lambda v, c: criterion_move(criterion=c, direction="down"),
        lambda v, c: axis_create(version=v, code="Z", label="Axe Z"),
        lambda v, c: axis_delete(axis=c.axis),
        lambda v, c: criterion_create(version=v, levels=LEVELS, **_criterion_fields(v)),
        lambda v, c: grid_version_publish(version=v),
    ],
    ids=["delete", "move", "axis_create", "axis_delete", "criterion_create", "publish"],
)
def test_published_version_refuses_every_structural_service(service):
    version = reference_version()
    criterion = version.criteria.get(code="S1")

    with pytest.raises(GridVersionLocked):
        service(version, criterion)
    assert version.criteria.count() == 20


@pytest.mark.parametrize(
    "change",
    [{"weight": 5}, {"scale_max": 4}, {"code": "X1"}, {"kind": "complementary"}, {"threshold": 1}],
)
def test_published_version_refuses_direct_queryset_update(change):
    criteria = Criterion.objects.filter(version=reference_version(), code="S1")

    with pytest.raises(IntegrityError), transaction.atomic():
        criteria.update(**change)
    assert criteria.get().code == "S1"


def test_published_version_refuses_direct_save_and_insert():
    version = reference_version()
    criterion = version.criteria.get(code="S1")
    criterion.weight = Decimal("9")

    with pytest.raises(IntegrityError), transaction.atomic():
        criterion.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(
            version=version, axis=criterion.axis, code="X9", label="Ajout", kind="core"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ScaleLevel.objects.filter(criterion=criterion, value=0).update(value=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        GridVersion.objects.filter(pk=version.pk).update(status=VersionStatus.DRAFT)
    assert version.criteria.count() == 20


def test_published_version_accepts_audited_text_fix():
    admin = UserFactory(administrator=True)
    version = reference_version()
    criterion = version.criteria.get(code="S1")

    criterion_fix_text(
        criterion=criterion,
        by=admin,
        row_version=version.row_version,
        label="Réponse à un besoin social mal couvert",
        levels={0: "Absent"},
    )

    criterion.refresh_from_db()
    assert criterion.label == "Réponse à un besoin social mal couvert"
    assert criterion.levels.get(value=0).label == "Absent"
    assert criterion.weight == Decimal("2")
    event = AuditEvent.objects.for_object(version).get()
    assert event.action == "grid.criterion.fix_text"
    assert event.actor == admin
    assert event.before["label"] == "Réponse à un besoin social mal satisfait"
    assert event.after["label"] == "Réponse à un besoin social mal couvert"
    assert event.after["levels"]["0"] == "Absent"


def test_text_fix_refuses_numbers():
    criterion = reference_version().criteria.get(code="S1")

    with pytest.raises(TypeError):
        criterion_fix_text(criterion=criterion, weight=Decimal("3"))


# Lineage


def test_lineage_across_three_versions():
    v1 = reference_version()
    v2 = grid_version_create_draft(source=v1)
    grid_version_publish(version=v2)
    v3 = grid_version_create_draft(source=v2)

    s1_v3 = v3.criteria.get(code="S1")

    assert s1_v3.derived_from == v2.criteria.get(code="S1")
    assert s1_v3.derived_from.derived_from == v1.criteria.get(code="S1")
    assert s1_v3.derived_from.derived_from.derived_from is None
    assert [v3.based_on, v2.based_on] == [v2, v1]
    assert v3.number == 3


def test_new_draft_refused_when_a_draft_exists():
    draft_of_reference()

    with pytest.raises(ValidationError) as error:
        grid_version_create_draft(source=reference_version())
    assert error.value.code == "draft_exists"


# Editing a draft


def test_criterion_create_update_delete_are_audited():
    admin = UserFactory(administrator=True)
    draft = draft_of_reference()

    criterion = criterion_create(version=draft, levels=LEVELS, by=admin, **_criterion_fields(draft))
    criterion_update(criterion=criterion, by=admin, weight=Decimal("3"), label="Renommé")
    criterion_delete(criterion=criterion, by=admin)

    assert not draft.criteria.filter(code="N1").exists()
    actions = list(
        AuditEvent.objects.for_object(draft).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "grid.version.create",
        "grid.criterion.create",
        "grid.criterion.update",
        "grid.criterion.delete",
    ]
    update = AuditEvent.objects.get(action="grid.criterion.update")
    assert (update.before["weight"], update.after["weight"]) == ("1.5", "3")
    assert (update.before["label"], update.after["label"]) == ("Nouveau critère", "Renommé")


def test_criterion_update_replaces_level_labels_for_a_new_scale():
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")

    criterion_update(
        criterion=criterion,
        scale_min=1,
        scale_max=5,
        levels={v: f"Niveau {v}" for v in range(1, 6)},
    )

    assert list(criterion.levels.values_list("value", "label")) == [
        (v, f"Niveau {v}") for v in range(1, 6)
    ]


@pytest.mark.parametrize(
    ("overrides", "levels", "message"),
    [
        ({"weight": Decimal("0")}, LEVELS, "Le poids doit être supérieur à 0."),
        ({"weight": Decimal("-1")}, LEVELS, "Le poids doit être supérieur à 0."),
        (
            {"scale_min": 3, "scale_max": 3},
            LEVELS,
            "Le minimum de l'échelle doit être inférieur au maximum.",
        ),
        (
            {"scale_min": 4, "scale_max": 2},
            LEVELS,
            "Le minimum de l'échelle doit être inférieur au maximum.",
        ),
        (
            {},
            {0: "Absent", 1: "", 2: "Présent"},
            "Chaque niveau doit avoir un libellé : il manque celui des niveaux 1, 3.",
        ),
        ({"code": "S1"}, LEVELS, "Le code S1 est déjà utilisé dans cette version."),
        ({"code": "  "}, LEVELS, "Le code est obligatoire."),
        (
            {"threshold": 4},
            LEVELS,
            "Le seuil éliminatoire doit être compris dans l'échelle (de 0 à 3).",
        ),
        ({"scale_max": 20}, LEVELS, "L'échelle compte au plus 11 niveaux."),
    ],
)
def test_criterion_validation_messages(overrides, levels, message):
    draft = draft_of_reference()

    with pytest.raises(ValidationError) as error:
        criterion_create(version=draft, levels=levels, **_criterion_fields(draft, **overrides))
    assert _messages(error.value) == [message]
    assert not draft.criteria.exclude(code__in=reference_version().criteria.values("code")).exists()


def test_publish_needs_at_least_one_core_criterion():
    draft = draft_of_reference()
    draft.criteria.filter(kind="core").update(kind="complementary")

    with pytest.raises(ValidationError) as error:
        grid_version_publish(version=draft)
    assert error.value.messages == ["La grille doit contenir au moins un critère socle."]
    assert grid_version_problems(draft) == ["La grille doit contenir au moins un critère socle."]
    draft.refresh_from_db()
    assert draft.is_draft


def test_publish_records_audit_and_freezes():
    admin = UserFactory(administrator=True)
    draft = draft_of_reference()

    grid_version_publish(version=draft, by=admin, row_version=draft.row_version)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert AuditEvent.objects.for_object(draft).filter(action="grid.version.publish").exists()


def test_stale_row_version_is_a_conflict_and_changes_nothing():
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    seen = draft.row_version
    criterion_update(criterion=criterion, row_version=seen, label="Première modification")

    with pytest.raises(GridVersionConflict) as error:
        criterion_update(criterion=criterion, row_version=seen, label="Seconde modification")
    assert error.value.version.row_version == seen + 1
    criterion.refresh_from_db()
    assert criterion.label == "Première modification"


def test_axis_with_criteria_cannot_be_deleted():
    draft = draft_of_reference()

    with pytest.raises(ValidationError) as error:
        axis_delete(axis=draft.axes.get(code="A"))
    assert error.value.messages == [
        "L'axe A contient encore des critères : supprimez-les ou rattachez-les à un autre axe "
        "d'abord."
    ]
    assert draft.axes.filter(code="A").exists()


def test_protected_criterion_gives_a_clear_message():
    # A criterion of another version continuing this one protects it, as scores do.
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    other = grid_create(slug="autre", name="Autre")
    Criterion.objects.create(
        version=other,
        axis=other.axes.get(code="A"),
        code="Z1",
        label="Suite",
        kind="core",
        derived_from=criterion,
    )

    with pytest.raises(ValidationError) as error:
        criterion_delete(criterion=criterion)
    assert error.value.messages == [
        "Le critère S1 ne peut pas être supprimé : des notes ou une version ultérieure de la "
        "grille y font référence."
    ]
    assert draft.criteria.filter(code="S1").exists()


def test_moves_reorder_axes_and_criteria():
    draft = draft_of_reference()
    first_two = list(draft.criteria.filter(axis__code="A").values_list("code", flat=True)[:2])

    axis_move(axis=draft.axes.get(code="B"), direction="up")
    criterion_move(criterion=draft.criteria.get(code=first_two[1]), direction="up")

    assert list(draft.axes.values_list("code", flat=True)) == ["B", "A", "C", "D"]
    moved = list(draft.criteria.filter(axis__code="A").values_list("code", flat=True)[:2])
    assert moved == [first_two[1], first_two[0]]


def test_axis_code_must_be_unique():
    draft = draft_of_reference()

    with pytest.raises(ValidationError) as error:
        axis_create(version=draft, code="A", label="Doublon")
    assert _messages(error.value) == ["Le code d'axe A est déjà utilisé dans cette version."]


# Creating grids


def test_grid_create_from_reference_and_from_published_version():
    from_reference = grid_create(slug="region", name="Grille régionale")
    from_version = grid_create(
        slug="fondation", name="Grille fondation", source=reference_version()
    )

    assert from_reference.criteria.count() == 20
    assert from_reference.is_draft
    assert from_version.criteria.get(code="S1").derived_from == reference_version().criteria.get(
        code="S1"
    )
    assert grid_version_problems(from_reference) == []


def test_grid_create_refuses_taken_slug():
    with pytest.raises(ValidationError):
        grid_create(slug="grille-innovation-sociale", name="Doublon")


def test_import_creates_a_draft_of_a_new_grid():
    version = grid_version_import(payload=grid_payload(criteria=3))

    assert version.is_draft
    assert version.grid.slug == "petite-grille"
    assert list(version.criteria.values_list("code", "kind", "weight")) == [
        ("K1", "core", Decimal("2")),
        ("K2", "complementary", Decimal("1")),
        ("K3", "complementary", Decimal("1")),
    ]
    assert AuditEvent.objects.for_object(version).get().action == "grid.version.import"


def test_retire_keeps_the_version_readable_and_unchanged():
    admin = UserFactory(administrator=True)
    version = reference_version()

    grid_version_retire(version=version, by=admin)

    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED
    assert version.criteria.count() == 20
    assert AuditEvent.objects.for_object(version).get().action == "grid.version.retire"
    with pytest.raises(ValidationError):
        grid_version_retire(version=version)
    with pytest.raises(IntegrityError), transaction.atomic():
        GridVersion.objects.filter(pk=version.pk).update(status=VersionStatus.DRAFT)
