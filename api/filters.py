"""Filters of the API's lists (django-filter): each narrows a selector's queryset."""

import django_filters

from grid.models import VersionStatus
from projects.models import (
    AssignmentState,
    CallStatus,
    Outcome,
    ProjectStatus,
)

# An id: refused (400) beyond a 64-bit column rather than sent to the database.
MAX_ID = 2**63 - 1


def id_filter(field_name, **kwargs):
    return django_filters.NumberFilter(
        field_name=field_name, min_value=1, max_value=MAX_ID, **kwargs
    )


class GridVersionFilter(django_filters.FilterSet):
    grid = django_filters.CharFilter(field_name="grid__slug", label="Identifiant de la grille")
    status = django_filters.ChoiceFilter(choices=VersionStatus.choices)


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CallStatus.choices)
    region = django_filters.CharFilter(
        field_name="regions", label="Code de la région", distinct=True
    )
    departement = django_filters.CharFilter(
        field_name="departements", label="Code du département", distinct=True
    )
    funder = id_filter("funder_id")


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    call = id_filter("call_id")
    region = django_filters.CharFilter(field_name="region_id")
    departement = django_filters.CharFilter(field_name="departement_id")


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices)
    call = id_filter("project__call_id")


class DecisionFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
