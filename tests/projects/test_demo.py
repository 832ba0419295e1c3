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


def test_stored_totals_of_the_demo_match_a_recomputation():
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()

    call_command("check_assessment_totals", stdout=out)

    assert "cohérentes" in out.getvalue()


def test_totals_check_fails_on_a_tampered_total():
    from django.core.management.base import CommandError

    call_command("seed_demo", stdout=StringIO())
    Assessment.objects.filter(pk=Assessment.objects.first().pk).update(total=1)

    with pytest.raises(CommandError, match="incohérentes"):
        call_command("check_assessment_totals", stdout=StringIO())
