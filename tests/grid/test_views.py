import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from grid.interchange import version_export
from grid.models import Criterion, Grid, GridVersion
from grid.selectors import grid_version_detail, grid_version_history
from grid.services import (
    criterion_update,
    grid_create,
    grid_version_import,
    grid_version_publish,
)
from tests.factories import (
    draft_of_reference,
    grid_payload,
    reference_version,
    user_with_role,
)
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(user_with_role(None))
    return client


def _criterion_post(criterion, row_version, **overrides):
    data = {
        "row_version": row_version,
        "code": criterion.code,
        "label": criterion.label,
        "description": criterion.description,
        "question": criterion.question,
        "axis": criterion.axis_id,
        "kind": criterion.kind,
        "weight": str(criterion.weight),
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "threshold": "" if criterion.threshold is None else criterion.threshold,
        **{f"level_{lv.value}": lv.label for lv in criterion.levels.all()},
    }
    if criterion.allows_not_applicable:
        data["allows_not_applicable"] = "on"
    return {**data, **overrides}


def test_edit_page_query_count_does_not_grow_with_criteria(admin_client):
    small = grid_version_import(payload=grid_payload(criteria=1, slug="une"))
    large = grid_version_import(payload=grid_payload(criteria=3, slug="trois"))
    small_url = reverse("grid:version_edit", kwargs={"pk": small.pk})
    large_url = reverse("grid:version_edit", kwargs={"pk": large.pk})
    with count_queries() as expected:
        assert admin_client.get(small_url).status_code == 200

    with count_queries(expected.count):
        admin_client.get(large_url)


def test_list_page_query_count_does_not_grow_with_grids(admin_client):
    url = reverse("grid:grid_list")
    with count_queries() as expected:
        assert admin_client.get(url).status_code == 200
    grid_version_import(payload=grid_payload(slug="deux"))
    grid_version_import(payload=grid_payload(slug="trois"))

    with count_queries(expected.count):
        response = admin_client.get(url)
    assert len(response.context["grids"]) == 3


def test_stale_edit_gets_conflict_and_no_silent_overwrite(client):
    first, second = user_with_role(None), user_with_role(None)
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    seen = draft.row_version
    client.force_login(second)
    url = reverse("grid:criterion_edit", kwargs={"pk": criterion.pk})
    assert client.post(url, _criterion_post(criterion, seen, weight="4")).status_code == 302

    client.force_login(first)
    response = client.post(url, _criterion_post(criterion, seen, label="Ma version", weight="2"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Un autre administrateur a modifié cette version" in content
    conflict = response.context["conflict"]
    assert {row["field"] for row in conflict} == {"Libellé", "Poids"}
    weight_row = next(row for row in conflict if row["field"] == "Poids")
    assert (weight_row["current"], weight_row["submitted"]) == (Decimal("4"), Decimal("2"))
    criterion.refresh_from_db()
    assert (criterion.label, criterion.weight) == (
        "Réponse à un besoin social mal satisfait",
        Decimal("4"),
    )
    # The re-displayed form now carries the current row_version: saving again is deliberate.
    assert response.context["form"].data["row_version"] == str(seen + 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weight": "0"}, "Le poids doit être supérieur à 0."),
        ({"scale_min": "3", "scale_max": "3"}, "Le minimum de l&#x27;échelle doit être inférieur"),
        ({"level_2": ""}, "il manque celui des niveaux 2."),
        ({"code": "S2"}, "Le code S2 est déjà utilisé dans cette version."),
        ({"threshold": "9"}, "Le seuil éliminatoire doit être compris dans l&#x27;échelle"),
    ],
)
def test_criterion_form_shows_french_validation_messages(admin_client, overrides, message):
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    url = reverse("grid:criterion_edit", kwargs={"pk": criterion.pk})

    response = admin_client.post(url, _criterion_post(criterion, draft.row_version, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("2")


def test_scale_change_asks_for_new_level_labels(admin_client):
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    url = reverse("grid:criterion_edit", kwargs={"pk": criterion.pk})

    response = admin_client.post(url, _criterion_post(criterion, draft.row_version, scale_max="5"))

    assert response.status_code == 200
    assert response.context["form"].level_values == [0, 1, 2, 3, 4, 5]
    assert "il manque celui des niveaux 4, 5." in response.content.decode()


def test_protected_criterion_delete_shows_message(admin_client):
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    other = grid_create(slug="autre", name="Autre")
    Criterion.objects.create(
        version=other,
        axis=other.axes.first(),
        code="Z",
        label="Z",
        kind="core",
        derived_from=criterion,
    )
    url = reverse("grid:criterion_delete", kwargs={"pk": criterion.pk})

    response = admin_client.post(url, {"row_version": draft.row_version}, follow=True)

    assert "Le critère S1 ne peut pas être supprimé" in response.content.decode()
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_import_view_lists_problems_and_creates_nothing(admin_client):
    payload = grid_payload()
    payload["criteria"][1]["code"] = "K1"
    payload["scale"]["levels"].pop()
    upload = io.BytesIO(json.dumps(payload).encode())
    upload.name = "grille.json"
    grids = Grid.objects.count()

    response = admin_client.post(reverse("grid:grid_import"), {"file": upload})

    assert response.status_code == 200
    assert response.context["problems"] == [
        "Échelle par défaut : il manque le libellé des niveaux 2.",
        "Le code K1 est utilisé deux fois.",
    ]
    assert Grid.objects.count() == grids


def test_import_view_refuses_invalid_json(admin_client):
    upload = io.BytesIO(b"{pas du json")
    upload.name = "grille.json"

    response = admin_client.post(reverse("grid:grid_import"), {"file": upload})

    assert response.context["problems"][0].startswith("Le fichier n'est pas du JSON valide")


def test_export_view_matches_export_and_imports_back(admin_client):
    version = reference_version()

    response = admin_client.get(reverse("grid:version_export", kwargs={"pk": version.pk}))
    upload = io.BytesIO(response.content)
    upload.name = "grille.json"
    admin_client.post(reverse("grid:grid_import"), {"file": upload, "grid": version.grid_id})

    assert json.loads(response.content) == version_export(
        grid_version_detail(version_id=version.pk)
    )
    draft = GridVersion.objects.drafts().get(grid=version.grid)
    assert version_export(grid_version_detail(version_id=draft.pk)) == json.loads(response.content)


def test_publish_confirmation_shows_diff_then_publishes(admin_client):
    draft = draft_of_reference()
    criterion_update(criterion=draft.criteria.get(code="S1"), weight=Decimal("3"))
    url = reverse("grid:version_publish", kwargs={"pk": draft.pk})

    page = admin_client.get(url)
    draft.refresh_from_db()
    response = admin_client.post(url, {"row_version": draft.row_version})

    assert page.context["diff"]["changed"] == 1
    assert "Poids" in page.content.decode()
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.is_draft


def test_version_page_shows_history_to_administrators_only(client):
    admin = user_with_role(None)
    version = draft_of_reference()
    criterion_update(criterion=version.criteria.get(code="S1"), label="Nouveau libellé", by=admin)
    url = reverse("grid:version_detail", kwargs={"pk": version.pk})
    client.force_login(admin)

    response = client.get(url)

    assert [e.action for e in response.context["history"]] == [
        "grid.criterion.update",
        "grid.version.create",
    ]
    assert "Nouveau libellé" in response.content.decode()
    client.force_login(user_with_role(Role.FUNDER))
    published = client.get(reverse("grid:version_detail", kwargs={"pk": reference_version().pk}))
    assert published.context["history"] is None


@pytest.mark.parametrize("role", [Role.FUNDER, Role.REVIEWER, Role.HOLDER])
def test_non_administrators_cannot_read_drafts(client, role):
    client.force_login(user_with_role(role))
    draft = draft_of_reference()

    assert client.get(reverse("grid:version_detail", kwargs={"pk": draft.pk})).status_code == 403
    assert client.get(reverse("grid:version_export", kwargs={"pk": draft.pk})).status_code == 403


def test_readers_do_not_see_drafts_in_the_list(client):
    draft_of_reference()
    client.force_login(user_with_role(Role.FUNDER))

    response = client.get(reverse("grid:grid_list"))

    versions = [v for grid in response.context["grids"] for v in grid.visible_versions]
    assert [v.number for v in versions] == [1]


def test_text_fix_view_on_published_version_is_audited(admin_client):
    version = reference_version()
    criterion = version.criteria.get(code="S1")
    data = {
        "row_version": version.row_version,
        "label": "Réponse à un besoin social mal couvert",
        "description": criterion.description,
        "question": criterion.question,
        **{f"level_{lv.value}": lv.label for lv in criterion.levels.all()},
    }

    response = admin_client.post(
        reverse("grid:criterion_fix_text", kwargs={"pk": criterion.pk}), data
    )

    assert response.status_code == 302
    event = AuditEvent.objects.for_object(version).get()
    assert (event.action, event.ip) == ("grid.criterion.fix_text", "127.0.0.1")


def test_create_grid_from_reference_via_page(admin_client):
    response = admin_client.post(
        reverse("grid:grid_create"), {"name": "Grille régionale", "slug": "region"}
    )

    draft = GridVersion.objects.get(grid__slug="region")
    assert response.status_code == 302
    assert draft.criteria.count() == 20


def test_editing_a_published_version_redirects_with_explanation(admin_client):
    version = reference_version()

    response = admin_client.get(
        reverse("grid:version_edit", kwargs={"pk": version.pk}), follow=True
    )

    assert response.redirect_chain == [
        (reverse("grid:version_detail", kwargs={"pk": version.pk}), 302)
    ]
    assert "créez une nouvelle version pour la modifier" in response.content.decode()


def test_axis_pages_add_rename_move_and_delete(admin_client):
    draft = draft_of_reference()
    create = reverse("grid:axis_create", kwargs={"pk": draft.pk})

    admin_client.post(create, {"row_version": draft.row_version, "code": "E", "label": "Axe E"})
    axis = draft.axes.get(code="E")
    draft.refresh_from_db()
    admin_client.post(
        reverse("grid:axis_edit", kwargs={"pk": axis.pk}),
        {"row_version": draft.row_version, "code": "E", "label": "Territoire"},
    )
    draft.refresh_from_db()
    admin_client.post(
        reverse("grid:axis_move", kwargs={"pk": axis.pk}),
        {"row_version": draft.row_version, "direction": "up"},
    )
    order = list(draft.axes.values_list("code", "label"))
    draft.refresh_from_db()
    admin_client.post(
        reverse("grid:axis_delete", kwargs={"pk": axis.pk}), {"row_version": draft.row_version}
    )

    assert order[3] == ("E", "Territoire")
    assert not draft.axes.filter(code="E").exists()


def test_duplicate_axis_code_is_shown_on_the_field(admin_client):
    draft = draft_of_reference()

    response = admin_client.post(
        reverse("grid:axis_create", kwargs={"pk": draft.pk}),
        {"row_version": draft.row_version, "code": "A", "label": "Doublon"},
    )

    assert response.context["form"].errors == {
        "code": ["Le code d'axe A est déjà utilisé dans cette version."]
    }


def test_criterion_page_adds_a_criterion(admin_client):
    draft = draft_of_reference()
    data = {
        "row_version": draft.row_version,
        "code": "N1",
        "label": "Nouveau",
        "axis": draft.axes.get(code="B").pk,
        "kind": "complementary",
        "weight": "1.5",
        "scale_min": "0",
        "scale_max": "3",
        "threshold": "",
        **{f"level_{v}": f"Niveau {v}" for v in range(4)},
    }

    response = admin_client.post(reverse("grid:criterion_create", kwargs={"pk": draft.pk}), data)

    assert response.status_code == 302
    created = draft.criteria.get(code="N1")
    assert (created.axis.code, created.weight, created.levels.count()) == ("B", Decimal("1.5"), 4)


def test_list_page_says_how_many_calls_use_each_version(admin_client):
    from tests.factories import CallFactory

    CallFactory.create_batch(2)

    html = admin_client.get(reverse("grid:grid_list")).content.decode()

    assert 'data-calls="2"' in html


@pytest.mark.parametrize("row_version", [None, "", "abc", str(2**64), "-1"])
def test_publish_and_delete_without_a_valid_row_version_are_conflicts(admin_client, row_version):
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    data = {} if row_version is None else {"row_version": row_version}

    published = admin_client.post(reverse("grid:version_publish", kwargs={"pk": draft.pk}), data)
    deleted = admin_client.post(reverse("grid:criterion_delete", kwargs={"pk": criterion.pk}), data)

    assert (published.status_code, deleted.status_code) == (302, 302)
    draft.refresh_from_db()
    assert draft.is_draft
    assert draft.criteria.filter(pk=criterion.pk).exists()


def test_history_shows_statuses_by_their_french_labels():
    admin = user_with_role(None)
    version = draft_of_reference()
    grid_version_publish(version=version, by=admin, row_version=version.row_version)

    published = next(
        event
        for event in grid_version_history(version=GridVersion.objects.get(pk=version.pk))
        if event.action == "grid.version.publish"
    )

    assert published.changes == [{"key": "Statut", "before": "Brouillon", "after": "Publiée"}]
