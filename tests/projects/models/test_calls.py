"""Calls in the database."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def test_call_dates_are_stored_in_utc():
    paris_noon = timezone.make_aware(datetime(2026, 7, 1, 12, 0))  # summer time, UTC+2
    call = CallFactory(draft=True, opens_at=paris_noon, closes_at=paris_noon + timedelta(days=5))

    call.refresh_from_db()

    assert call.opens_at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
