"""The database fingerprint that the hostile battery compares around each refused request."""

import pytest
from django.db import transaction

from accounts.models import Role
from tests import fingerprint
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_a_fingerprint_sees_inserts_updates_and_deletes_per_table():
    user = user_with_role(Role.HOLDER)
    fingerprint.install()
    start = fingerprint.take()

    user.full_name = "Autre nom"
    user.save(update_fields=["full_name"])
    updated = fingerprint.take()
    user.memberships.all().delete()
    deleted = fingerprint.take()

    assert fingerprint.changed(start, updated) == ["accounts_user"]
    assert fingerprint.changed(updated, deleted) == ["accounts_membership"]


def test_a_write_rolled_back_leaves_the_fingerprint_as_it_was():
    user = user_with_role(Role.HOLDER)
    fingerprint.install()
    start = fingerprint.take()

    with pytest.raises(RuntimeError), transaction.atomic():
        user.full_name = "Annulé"
        user.save(update_fields=["full_name"])
        raise RuntimeError

    assert fingerprint.changed(start, fingerprint.take()) == []


def test_ignored_tables_and_prefixes_are_left_out():
    before, after = {"django_session": 1, "axes_accessattempt": 2}, {"django_session": 2}

    assert fingerprint.changed(before, after, ignore=["django_session", "axes_"]) == []
    assert fingerprint.changed(before, after) == ["axes_accessattempt", "django_session"]
