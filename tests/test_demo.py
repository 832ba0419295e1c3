import pytest
from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_one_account_per_role_and_is_idempotent(client):
    call_command("seed_demo", verbosity=0)
    counts = (User.objects.count(), Membership.objects.count())
    call_command("seed_demo", verbosity=0)

    assert (User.objects.count(), Membership.objects.count()) == counts
    assert User.objects.get(email="admin@demo.evalis.fr").is_staff
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for email, *_ in DEMO_ACCOUNTS:
        assert client.login(username=email, password=DEMO_PASSWORD)
