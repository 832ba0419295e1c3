"""The accounts app's background tasks (Django's Tasks interface, run by the worker)."""

from django_tasks import task

from accounts.companies import organisation_check_refresh


@task()
def organisation_check(organisation_id: int) -> str:
    """Check an organisation's SIRET against the registries and keep the facts, dated."""
    return organisation_check_refresh(organisation_id=organisation_id)
