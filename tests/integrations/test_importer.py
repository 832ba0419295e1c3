"""Importing a démarche of Démarche numérique into a call, against a local GraphQL server
speaking its API (tests/fake_http.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, Role
from integrations.crypto import token_decrypt
from integrations.importer import (
    demarche_import_queue,
    demarche_import_run,
    demarche_source_connect,
    demarche_source_map,
)
from integrations.models import DemarcheSource, ImportedDossier, ImportStatus
from projects.models import Attachment, Project, ProjectStatus
from tests.factories import CallFactory, MembershipFactory
from tests.fake_http import (
    DEMARCHE_NUMBER,
    DEMARCHE_TOKEN,
    FIELD_MAP,
    Answer,
    dossier_node,
)
from tests.projects.matrix import pdf_bytes

pytestmark = pytest.mark.django_db

SIRET_ASSO = "77567227200017"
EARLIER = "2026-11-05T09:00:00+01:00"


def _later() -> str:
    return (timezone.now() + timedelta(minutes=1)).isoformat()


@pytest.fixture
def funder():
    return MembershipFactory(role=Role.FUNDER).user


@pytest.fixture
def call(funder):
    return CallFactory(funder=funder.memberships.get().organisation)


@pytest.fixture
def source(call, funder, fake_demarches):
    source = demarche_source_connect(
        call=call, number=DEMARCHE_NUMBER, token=DEMARCHE_TOKEN, by=funder
    )
    return demarche_source_map(
        source=source, field_map=FIELD_MAP, row_version=source.row_version, by=funder
    )


def _run(source):
    return demarche_import_run(source_id=source.pk)


def test_connect_keeps_the_champs_and_the_token_encrypted(source):
    assert source.title == "Appel à projets innovation sociale 2026"
    assert [d["label"] for d in source.descriptors][:2] == ["Nom du projet", "Présentation"]
    assert DEMARCHE_TOKEN not in source.token_encrypted
    assert token_decrypt(source.token_encrypted) == DEMARCHE_TOKEN


def test_connect_with_a_wrong_token_is_refused_with_a_reason(call, funder, fake_demarches):
    with pytest.raises(ValidationError) as raised:
        demarche_source_connect(call=call, number=DEMARCHE_NUMBER, token="faux", by=funder)

    assert "refuse le jeton" in raised.value.messages[0]
    assert not DemarcheSource.objects.exists()


def test_connect_to_an_unknown_demarche_is_refused(call, funder, fake_demarches):
    with pytest.raises(ValidationError) as raised:
        demarche_source_connect(call=call, number=1, token=DEMARCHE_TOKEN, by=funder)

    assert "introuvable" in raised.value.messages[0]


def test_mapping_needs_a_title_and_known_champs(source, funder):
    with pytest.raises(ValidationError):
        demarche_source_map(
            source=source, field_map={"summary": "x"}, row_version=source.row_version, by=funder
        )
    with pytest.raises(ValidationError):
        demarche_source_map(source=source, field_map=FIELD_MAP, row_version=0, by=funder)


def test_first_import_creates_projects_organisations_owners_and_attachments(
    source, fake_demarches, fake_companies
):
    pdf = fake_demarches.file("budget.pdf", pdf_bytes())
    script = fake_demarches.file("notes.txt", b"pas un pdf")
    fake_demarches.dossiers = {
        11: dossier_node(
            11, title="Jardin partagé", modified=EARLIER, siret=SIRET_ASSO, files=[pdf, script]
        ),
        12: dossier_node(
            12, title="Repair café", modified=EARLIER, amount=3500.5, commune=("59350", "Lille")
        ),
        13: dossier_node(13, title="Épicerie solidaire", modified=EARLIER, siret=SIRET_ASSO),
    }

    counts = _run(source)

    assert counts["created"] == 3
    assert (counts["files"], counts["files_refused"]) == (1, 1)
    source.refresh_from_db()
    assert source.status == ImportStatus.DONE
    assert source.processed == 3
    projects = Project.objects.filter(call=source.call).order_by("imported_dossier__number")
    assert [p.title for p in projects] == ["Jardin partagé", "Repair café", "Épicerie solidaire"]
    first, second, third = projects
    assert first.status == ProjectStatus.SUBMITTED
    # The GraphQL id, which the decision mutations take (integrations.writeback).
    assert first.imported_dossier.graphql_id == "RG9zc2llci011"
    assert first.amount_requested == Decimal("12000.00")
    assert second.amount_requested == Decimal("3500.50")
    assert (first.commune.code, first.region.code) == ("80021", "32")
    # One organisation for the SIRET, named from the registries; the owner is its holder.
    assert first.organisation == third.organisation
    assert first.organisation.name == "JARDINS PARTAGÉS D'AMIENS"
    assert first.organisation.siret == SIRET_ASSO
    assert Membership.objects.filter(
        user=first.owner, organisation=first.organisation, role=Role.HOLDER
    ).exists()
    assert first.owner.email == "usager11@example.fr"
    assert not first.owner.has_usable_password()
    assert second.organisation.name == "Léa Martin"
    assert Attachment.objects.filter(project=first).count() == 1
    # Three pages of two dossiers: the cursor was followed.
    afters = [
        r["variables"].get("after")
        for r in fake_demarches.graphql_requests()
        if "getDossiers" in r["query"]
    ]
    assert afters == [None, "2"]


def test_reimport_is_incremental_idempotent_and_follows_updates_and_deletions(
    source, fake_demarches
):
    pdf = fake_demarches.file("budget.pdf", pdf_bytes())
    fake_demarches.dossiers = {
        11: dossier_node(11, title="Jardin partagé", modified=EARLIER, files=[pdf]),
        12: dossier_node(12, title="Repair café", modified=EARLIER),
    }
    _run(source)
    source.refresh_from_db()

    fake_demarches.dossiers[11] = dossier_node(
        11, title="Jardin partagé et composteur", modified=_later(), files=[pdf]
    )
    fake_demarches.dossiers[14] = dossier_node(14, title="Tiers-lieu", modified=_later())
    fake_demarches.deleted = [{"number": 12, "dateSupression": _later(), "reason": "user_request"}]
    fake_demarches.received.clear()

    counts = _run(source)

    assert (counts["created"], counts["updated"], counts["withdrawn"]) == (1, 1, 1)
    assert counts["files"] == 0
    since = [
        r["variables"].get("updatedSince")
        for r in fake_demarches.graphql_requests()
        if "getDossiers" in r["query"]
    ]
    assert since and since[0] is not None
    assert ImportedDossier.objects.filter(source=source).count() == 3
    assert Project.objects.filter(call=source.call).count() == 3
    titles = dict(Project.objects.values_list("imported_dossier__number", "title"))
    assert titles[11] == "Jardin partagé et composteur"
    assert Project.objects.get(imported_dossier__number=12).status == ProjectStatus.WITHDRAWN
    assert Attachment.objects.filter(project__imported_dossier__number=11).count() == 1

    # Once more with nothing new: nothing changes.
    counts = _run(source)
    assert (counts["created"], counts["updated"], counts["withdrawn"]) == (0, 0, 0)
    assert Project.objects.filter(call=source.call).count() == 3


def test_service_trouble_marks_the_import_failed_and_keeps_the_sync_point(source, fake_demarches):
    fake_demarches.dossiers = {11: dossier_node(11, title="A", modified=EARLIER)}
    fake_demarches.script = [Answer(503, "")] * 2

    _run(source)

    source.refresh_from_db()
    assert source.status == ImportStatus.FAILED
    assert "indisponible" in source.last_error
    assert source.synced_until is None


def test_malformed_answer_fails_cleanly(source, fake_demarches):
    fake_demarches.script = [Answer(200, "{pas du json")]

    _run(source)

    source.refresh_from_db()
    assert source.status == ImportStatus.FAILED
    assert "illisible" in source.last_error


def test_queue_refuses_a_second_import_while_one_waits(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert demarche_import_queue(source=source, by=funder) is True
        assert demarche_import_queue(source=source, by=funder) is False

    assert len(callbacks) == 1
    source.refresh_from_db()
    assert source.status == ImportStatus.QUEUED


def test_the_page_connects_maps_imports_and_shows_progress(
    client, call, funder, fake_demarches, django_capture_on_commit_callbacks
):
    fake_demarches.dossiers = {11: dossier_node(11, title="Jardin partagé", modified=EARLIER)}
    client.force_login(funder)
    url = reverse("integrations:demarche", args=[call.pk])

    response = client.post(url, {"number": DEMARCHE_NUMBER, "token": DEMARCHE_TOKEN})
    assert response.status_code == 302
    source = DemarcheSource.objects.get(call=call)
    response = client.post(
        reverse("integrations:demarche_map", args=[call.pk]),
        {**FIELD_MAP, "row_version": source.row_version},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("integrations:demarche_import", args=[call.pk]))
    assert response.status_code == 302

    progress = client.get(reverse("integrations:demarche_progress", args=[call.pk]))
    assert 'data-status="done"' in progress.content.decode()
    assert "1 dossier importé" in progress.content.decode()
    assert Project.objects.filter(call=call).count() == 1


def test_the_page_says_a_wrong_token_at_the_form(client, call, funder, fake_demarches):
    client.force_login(funder)

    response = client.post(
        reverse("integrations:demarche", args=[call.pk]),
        {"number": DEMARCHE_NUMBER, "token": "mauvais"},
    )

    assert response.status_code == 400
    assert "refuse le jeton" in response.content.decode()


def test_another_funder_cannot_import_into_the_call(client, call, fake_demarches):
    other = MembershipFactory(role=Role.FUNDER).user
    client.force_login(other)

    response = client.post(
        reverse("integrations:demarche", args=[call.pk]),
        {"number": DEMARCHE_NUMBER, "token": DEMARCHE_TOKEN},
    )

    assert response.status_code == 403
    assert not DemarcheSource.objects.exists()
    assert fake_demarches.received == []


def test_organisations_are_matched_not_duplicated(source, fake_demarches):
    existing = Organisation.objects.create(
        name="Déjà inscrite", legal_form="association", siret=SIRET_ASSO
    )
    fake_demarches.dossiers = {11: dossier_node(11, title="A", modified=EARLIER, siret=SIRET_ASSO)}

    _run(source)

    assert Project.objects.get(imported_dossier__number=11).organisation == existing
    assert Organisation.objects.filter(siret=SIRET_ASSO).count() == 1
