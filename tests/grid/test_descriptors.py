"""Anchored levels: what each level means for each criterion, in French and English, in the
reference grid, the exchange files and the editor."""

import json

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AuditEvent
from grid.interchange import version_export
from grid.models import GridVersion, ScaleLevel
from grid.reference import fill_reference_descriptors, read_reference
from grid.selectors import grid_version_detail
from grid.services import GridVersionConflict, criterion_update, grid_version_import
from tests.factories import draft_of_reference, grid_payload, reference_version, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(user_with_role(None))
    return client


def test_reference_file_anchors_every_level_of_every_criterion():
    payload = read_reference()
    values = [level["value"] for level in payload["scale"]["levels"]]

    assert len(payload["criteria"]) == 20
    for criterion in payload["criteria"]:
        levels = criterion["scale"]["levels"]
        assert [level["value"] for level in levels] == values, criterion["code"]
        for level in levels:
            assert level["description"].strip(), (criterion["code"], level["value"])
            assert level["description_en"].strip(), (criterion["code"], level["value"])
    # Specific to each criterion, not the generic labels repeated.
    anchors = [level["description"] for c in payload["criteria"] for level in c["scale"]["levels"]]
    assert len(set(anchors)) == len(anchors)


def test_reference_grid_in_the_database_has_both_descriptors_for_every_level():
    levels = ScaleLevel.objects.filter(criterion__version=reference_version())

    assert levels.count() == 80
    assert not levels.filter(description="").exists()
    assert not levels.filter(description_en="").exists()
    level = levels.get(criterion__code="S7", value=3)
    assert level.descriptor("fr").startswith("Les citoyens co-construisent")
    assert level.descriptor("en").startswith("Citizens co-build")


def test_english_falls_back_to_french_when_not_written():
    level = ScaleLevel(value=1, label="Émergent", description="En français", description_en="")

    assert level.descriptor("en") == "En français"


def test_filling_is_idempotent_keeps_fixes_and_leaves_other_grids_alone():
    reference = reference_version()
    fixed = ScaleLevel.objects.get(criterion__version=reference, criterion__code="S1", value=2)
    fixed.description = "Correction d'un administrateur."
    fixed.save(update_fields=["description"])
    ScaleLevel.objects.filter(criterion__version=reference, criterion__code="S2").update(
        description_en=""
    )
    other = grid_version_import(payload=grid_payload())

    assert fill_reference_descriptors(apps.get_model) == 4
    assert fill_reference_descriptors(apps.get_model) == 0

    fixed.refresh_from_db()
    assert fixed.description == "Correction d'un administrateur."
    assert not ScaleLevel.objects.filter(criterion__version=reference, description_en="").exists()
    assert set(
        ScaleLevel.objects.filter(criterion__version=other).values_list("description", flat=True)
    ) == {""}


def test_published_levels_still_refuse_new_rows_after_the_migration():
    criterion = reference_version().criteria.get(code="S1")

    with pytest.raises(IntegrityError), transaction.atomic():
        ScaleLevel.objects.create(criterion=criterion, value=9, label="Ajout")
    with pytest.raises(IntegrityError), transaction.atomic():
        ScaleLevel.objects.filter(criterion=criterion, value=0).update(value=8)


# --- Exchange files ---------------------------------------------------------------------------


def _export(version):
    return version_export(grid_version_detail(version_id=version.pk))


def test_export_writes_descriptors_and_import_reads_them_back():
    draft = draft_of_reference()
    exported = _export(draft)
    s1 = next(c for c in exported["criteria"] if c["code"] == "S1")

    assert s1["scale"]["levels"][0]["description_en"].startswith("No social need")
    # The default scale carries labels only: descriptors belong to each criterion.
    assert all(set(level) == {"value", "fr"} for level in exported["scale"]["levels"])

    payload = json.loads(json.dumps(exported))
    payload["slug"] = "copie-ancree"
    imported = grid_version_import(payload=payload)

    assert _export(imported)["criteria"] == exported["criteria"]
    level = ScaleLevel.objects.get(criterion__version=imported, criterion__code="C9", value=3)
    assert level.description_en.startswith("A structured impact evaluation")


def test_files_without_descriptors_still_import():
    version = grid_version_import(payload=grid_payload())

    levels = ScaleLevel.objects.filter(criterion__version=version)
    assert levels.exists()
    assert set(levels.values_list("description", "description_en")) == {("", "")}
    assert all(
        "description_en" not in level
        for criterion in _export(version)["criteria"]
        for level in criterion["scale"]["levels"]
    )


# --- Editor -----------------------------------------------------------------------------------


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
    }
    for level in criterion.levels.all():
        data[f"level_{level.value}"] = level.label
        data[f"level_{level.value}_description"] = level.description
        data[f"level_{level.value}_description_en"] = level.description_en
    if criterion.allows_not_applicable:
        data["allows_not_applicable"] = "on"
    return {**data, **overrides}


def test_editor_shows_and_saves_descriptors_of_a_draft(admin_client):
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="C7")
    url = reverse("grid:criterion_edit", kwargs={"pk": criterion.pk})

    page = admin_client.get(url).content.decode()
    assert "Descripteur du niveau 3 (anglais)" in page
    assert "contribue directement à la transition écologique" in page

    response = admin_client.post(
        url,
        _criterion_post(
            criterion,
            draft.row_version,
            level_2_description="  Bilan carbone fait et plan de réduction chiffré.  ",
            level_2_description_en="Carbon footprint assessed and a costed reduction plan.",
        ),
    )

    assert response.status_code == 302
    level = ScaleLevel.objects.get(criterion__version=draft, criterion__code="C7", value=2)
    assert level.description == "Bilan carbone fait et plan de réduction chiffré."
    assert level.description_en == "Carbon footprint assessed and a costed reduction plan."
    event = AuditEvent.objects.for_object(draft).filter(action="grid.criterion.update").get()
    assert event.after["descriptors"]["2"]["en"].startswith("Carbon footprint")


def test_stale_descriptor_edit_is_a_conflict_and_overwrites_nothing(client):
    first, second = user_with_role(None), user_with_role(None)
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    seen = draft.row_version
    url = reverse("grid:criterion_edit", kwargs={"pk": criterion.pk})
    client.force_login(second)
    saved = client.post(url, _criterion_post(criterion, seen, level_0_description="Premier."))
    assert saved.status_code == 302

    client.force_login(first)
    response = client.post(url, _criterion_post(criterion, seen, level_0_description="Second."))

    assert response.status_code == 200
    assert "Un autre administrateur a modifié cette version" in response.content.decode()
    level = ScaleLevel.objects.get(criterion=criterion, value=0)
    assert level.description == "Premier."


def test_service_refuses_a_stale_row_version_for_descriptors():
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    stale = draft.row_version
    criterion_update(criterion=criterion, row_version=stale, descriptors={0: ("Un.", "One.")})

    with pytest.raises(GridVersionConflict):
        criterion_update(criterion=criterion, row_version=stale, descriptors={0: ("Deux.", "")})
    assert ScaleLevel.objects.get(criterion=criterion, value=0).description == "Un."


def test_changing_labels_only_keeps_the_descriptors():
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S3")
    before = list(criterion.levels.values_list("description", "description_en"))

    criterion_update(criterion=criterion, levels={0: "Nul", 1: "Faible", 2: "Net", 3: "Fort"})

    assert list(criterion.levels.values_list("description", "description_en")) == before


def test_published_version_descriptors_are_fixed_through_the_audited_text_fix(admin_client):
    version = reference_version()
    criterion = version.criteria.get(code="S5")
    data = {
        "row_version": version.row_version,
        "label": criterion.label,
        "description": criterion.description,
        "question": criterion.question,
    }
    for level in criterion.levels.all():
        data[f"level_{level.value}"] = level.label
        data[f"level_{level.value}_description"] = level.description
        data[f"level_{level.value}_description_en"] = level.description_en
    data["level_1_description_en"] = "Sustainability is mentioned, with no resources identified."
    url = reverse("grid:criterion_fix_text", kwargs={"pk": criterion.pk})

    assert "Descripteur du niveau 1 (anglais)" in admin_client.get(url).content.decode()
    response = admin_client.post(url, data)

    assert response.status_code == 302
    level = ScaleLevel.objects.get(criterion=criterion, value=1)
    assert level.description_en == "Sustainability is mentioned, with no resources identified."
    assert GridVersion.objects.get(pk=version.pk).is_published
    event = AuditEvent.objects.for_object(version).get()
    assert event.action == "grid.criterion.fix_text"
    assert event.before["descriptors"]["1"]["en"] != event.after["descriptors"]["1"]["en"]
