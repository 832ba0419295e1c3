"""Reviews: saving and submitting."""

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.models import Assessment
from tests.factories import AssessmentFactory, AssignmentFactory

pytestmark = pytest.mark.django_db


def test_concurrent_creation_becomes_a_message_not_a_server_error():
    assignment = AssignmentFactory()
    # The other request won the race: the assessment exists, this one was loaded without it.
    AssessmentFactory(assignment=assignment, submitted=True, scores=3)

    with pytest.raises(ValidationError) as refused:
        services.review_save(
            project=assignment.project,
            by=assignment.reviewer,
            scores={},
            fields={},
            row_version=None,
            assessment=None,
        )

    assert refused.value.code == "duplicate"
    assert Assessment.objects.count() == 1
