"""Calls: creation, the status lifecycle and what freezes once open."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from grid.services import grid_version_create_draft
from projects import services
from projects.models import Call, CallStatus, Project, ProjectStatus
from tests.factories import (
    AssignmentFactory,
    CallFactory,
    OrganisationFactory,
    ProjectFactory,
    published_version,
)
from tests.projects.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_call_moves_forward_draft_open_review_decided():
    call = CallFactory(draft=True)

    for status in (CallStatus.OPEN, CallStatus.REVIEW, CallStatus.DECIDED):
        call = services.call_transition(call=call, to=status, by=None, early=True)

    assert Call.objects.get(pk=call.pk).status == CallStatus.DECIDED


def test_call_cannot_open_on_a_draft_grid_version():
    draft_version = grid_version_create_draft(source=published_version())
    call = CallFactory(draft=True, grid_version=draft_version)

    with pytest.raises(ValidationError) as excinfo:
        services.call_transition(call=call, to=CallStatus.OPEN, by=None)

    assert "n'est pas publiée" in messages_of(excinfo)
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


def test_call_cannot_be_created_on_a_draft_grid_version():
    draft_version = grid_version_create_draft(source=published_version())

    with pytest.raises(ValidationError, match="version publiée"):
        services.call_create(
            funder=OrganisationFactory(),
            by=None,
            title="Appel",
            grid_version=draft_version,
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=3),
        )


def test_call_cannot_open_after_its_closing_date():
    call = CallFactory(
        draft=True,
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(days=1),
    )

    with pytest.raises(ValidationError, match="date de clôture"):
        services.call_transition(call=call, to=CallStatus.OPEN, by=None)


def test_decided_call_never_goes_back():
    call = CallFactory(decided=True)

    for target in (CallStatus.DRAFT, CallStatus.OPEN, CallStatus.REVIEW):
        with pytest.raises(ValidationError, match="décidé"):
            services.call_transition(call=call, to=target, by=None)
    with pytest.raises(ValidationError, match="décidé"):
        services.call_update(call=call, by=None, title="Autre titre")


def test_call_cannot_skip_a_step():
    call = CallFactory(draft=True)

    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.call_transition(call=call, to=CallStatus.DECIDED, by=None)


def test_entering_review_puts_submitted_projects_under_review():
    call = CallFactory()
    submitted = ProjectFactory(call=call, submitted=True)
    draft = ProjectFactory(call=call)

    services.call_transition(call=call, to=CallStatus.REVIEW, by=None, early=True)

    assert Project.objects.get(pk=submitted.pk).status == ProjectStatus.UNDER_REVIEW
    assert Project.objects.get(pk=draft.pk).status == ProjectStatus.DRAFT


def test_grid_version_is_frozen_once_the_call_is_open():
    call = CallFactory()
    other = grid_version_create_draft(source=published_version())

    with pytest.raises(ValidationError, match="ne peut plus changer"):
        services.call_update(call=call, by=None, grid_version=other)


def test_eligibility_checklist_is_frozen_once_the_call_is_open():
    call = CallFactory(eligibility=["Structure de l'ESS"])

    with pytest.raises(ValidationError, match="liste d'éligibilité"):
        services.call_update(call=call, by=None, eligibility=["Autre chose"])
    services.call_update(call=call, by=None, eligibility=["Structure de l'ESS"], title="Nouveau")

    assert list(call.eligibility_items.values_list("label", flat=True)) == ["Structure de l'ESS"]


def test_entering_review_before_the_closing_date_must_be_confirmed():
    call = CallFactory()

    with pytest.raises(ValidationError, match="confirmez le passage en évaluation"):
        services.call_transition(call=call, to=CallStatus.REVIEW, by=None)
    services.call_transition(call=call, to=CallStatus.REVIEW, by=None, early=True)

    assert Call.objects.get(pk=call.pk).status == CallStatus.REVIEW


def test_entering_review_after_the_closing_date_needs_no_confirmation():
    call = CallFactory()
    after_closing = call.closes_at + timedelta(minutes=1)

    services.call_transition(call=call, to=CallStatus.REVIEW, by=None, now=after_closing)

    assert Call.objects.get(pk=call.pk).status == CallStatus.REVIEW


def test_transition_effects_say_what_will_happen():
    call = CallFactory()
    ProjectFactory(call=call, submitted=True)
    ProjectFactory(call=call)
    AssignmentFactory(project=ProjectFactory(call=call, submitted=True))

    effects = services.call_transition_effects(call, CallStatus.REVIEW)

    assert effects == {"early": True, "submitted": 2, "drafts": 1, "reviewers": 1}


def test_transition_is_journalled_with_the_address():
    call = CallFactory(review=True)

    services.call_transition(call=call, to=CallStatus.DECIDED, by=None, ip="192.0.2.3")

    event = AuditEvent.objects.for_object(call).get(action="call.transition")
    assert (event.before, event.after, event.ip) == (
        {"status": "review"},
        {"status": "decided"},
        "192.0.2.3",
    )


def test_envelope_changes_are_journalled():
    call = CallFactory(budget_envelope=Decimal(100000))

    services.call_update(call=call, by=None, budget_envelope=Decimal(80000), funding_target=4)

    event = AuditEvent.objects.for_object(call).get(action="call.update")
    assert Decimal(event.before["budget_envelope"]) == Decimal(100000)
    assert (Decimal(event.after["budget_envelope"]), event.after["funding_target"]) == (
        Decimal(80000),
        4,
    )
