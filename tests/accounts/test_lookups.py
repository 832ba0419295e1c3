import pytest

from accounts.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_ids_past_64_bits_match_nothing_instead_of_crashing():
    user = UserFactory()

    assert list(User.objects.filter(pk__in=[2**63, user.pk, -(2**64)])) == [user]
    assert list(User.objects.filter(pk__in=[2**63])) == []
