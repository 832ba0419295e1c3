from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from projects.models import Assessment, Call, Project

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_calls_and_projects_once():
    call_command("seed_demo", stdout=StringIO())
    counts = (Call.objects.count(), Project.objects.count(), Assessment.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (Call.objects.count(), Project.objects.count(), Assessment.objects.count()) == counts
    assert counts[:2] == (3, 60)
    assert Project.objects.values("departement").distinct().count() >= 25
    holder = User.objects.get(email="porteur@demo.evalis.fr")
    assert Project.objects.filter(owner=holder).count() == 2
    funder = User.objects.get(email="financeur@demo.evalis.fr")
    funder_orgs = funder.memberships.values("organisation")
    assert Call.objects.filter(funder__in=funder_orgs).count() == 1
