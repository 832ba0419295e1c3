"""Reviews: saving and submitting."""

import pytest

from projects import services
from projects.models import Assessment
from tests.factories import AssessmentFactory, AssignmentFactory

pytestmark = pytest.mark.django_db


def test_a_second_first_save_is_refused_as_stale_not_a_server_error():
    assignment = AssignmentFactory()
    # The other request won the race: the assessment exists, this one was loaded without it.
    AssessmentFactory(assignment=assignment, submitted=True, scores=3)

    with pytest.raises(services.StaleAssessment):
        services.review_save(
            project=assignment.project,
            by=assignment.reviewer,
            scores={},
            fields={},
            row_version=services.NEW_ASSESSMENT,
        )

    assert Assessment.objects.count() == 1
