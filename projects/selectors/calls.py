"""Reads of calls: the open calls anyone may browse, and the calls a funder manages."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class TerritoryScope:
    """The calls a territory figure covers: the viewer's, all on one grid version."""

    calls: list  # the viewer's calls on that version
    versions: list  # [(GridVersion, number of the viewer's calls on it)], newest first
    version: object | None  # the GridVersion, None when the viewer has no call
    call: object | None  # one chosen call, or None for all of them
    call_ids: list[int]

    def query(self) -> dict:
        if self.call:
            return {"call": self.call.pk}
        return {"version": self.version.pk} if self.version else {}


def territory_scope(*, user, call_pk=None, version_pk=None) -> TerritoryScope:
    """The calls `user` manages (administrators: all) on one grid version: the chosen call's,
    the chosen version, or by default the version of the most recently opened call. Totals
    given on different versions (other criteria, weights, scales) are never averaged together.

    Raises Call.DoesNotExist for a call the user does not manage (answered as if it did not
    exist) and LookupError for a version none of their calls uses."""
    calls = list(
        managed_calls(user=user).select_related("grid_version__grid").order_by("-opens_at", "-pk")
    )
    counts: dict = {}
    for call in calls:
        counts[call.grid_version] = counts.get(call.grid_version, 0) + 1
    versions = sorted(counts.items(), key=lambda item: -item[0].pk)
    chosen = None
    if call_pk not in (None, ""):
        chosen = next((call for call in calls if str(call.pk) == str(call_pk)), None)
        if chosen is None:
            raise Call.DoesNotExist
        version = chosen.grid_version
    elif version_pk not in (None, ""):
        version = next((v for v, _n in versions if str(v.pk) == str(version_pk)), None)
        if version is None:
            raise LookupError(version_pk)
    else:
        version = calls[0].grid_version if calls else None
    on_version = [call for call in calls if version and call.grid_version_id == version.pk]
    return TerritoryScope(
        calls=on_version,
        versions=versions,
        version=version,
        call=chosen,
        call_ids=[chosen.pk] if chosen else [call.pk for call in on_version],
    )
