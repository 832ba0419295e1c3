import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import AuditEvent
from accounts.services import audit_record, audited_update
from projects.models import Project
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_audit_record_stores_actor_object_and_values():
    actor = UserFactory(administrator=True)
    organisation = OrganisationFactory(name="Les Jardins")

    event = audit_record(
        actor=actor,
        action="organisation.update",
        obj=organisation,
        before={"name": "Jardins"},
        after={"name": "Les Jardins"},
        ip="192.0.2.10",
    )

    event.refresh_from_db()
    assert event.actor == actor
    assert event.action == "organisation.update"
    assert event.content_type == ContentType.objects.get_for_model(organisation)
    assert event.object_id == str(organisation.pk)
    assert event.object_repr == "Les Jardins"
    assert event.before == {"name": "Jardins"}
    assert event.after == {"name": "Les Jardins"}
    assert event.ip == "192.0.2.10"
    assert event.created_at.utcoffset().total_seconds() == 0
    assert list(AuditEvent.objects.for_object(organisation)) == [event]


def test_audit_record_without_actor_or_object():
    event = audit_record(actor=None, action="system.import")

    assert event.actor is None
    assert event.content_type is None
    assert event.object_id == ""


def test_audit_event_refuses_save_of_existing_row():
    event = audit_record(actor=None, action="system.test")
    event.action = "rewritten"

    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "system.test"


def test_audit_event_refuses_delete():
    event = audit_record(actor=None, action="system.test")

    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_event_refuses_queryset_update():
    event = audit_record(actor=None, action="system.test")

    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).action == "system.test"


def test_audited_update_saves_the_changes_and_journals_before_and_after():
    project = ProjectFactory(submitted=True)
    actor = project.owner

    audited_update(obj=project, by=actor, action="project.withdraw", status="withdrawn")

    assert Project.objects.get(pk=project.pk).status == "withdrawn"
    event = AuditEvent.objects.for_object(project).get(action="project.withdraw")
    assert (event.actor, event.before, event.after) == (
        actor,
        {"status": "submitted"},
        {"status": "withdrawn"},
    )
