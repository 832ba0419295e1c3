"""Filters of the API's lists (django-filter): each narrows a selector's queryset."""

import django_filters

from grid.models import VersionStatus
from projects.models import (
    AssignmentState,
    CallStatus,
    Outcome,
    ProjectStatus,
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
    funder = django_filters.NumberFilter(field_name="funder_id")


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    call = django_filters.NumberFilter(field_name="call_id")
    region = django_filters.CharFilter(field_name="region_id")
    departement = django_filters.CharFilter(field_name="departement_id")


class AssignmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AssignmentState.choices)
    call = django_filters.NumberFilter(field_name="project__call_id")


class DecisionFilter(django_filters.FilterSet):
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
