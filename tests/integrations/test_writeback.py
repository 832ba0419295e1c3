"""Published decisions written back to Démarche numérique, against a local GraphQL server
speaking its API (tests/fake_http.py): accept / refuse mutations, their errors, the record
kept per dossier, the retry, the settings and who may change them."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from integrations.importer import demarche_import_run, demarche_source_connect, demarche_source_map
from integrations.models import DemarcheSource, ImportedDossier, WriteBackStatus
from integrations.writeback import (
    demarche_writeback_configure,
    demarche_writeback_retry,
    demarche_writeback_run,
)
from projects.models import Call, FeedbackPolicy, Outcome, Project
from projects.services import decision_correct
from tests.factories import CallFactory, MembershipFactory
from tests.fake_http import (
    DEMARCHE_NUMBER,
    DEMARCHE_TOKEN,
    FIELD_MAP,
    INSTRUCTEUR_ID,
    Answer,
    dossier_node,
)
from tests.projects.helpers import decide_and_publish
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

EARLIER = "2026-11-05T09:00:00+01:00"


@pytest.fixture
def funder():
    return MembershipFactory(role=Role.FUNDER).user


@pytest.fixture
def call(funder):
    return CallFactory(funder=funder.memberships.get().organisation, review=True)


@pytest.fixture
def source(call, funder, fake_demarches):
    """The call's démarche, three dossiers in instruction imported as projects."""
    source = demarche_source_connect(
        call=call, number=DEMARCHE_NUMBER, token=DEMARCHE_TOKEN, by=funder
    )
    source = demarche_source_map(
        source=source, field_map=FIELD_MAP, row_version=source.row_version, by=funder
    )
    fake_demarches.dossiers = {
        number: dossier_node(number, title=title, modified=EARLIER, state="en_instruction")
        for number, title in ((11, "Jardin partagé"), (12, "Repair café"), (13, "Tiers-lieu"))
    }
    demarche_import_run(source_id=source.pk)
    source.refresh_from_db()
    fake_demarches.received.clear()
    return source


def _switch_on(source, funder, instructeur=INSTRUCTEUR_ID):
    source.refresh_from_db()
    return demarche_writeback_configure(
        source=source,
        instructeur_id=instructeur,
        write_back=True,
        row_version=source.row_version,
        by=funder,
    )


def _project(number) -> Project:
    return Project.objects.get(imported_dossier__number=number)


def _dossier(number) -> ImportedDossier:
    return ImportedDossier.objects.get(number=number)


def _publish(number, outcome, funder, **kwargs):
    amount = 1000 if outcome == Outcome.SELECTED else None
    return decide_and_publish(_project(number), outcome, by=funder, amount=amount, **kwargs)


def test_publishing_sends_accept_and_refuse_from_the_worker(
    source, funder, fake_demarches, database_tasks, django_capture_on_commit_callbacks
):
    _switch_on(source, funder)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(11, Outcome.SELECTED, funder, motivation="Projet solide et utile.")
        _publish(12, Outcome.REJECTED, funder, motivation="Budget trop fragile.")
    # Nothing leaves during the publication: the worker sends.
    assert fake_demarches.mutations == []

    run_worker()

    assert fake_demarches.mutations == [
        {
            "name": "dossierAccepter",
            "input": {
                "dossierId": "RG9zc2llci011",
                "instructeurId": INSTRUCTEUR_ID,
                "motivation": "Projet solide et utile.",
            },
        },
        {
            "name": "dossierRefuser",
            "input": {
                "dossierId": "RG9zc2llci012",
                "instructeurId": INSTRUCTEUR_ID,
                "motivation": "Budget trop fragile.",
            },
        },
    ]
    accepted, refused = _dossier(11), _dossier(12)
    assert (accepted.writeback_status, accepted.written_outcome) == ("sent", "selected")
    assert (refused.writeback_status, refused.written_outcome) == ("sent", "rejected")
    assert (accepted.state, refused.state) == ("accepte", "refuse")
    assert accepted.written_at is not None and accepted.writeback_error == ""
    assert _dossier(13).writeback_status == WriteBackStatus.NONE


def test_nothing_is_sent_twice(source, funder, fake_demarches, django_capture_on_commit_callbacks):
    _switch_on(source, funder)
    with django_capture_on_commit_callbacks(execute=True):
        decision = _publish(11, Outcome.SELECTED, funder)
    assert len(fake_demarches.mutations) == 1

    # Publishing again, running the task again, a correction that keeps the outcome.
    with django_capture_on_commit_callbacks(execute=True):
        from projects.services import decisions_publish

        assert decisions_publish(call=source.call, by=funder) == []
    demarche_writeback_run(source_id=source.pk)
    with django_capture_on_commit_callbacks(execute=True):
        decision_correct(
            project=decision.project,
            reason="Montant revu.",
            outcome=Outcome.SELECTED,
            amount_granted=900,
            motivation=decision.motivation,
            by=funder,
        )

    assert len(fake_demarches.mutations) == 1
    assert _dossier(11).writeback_status == WriteBackStatus.SENT


def test_a_dossier_already_decided_there_is_not_sent(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    """A retry after a timeout whose mutation went through finds the dossier accepted."""
    fake_demarches.dossiers[11]["state"] = "accepte"
    _switch_on(source, funder)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(11, Outcome.SELECTED, funder)

    assert fake_demarches.mutations == []
    assert _dossier(11).written_outcome == "selected"


def test_a_waiting_list_is_left_alone_and_said(
    client, source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    _switch_on(source, funder)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(13, Outcome.WAITLISTED, funder)

    assert fake_demarches.mutations == []
    assert _dossier(13).writeback_status == WriteBackStatus.SKIPPED
    client.force_login(funder)
    page = client.get(reverse("integrations:demarche", args=[source.call.pk])).content.decode()
    assert 'id="writeback-skipped">1 projet sur liste d' in page


def test_write_back_off_sends_nothing(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _publish(11, Outcome.SELECTED, funder)
        _publish(12, Outcome.REJECTED, funder)
    demarche_writeback_run(source_id=source.pk)

    assert fake_demarches.mutations == []
    assert set(ImportedDossier.objects.values_list("writeback_status", flat=True)) == {""}


def test_switching_on_writes_back_the_decisions_already_published(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    Call.objects.filter(pk=source.call_id).update(feedback_policy=FeedbackPolicy.DECISION)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(12, Outcome.REJECTED, funder, motivation="")
    with django_capture_on_commit_callbacks(execute=True):
        assert _switch_on(source, funder) == 1

    # A refusal needs a motivation there: a bare decision gets a plain one.
    assert fake_demarches.mutations == [
        {
            "name": "dossierRefuser",
            "input": {
                "dossierId": "RG9zc2llci012",
                "instructeurId": INSTRUCTEUR_ID,
                "motivation": "Le financeur n'a pas retenu ce projet.",
            },
        }
    ]


def test_failures_are_recorded_shown_and_retried(
    client, source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    fake_demarches.dossiers[12]["state"] = "en_construction"
    fake_demarches.instructeurs = set()  # the instructeur id is refused at first
    _switch_on(source, funder)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(11, Outcome.SELECTED, funder)
        _publish(12, Outcome.REJECTED, funder)

    first, second = _dossier(11), _dossier(12)
    assert first.writeback_status == second.writeback_status == WriteBackStatus.FAILED
    assert "Invalid input: instructeurId" in first.writeback_error
    assert "n'est pas en instruction" in second.writeback_error
    assert "en construction" in second.writeback_error
    # The dossier not in instruction was not sent; the other was, and refused.
    assert [m["name"] for m in fake_demarches.mutations] == ["dossierAccepter"]

    client.force_login(funder)
    page = client.get(reverse("integrations:demarche", args=[source.call.pk]))
    assert 'id="writeback-failed"' in page.content.decode()
    assert "Invalid input: instructeurId" in page.content.decode()
    confirm = client.get(reverse("integrations:demarche_writeback_retry", args=[source.call.pk]))
    assert confirm.status_code == 200
    assert 'id="writeback-retry-confirm"' in confirm.content.decode()

    fake_demarches.instructeurs = {INSTRUCTEUR_ID}
    fake_demarches.dossiers[12]["state"] = "en_instruction"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("integrations:demarche_writeback_retry", args=[source.call.pk])
        )

    assert response.status_code == 302
    assert [m["name"] for m in fake_demarches.mutations] == [
        "dossierAccepter",
        "dossierAccepter",
        "dossierRefuser",
    ]
    assert _dossier(11).writeback_status == _dossier(12).writeback_status == "sent"
    assert _dossier(12).writeback_error == ""


def test_the_mutations_own_errors_are_recorded(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    """The dossier leaves instruction between the read and the mutation: Démarche
    numérique's refusal (the mutation's `errors`) is quoted."""
    _switch_on(source, funder)
    fake_demarches.script = [
        Answer(
            200,
            {"data": {"dossier": {"id": "RG9zc2llci011", "number": 11, "state": "en_instruction"}}},
        ),
        Answer(
            200,
            {
                "data": {
                    "dossierAccepter": {
                        "dossier": None,
                        "errors": [{"message": "Le dossier est déjà refusé"}],
                    }
                }
            },
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _publish(11, Outcome.SELECTED, funder)

    dossier = _dossier(11)
    assert dossier.writeback_status == WriteBackStatus.FAILED
    assert dossier.writeback_error == (
        "Démarche numérique refuse la décision\u00a0: Le dossier est déjà refusé"
    )


def test_a_throttled_service_fails_the_batch_without_hammering(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    _switch_on(source, funder)
    fake_demarches.script = [Answer(429, "", headers={"Retry-After": "0"})] * 2
    with django_capture_on_commit_callbacks(execute=True):
        from projects.services import decision_propose, decisions_publish

        for number in (11, 12):
            decision_propose(
                project=_project(number), outcome=Outcome.REJECTED, motivation="Non.", by=funder
            )
        decisions_publish(call=source.call, by=funder)

    assert len(fake_demarches.received) == 2  # one request and its retry, then stopped
    errors = set(
        ImportedDossier.objects.filter(number__in=[11, 12]).values_list(
            "writeback_error", flat=True
        )
    )
    assert len(errors) == 1 and errors != {""}
    assert fake_demarches.mutations == []


def test_a_correction_to_another_outcome_is_sent_and_its_refusal_said(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    _switch_on(source, funder)
    with django_capture_on_commit_callbacks(execute=True):
        decision = _publish(11, Outcome.SELECTED, funder)
    with django_capture_on_commit_callbacks(execute=True):
        decision_correct(
            project=decision.project,
            reason="Erreur de saisie.",
            outcome=Outcome.REJECTED,
            motivation="Hors du champ de l'appel.",
            by=funder,
        )

    dossier = _dossier(11)
    assert dossier.writeback_status == WriteBackStatus.FAILED
    assert dossier.written_outcome == "selected"
    assert "déjà «\u00a0accepté\u00a0»" in dossier.writeback_error
    assert "repassez-le en instruction" in dossier.writeback_error


def test_settings_need_an_instructeur_and_the_current_version(source, funder):
    with pytest.raises(ValidationError) as raised:
        demarche_writeback_configure(
            source=source,
            instructeur_id="",
            write_back=True,
            row_version=source.row_version,
            by=funder,
        )
    assert "instructeur_id" in raised.value.message_dict
    with pytest.raises(ValidationError):
        demarche_writeback_configure(
            source=source,
            instructeur_id="a b<c>",
            write_back=False,
            row_version=source.row_version,
            by=funder,
        )
    with pytest.raises(ValidationError) as raised:
        demarche_writeback_configure(
            source=source, instructeur_id=INSTRUCTEUR_ID, write_back=True, row_version=0, by=funder
        )
    assert raised.value.code == "conflict"
    source.refresh_from_db()
    assert (source.write_back, source.instructeur_id) == (False, "")


def test_retry_is_refused_while_write_back_is_off(source, funder):
    with pytest.raises(ValidationError):
        demarche_writeback_retry(source=source, by=funder)


def test_the_page_saves_the_settings(client, source, funder):
    client.force_login(funder)
    url = reverse("integrations:demarche_writeback", args=[source.call.pk])

    response = client.post(
        url,
        {"instructeur_id": INSTRUCTEUR_ID, "write_back": "on", "row_version": source.row_version},
    )
    stale = client.post(
        url, {"instructeur_id": "", "write_back": "", "row_version": source.row_version}
    )

    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.write_back, source.instructeur_id) == (True, INSTRUCTEUR_ID)
    assert stale.status_code == 400
    assert "rechargez-la" in stale.content.decode()
    page = client.get(reverse("integrations:demarche", args=[source.call.pk])).content.decode()
    assert "Mon profil" in page and 'id="writeback-state"' in page


@pytest.mark.parametrize("role", ["holder", "reviewer", "other_funder"])
def test_only_the_calls_managers_change_the_settings_or_retry(client, source, funder, role):
    if role == "other_funder":
        user = MembershipFactory(role=Role.FUNDER).user
    else:
        user = MembershipFactory(role=getattr(Role, role.upper())).user
    client.force_login(user)
    pk = source.call.pk

    settings_post = client.post(
        reverse("integrations:demarche_writeback", args=[pk]),
        {"instructeur_id": INSTRUCTEUR_ID, "write_back": "on", "row_version": source.row_version},
    )
    retry = client.post(reverse("integrations:demarche_writeback_retry", args=[pk]))

    assert settings_post.status_code in (403, 404)
    assert retry.status_code in (403, 404)
    assert not DemarcheSource.objects.get(pk=source.pk).write_back


def test_the_page_costs_the_same_with_more_failed_dossiers(client, source, funder):
    """The failed dossiers' list reads the projects with them, not one query each."""
    _switch_on(source, funder)
    client.force_login(funder)
    url = reverse("integrations:demarche", args=[source.call.pk])
    failed = {"writeback_status": WriteBackStatus.FAILED, "writeback_error": "Erreur."}
    ImportedDossier.objects.filter(number=11).update(**failed)
    client.get(url)  # session and caches warm

    with CaptureQueriesContext(connection) as one:
        assert "Erreur." in client.get(url).content.decode()
    ImportedDossier.objects.update(**failed)
    with CaptureQueriesContext(connection) as three:
        client.get(url)

    assert len(three) == len(one)


def test_a_send_left_half_done_by_a_dead_worker_is_retried(
    source, funder, fake_demarches, django_capture_on_commit_callbacks
):
    _switch_on(source, funder)
    _publish(11, Outcome.SELECTED, funder)  # its on-commit task never runs: the worker died
    ImportedDossier.objects.filter(number=11).update(
        writeback_status=WriteBackStatus.SENDING,
        written_outcome="",
        writeback_tried_at=timezone.now() - timedelta(hours=1),
    )
    fake_demarches.dossiers[11]["state"] = "en_instruction"
    fake_demarches.mutations.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert demarche_writeback_retry(source=source, by=funder) == 1

    assert [m["name"] for m in fake_demarches.mutations] == ["dossierAccepter"]
    assert _dossier(11).writeback_status == WriteBackStatus.SENT
