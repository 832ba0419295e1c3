"""Projects in the database."""

import pytest

from territories.models import Commune
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_project_stores_the_departement_and_region_of_its_commune():
    project = ProjectFactory(commune=Commune.objects.get(code="33063"))

    project.refresh_from_db()

    assert (project.departement_id, project.region_id) == ("33", "75")
