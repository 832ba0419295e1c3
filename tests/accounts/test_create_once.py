"""Double submissions: one object, and the second request answered like the first."""

import threading
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Role, SignupRequest, SubmittedForm, User
from accounts.services import create_once, holder_signup
from grid.models import Grid
from projects.models import Call
from tests.accounts.test_views import VALID_SIGNUP
from tests.factories import UserFactory, reference_version, user_with_role


def call_data(**extra):
    return {
        "title": "Appel doublé",
        "grid_version": reference_version().pk,
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2027-01-15T18:00",
        "self_assessment_policy": "optional",
        "reviewer_visibility": "after_own",
        "feedback_policy": "comments",
        **extra,
    }


@pytest.mark.django_db
def test_a_double_clicked_call_creation_creates_one_call(client):
    client.force_login(user_with_role(Role.FUNDER))
    data = call_data(once=str(uuid.uuid4()))

    first = client.post(reverse("projects:call_create"), data)
    second = client.post(reverse("projects:call_create"), data)

    call = Call.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == reverse("projects:call_manage", kwargs={"pk": call.pk})
    )


@pytest.mark.django_db
def test_the_call_form_carries_a_fresh_key_each_time(client):
    client.force_login(user_with_role(Role.FUNDER))

    keys = {
        client.get(reverse("projects:call_create")).context["form"]["once"].value()
        for _i in range(2)
    }

    assert len(keys) == 2


@pytest.mark.django_db
def test_a_double_clicked_grid_creation_creates_one_grid(admin_client):
    data = {"name": "Grille doublée", "slug": "grille-doublee", "once": str(uuid.uuid4())}

    first = admin_client.post(reverse("grid:grid_create"), data)
    second = admin_client.post(reverse("grid:grid_create"), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"]
    assert Grid.objects.filter(slug="grille-doublee").count() == 1


@pytest.mark.django_db
def test_a_key_sent_by_someone_else_creates_nothing_and_returns_nothing():
    key = uuid.uuid4()
    owner, other = UserFactory(), UserFactory()
    created = create_once(key=key, user=owner, create=lambda: UserFactory(full_name="Créé"))

    with pytest.raises(ValidationError):
        create_once(key=key, user=other, create=lambda: UserFactory(full_name="Doublon"))

    assert list(User.objects.filter(full_name__in=["Créé", "Doublon"])) == [created]


@pytest.mark.django_db
def test_a_failed_creation_leaves_its_key_free():
    key = uuid.uuid4()
    owner = UserFactory()

    def refused():
        raise ValidationError("non")

    with pytest.raises(ValidationError):
        create_once(key=key, user=owner, create=refused)
    created = create_once(key=key, user=owner, create=lambda: UserFactory(full_name="Enfin"))

    assert created.full_name == "Enfin"
    assert SubmittedForm.objects.get().object_id == str(created.pk)


@pytest.mark.django_db
def test_a_double_clicked_sign_up_answers_twice_the_same_and_sends_one_email(
    django_capture_on_commit_callbacks,
):
    data = {**VALID_SIGNUP, "once": "0b7c7a4e-8d7f-4a55-9c1c-5f1f1d1a2b3c"}
    with django_capture_on_commit_callbacks(execute=True):
        first = Client().post(reverse("accounts:signup"), data)
    with django_capture_on_commit_callbacks(execute=True):
        second = Client().post(reverse("accounts:signup"), data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("accounts:signup_sent")
    assert SignupRequest.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_concurrent_sign_up_with_the_same_address_is_refused_not_a_server_error():
    kwargs = {
        "email": "double@exemple.fr",
        "password": "un-mot-de-passe-solide",
        "full_name": "Double",
        "organisation_name": "Structure",
        "legal_form": "association",
        "siret": "",
        "commune": None,
    }
    holder_signup(**kwargs)

    with pytest.raises(ValidationError) as refused:
        holder_signup(**{**kwargs, "organisation_name": "Autre"})

    assert refused.value.code == "duplicate"
    assert User.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_object():
    owner = UserFactory()
    key = uuid.uuid4()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                create_once(key=key, user=owner, create=lambda: UserFactory(full_name="Une fois"))
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert User.objects.filter(full_name="Une fois").count() == 1
    assert {user.pk for user in results} == {User.objects.get(full_name="Une fois").pk}
