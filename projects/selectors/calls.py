"""Reads of calls: the open calls anyone may browse, and the calls a funder manages."""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Role
from accounts.rules import is_administrator
from accounts.selectors import organisation_ids
from projects.models import HIDDEN_PROJECT_STATUSES, Call, CallStatus, Decision, ProjectStatus


def _call_base():
    return Call.objects.select_related("funder", "grid_version__grid").prefetch_related(
        "regions", "departements"
    )


def calls_open(*, region=None, departement=None, now=None):
    """Calls accepting projects, optionally those that cover a région or a département (a
    national call covers everything)."""
    calls = Call.objects.accepting_projects(now or timezone.now())
    national = Q(regions__isnull=True, departements__isnull=True)
    if departement is not None:
        calls = calls.filter(
            national | Q(regions=departement.region_id) | Q(departements=departement.pk)
        )
    elif region is not None:
        calls = calls.filter(national | Q(regions=region.pk) | Q(departements__region=region.pk))
    # The joins above can repeat a call; a subquery keeps ordering and prefetching simple.
    return _call_base().filter(pk__in=calls.values("pk")).order_by("closes_at", "pk")


def managed_calls(*, user):
    """The calls whose management and figures `user` may see: their funder organisations'
    calls, every call for administrators. The one scope of the funder's list of calls, the
    dashboards and the territory pages."""
    if is_administrator(user):
        return Call.objects.all()
    return Call.objects.filter(funder_id__in=organisation_ids(user, Role.FUNDER))


def calls_visible(*, user):
    """The calls `user` may read ("projects.view_call"): every published call, and the drafts
    of the calls they manage."""
    managed = managed_calls(user=user).values("pk")
    return _call_base().filter(~Q(status=CallStatus.DRAFT) | Q(pk__in=managed))


def managed_call_ids(*, user) -> list[int] | None:
    """The ids of `managed_calls`, or None where that is every call (administrators), so that
    the dashboards' SQL needs no list."""
    if is_administrator(user):
        return None
    return list(managed_calls(user=user).values_list("pk", flat=True))


def calls_for_funder(*, user):
    """The funder's list of calls (`managed_calls`), with their project counts."""
    calls = managed_calls(user=user).select_related("funder", "grid_version__grid")
    return (
        calls.prefetch_related("regions", "departements")
        .annotate(
            submitted_count=Count(
                "projects", filter=~Q(projects__status__in=HIDDEN_PROJECT_STATUSES)
            ),
            draft_count=Count("projects", filter=Q(projects__status=ProjectStatus.DRAFT)),
        )
        .order_by("-opens_at", "pk")
    )


def call_decisions(*, call):
    """The decisions recorded on the call's projects, with their project."""
    return Decision.objects.filter(project__call=call).select_related("project")
