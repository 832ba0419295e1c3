"""The permission matrix: every URL pattern × every role → what a real request gets.

Each later feature adds its rows here. `unclassified_patterns()` lists URL patterns without a
row, so a new view cannot ship without deciding who may use it.

Expectations per role:
- an HTTP status (200, 302, 405…) checked as is;
- DENIED: anonymous users are sent to the login page (API routes, "api:…": 401), signed-in
  users get 403 (or 404 where the object's existence is itself private).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import draft_of_reference, reference_version

ROLES = ("anonymous", "holder", "reviewer", "funder", "admin")
DENIED = "denied"


@dataclass
class Row:
    expect: dict[str, Any]  # role → status or DENIED
    kwargs: Callable[[dict], dict] = lambda ctx: {}
    method: str = "get"
    data: Callable[[dict], dict] = field(default=lambda ctx: {})

    def __post_init__(self):
        missing = set(ROLES) - set(self.expect)
        assert not missing, f"row does not say what {sorted(missing)} get"


def everyone(status: int) -> dict[str, Any]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anonymous=DENIED) -> dict[str, Any]:
    return {**dict.fromkeys(ROLES, status), "anonymous": anonymous}


# The grid editor: administrators edit; funders and reviewers read published versions; drafts
# are administrators' only. Holders are denied: they read the version of a call on the call's
# page.
ADMIN_ONLY = {"anonymous": DENIED, "holder": DENIED, "reviewer": DENIED, "funder": DENIED}
READERS = {"anonymous": DENIED, "holder": DENIED, "reviewer": 200, "funder": 200, "admin": 200}


def _published(ctx):
    return {"pk": reference_version().pk}


def _draft(ctx):
    return {"pk": draft_of_reference().pk}


def _draft_axis(ctx):
    return {"pk": draft_of_reference().axes.get(code="D").pk}


def _draft_criterion(ctx):
    return {"pk": draft_of_reference().criteria.get(code="S1").pk}


def _published_criterion(ctx):
    return {"pk": reference_version().criteria.get(code="S1").pk}


GRID_ROWS: dict[str, Row] = {
    "grid:grid_list": Row(READERS),
    "grid:grid_create": Row({**ADMIN_ONLY, "admin": 200}),
    "grid:grid_import": Row({**ADMIN_ONLY, "admin": 200}),
    "grid:version_detail": Row(READERS, kwargs=_published),
    "grid:version_edit": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft),
    "grid:version_new_draft": Row({**ADMIN_ONLY, "admin": 302}, kwargs=_published, method="post"),
    "grid:version_publish": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft),
    "grid:version_retire": Row({**ADMIN_ONLY, "admin": 302}, kwargs=_published, method="post"),
    "grid:version_diff": Row(READERS, kwargs=_published),
    "grid:version_export": Row(READERS, kwargs=_published),
    "grid:axis_create": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft),
    "grid:axis_edit": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft_axis),
    "grid:axis_delete": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft_axis),
    "grid:axis_move": Row(
        {**ADMIN_ONLY, "admin": 302},
        kwargs=_draft_axis,
        method="post",
        data=lambda ctx: {"direction": "up"},
    ),
    "grid:criterion_create": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft),
    "grid:criterion_edit": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft_criterion),
    "grid:criterion_delete": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_draft_criterion),
    "grid:criterion_move": Row(
        {**ADMIN_ONLY, "admin": 302},
        kwargs=_draft_criterion,
        method="post",
        data=lambda ctx: {"direction": "down"},
    ),
    "grid:criterion_fix_text": Row({**ADMIN_ONLY, "admin": 200}, kwargs=_published_criterion),
}


def only(status: int = 200, *roles: str) -> dict[str, Any]:
    """`status` for the given roles, DENIED for everyone else."""
    return {role: status if role in roles else DENIED for role in ROLES}


def _call(ctx):
    return {"pk": ctx["call"].pk}


def _project(ctx):
    return {"pk": ctx["project"].pk}


# Funders reach only their own calls; holders only their organisation's projects (drafts are
# invisible to funders); administrators read everything but do not edit holders' projects.
def _submitted_project(ctx):
    """A submitted project of the matrix's call, held by another organisation (created once)."""
    from tests.factories import ProjectFactory

    if "submitted_project" not in ctx:
        ctx["submitted_project"] = ProjectFactory(call=ctx["call"], submitted=True)
    return {"pk": ctx["submitted_project"].pk}


PROJECT_ROWS: dict[str, Row] = {
    "projects:call_list": Row(everyone(200)),
    # A draft call: only its funder and administrators (the published case is in tests/projects).
    "projects:call_detail": Row(
        only(200, "funder", "admin"), kwargs=lambda ctx: {"pk": ctx["draft_call"].pk}
    ),
    "projects:project_create": Row(
        only(200, "holder"), kwargs=lambda ctx: {"call_pk": ctx["call"].pk}
    ),
    "projects:funder_call_list": Row(only(200, "funder", "admin")),
    "projects:call_create": Row(only(200, "funder")),
    "projects:call_manage": Row(only(200, "funder", "admin"), kwargs=_call),
    "projects:call_edit": Row(only(200, "funder", "admin"), kwargs=_call),
    # GET: the confirmation page (POST, the move, is tested in tests/projects/views).
    "projects:call_transition": Row(only(200, "funder", "admin"), kwargs=_call),
    "projects:project_list": Row(only(200, "holder", "admin")),
    "projects:project_detail": Row(only(200, "holder", "admin"), kwargs=_project),
    "projects:project_edit": Row(only(200, "holder"), kwargs=_project),
    "projects:project_submit": Row(only(200, "holder"), kwargs=_project),
    "projects:project_withdraw": Row(only(200, "holder"), kwargs=_project),
    "projects:project_coholders": Row(only(200, "holder"), kwargs=_project),
    "projects:self_assessment_edit": Row(only(200, "holder"), kwargs=_project),
    "projects:self_assessment_total": Row(only(200, "holder"), kwargs=_project, method="post"),
    # The draft saved as the holder types: a first save (row version 0) creates it.
    "projects:self_assessment_autosave": Row(
        only(200, "holder"), kwargs=_project, method="post", data=lambda ctx: {"row_version": 0}
    ),
    "projects:attachment_upload": Row(only(200, "holder"), kwargs=_project),
    "projects:attachment_download": Row(
        only(200, "holder", "admin"), kwargs=lambda ctx: {"pk": ctx["attachment"].pk}
    ),
    "projects:call_dashboard": Row(only(200, "funder", "admin"), kwargs=_call),
    "projects:call_calibration": Row(only(200, "funder", "admin"), kwargs=_call),
    "projects:call_judgement": Row(only(200, "funder", "admin"), kwargs=_call),
    "projects:territory_dashboard": Row(only(200, "funder", "admin")),
    "projects:territory_heatmap": Row(only(200, "funder", "admin")),
    "projects:project_analysis": Row(only(200, "funder", "admin"), kwargs=_submitted_project),
    # Spreadsheets of a call: what its dashboard shows, to the same people.
    "projects:call_export": Row(only(200, "funder", "admin"), kwargs=_call),
    # Open data: the call's managers. The matrix's funder has no SIRET, so the subsidies file
    # is refused (409) with the list of what to complete.
    "projects:call_open_data": Row(only(200, "funder", "admin"), kwargs=_call),
    "projects:export_scdl": Row(only(409, "funder", "admin"), kwargs=_call),
    "projects:export_dispositif": Row(only(200, "funder", "admin"), kwargs=_call),
    # The project file as PDF: whoever reads the project (here a draft: its holders and
    # administrators); reviewers' and funders' cases are in tests/projects/exports.
    "projects:project_pdf": Row(only(200, "holder", "admin"), kwargs=_project),
    "projects:attachment_delete": Row(
        only(302, "holder"), kwargs=lambda ctx: {"pk": ctx["attachment"].pk}, method="post"
    ),
}


def _review_project(ctx):
    return {"pk": ctx["review_project"].pk}


def _review_call(ctx):
    return {"pk": ctx["review_call"].pk}


# Reviewers reach only the projects assigned to them; call managers run pools, assignments and
# decisions of their own calls; an invitation link works for whoever holds it.
REVIEW_ROWS: dict[str, Row] = {
    "projects:review_list": Row(only(200, "reviewer")),
    "projects:review_edit": Row(only(200, "reviewer"), kwargs=_review_project),
    "projects:review_total": Row(only(200, "reviewer"), kwargs=_review_project, method="post"),
    "projects:review_autosave": Row(
        only(200, "reviewer"),
        kwargs=_review_project,
        method="post",
        data=lambda ctx: {"row_version": 0},
    ),
    "projects:review_conflict": Row(only(200, "reviewer"), kwargs=_review_project),
    "projects:review_attachment": Row(
        only(200, "reviewer"), kwargs=lambda ctx: {"pk": ctx["review_attachment"].pk}
    ),
    "projects:invitation_accept": Row(
        everyone(200), kwargs=lambda ctx: {"token": ctx["invitation_token"]}
    ),
    "projects:call_reviewers": Row(only(200, "funder", "admin"), kwargs=_review_call),
    "projects:call_pool": Row(
        only(302, "funder", "admin"),
        kwargs=_review_call,
        method="post",
        data=lambda ctx: {"email": "nouvel.expert@example.fr"},
    ),
    "projects:call_assign": Row(only(302, "funder", "admin"), kwargs=_review_call, method="post"),
    # Who is late, "relancer maintenant" and due dates: the call's managers only.
    "projects:call_late": Row(only(200, "funder", "admin"), kwargs=_review_call),
    "projects:call_remind": Row(
        only(302, "funder", "admin"),
        kwargs=_review_call,
        method="post",
        data=lambda ctx: {"reviewer": ctx["assignment"].reviewer_id},
    ),
    "projects:call_due_dates": Row(
        only(302, "funder", "admin"),
        kwargs=_review_call,
        method="post",
        data=lambda ctx: {"assignments": [ctx["assignment"].pk], "due_date": "2026-12-31"},
    ),
    "projects:call_assign_auto": Row(
        only(302, "funder", "admin"),
        kwargs=_review_call,
        method="post",
        data=lambda ctx: {"per_project": 1},
    ),
    # GET: the confirmation page (POST, the recusal, is tested in tests/projects/views).
    "projects:assignment_recuse": Row(
        only(200, "funder", "admin"), kwargs=lambda ctx: {"pk": ctx["assignment"].pk}
    ),
    # Reopening a review that is not locked is refused with a message: still a redirect.
    "projects:assignment_reopen": Row(
        only(302, "funder", "admin"), kwargs=lambda ctx: {"pk": ctx["assignment"].pk}, method="post"
    ),
    "projects:decision_edit": Row(only(200, "funder", "admin"), kwargs=_review_project),
    # The selection committee: the call's managers only (the other roles, and another funder,
    # are denied in tests/projects/views/test_committee.py).
    "projects:call_committee": Row(only(200, "funder", "admin"), kwargs=_review_call),
    "projects:decisions_publish": Row(only(200, "funder", "admin"), kwargs=_review_call),
    "projects:call_history": Row(only(200, "funder", "admin"), kwargs=_review_call),
    "projects:call_booklet_pdf": Row(only(200, "funder", "admin"), kwargs=_review_call),
}


def _demarche_call(ctx):
    """The matrix's open call, connected to a démarche (no champ mapped yet)."""
    from integrations.crypto import token_encrypt
    from integrations.models import DemarcheSource

    if "demarche_source" not in ctx:
        ctx["demarche_source"] = DemarcheSource.objects.create(
            call=ctx["call"],
            number=4242,
            title="Démarche",
            token_encrypted=token_encrypt("jeton"),
            descriptors=[{"id": "Q2hhbXAtMQ==", "label": "Nom du projet", "type": "text"}],
        )
    return {"pk": ctx["call"].pk}


# Démarche numérique imports: the call's managers only. The mapping refused (400: nothing
# chosen) and the import refused (no mapping yet: a message, then the page) still say who
# gets in.
INTEGRATION_ROWS: dict[str, Row] = {
    "integrations:demarche": Row(only(200, "funder", "admin"), kwargs=_demarche_call),
    "integrations:demarche_map": Row(
        only(400, "funder", "admin"), kwargs=_demarche_call, method="post"
    ),
    "integrations:demarche_import": Row(
        only(302, "funder", "admin"), kwargs=_demarche_call, method="post"
    ),
    "integrations:demarche_progress": Row(only(200, "funder", "admin"), kwargs=_demarche_call),
    # Writing decisions back: the settings refused (400: no row version posted) and the
    # retry's confirmation page still say who gets in.
    "integrations:demarche_writeback": Row(
        only(400, "funder", "admin"), kwargs=_demarche_call, method="post"
    ),
    "integrations:demarche_writeback_retry": Row(
        only(200, "funder", "admin"), kwargs=_demarche_call
    ),
}


def _once(ctx, name, make):
    """An object the row needs, created once per test context."""
    if name not in ctx:
        ctx[name] = make(ctx)
    return ctx[name]


def _signup_token(ctx):
    from accounts.models import SignupRequest
    from accounts.onboarding import signup_token

    pending = _once(
        ctx,
        "signup_request",
        lambda ctx: SignupRequest.objects.create(
            email="nouvelle@exemple.fr", full_name="Nouvelle", organisation_name="Asso"
        ),
    )
    return {"token": signup_token(pending)}


def _organisation_invitation(ctx):
    from accounts.models import OrganisationInvitation, Role

    return _once(
        ctx,
        "organisation_invitation",
        lambda ctx: OrganisationInvitation.objects.create(
            organisation=ctx["holder_organisation"], email="collegue@exemple.fr", role=Role.HOLDER
        ),
    )


def _invitation_token(ctx):
    from accounts.membership import invitation_token

    return {"token": invitation_token(_organisation_invitation(ctx))}


def _holder_membership(ctx):
    return {
        "pk": ctx["holder_organisation"].pk,
        "membership_pk": ctx["users"]["holder"].memberships.get().pk,
    }


def _colleague_membership(ctx):
    from accounts.models import Role
    from tests.factories import MembershipFactory

    colleague = _once(
        ctx,
        "colleague",
        lambda ctx: MembershipFactory(organisation=ctx["holder_organisation"], role=Role.HOLDER),
    )
    return {"pk": ctx["holder_organisation"].pk, "membership_pk": colleague.pk}


# An organisation's members: its managers and administrators (the holder manages
# "holder_organisation"; the other roles belong to other organisations).
MANAGERS = only(200, "holder", "admin")

MATRIX: dict[str, Row] = {
    "home": Row(everyone(200)),
    "accounts:login": Row({**everyone(302), "anonymous": 200}),
    "accounts:logout": Row(everyone(405)),  # POST only: a link cannot log someone out
    "accounts:signup": Row({**everyone(302), "anonymous": 200}),
    "accounts:profile": Row(signed_in(200)),
    # The language switcher: anybody, POST only (sets a cookie; a signed-in account too).
    "accounts:set_language": Row(everyone(302), method="post", data=lambda ctx: {"language": "en"}),
    "accounts:organisation_edit": Row(
        {"anonymous": DENIED, "holder": 200, "reviewer": DENIED, "funder": DENIED, "admin": 200},
        kwargs=lambda ctx: {"pk": ctx["holder_organisation"].pk},
    ),
    # ProConnect is off unless configured (tests/accounts/test_proconnect.py turns it on).
    "accounts:proconnect_start": Row(everyone(404)),
    "accounts:proconnect_callback": Row(everyone(404)),
    "accounts:proconnect_logout_return": Row(everyone(404)),
    "accounts:proconnect_organisation": Row(signed_in(404)),
    "accounts:signup_sent": Row(everyone(200)),
    "accounts:signup_confirm": Row(everyone(200), kwargs=_signup_token),
    "accounts:organisation_members": Row(
        MANAGERS, kwargs=lambda ctx: {"pk": ctx["holder_organisation"].pk}
    ),
    "accounts:membership_role": Row(
        only(302, "holder", "admin"),
        kwargs=_holder_membership,
        method="post",
        data=lambda ctx: {"role": "holder"},
    ),
    "accounts:membership_delete": Row(
        only(302, "holder", "admin"), kwargs=_colleague_membership, method="post"
    ),
    "accounts:invitation_cancel": Row(
        only(302, "holder", "admin"),
        kwargs=lambda ctx: {
            "pk": ctx["holder_organisation"].pk,
            "invitation_pk": _organisation_invitation(ctx).pk,
        },
        method="post",
    ),
    "accounts:organisation_invitation_accept": Row(everyone(200), kwargs=_invitation_token),
    "accounts:organisation_switch": Row(signed_in(302), method="post"),
    "projects:landing": Row(signed_in(302)),
    "accounts:password_reset": Row(everyone(200)),
    "accounts:password_reset_done": Row(everyone(200)),
    "accounts:password_reset_confirm": Row(
        everyone(200), kwargs=lambda ctx: {"uidb64": "MQ", "token": "invalide-0"}
    ),
    "accounts:password_reset_complete": Row(everyone(200)),
    "territories:commune_search": Row(everyone(200), data=lambda ctx: {"q": "amiens"}),
    **GRID_ROWS,
    **PROJECT_ROWS,
    **REVIEW_ROWS,
    **INTEGRATION_ROWS,
}


def _api_rows() -> dict[str, Row]:
    # Imported here: the API's rows use the rows' helpers defined above.
    from tests.api.matrix import API_ROWS

    return API_ROWS


MATRIX.update(_api_rows())

# Django's admin site: staff only. Its many generated patterns are one family, checked on the
# index and on one changelist per app.
NAMESPACE_FAMILIES: dict[str, dict[str, Row]] = {
    "admin": {
        "admin:index": Row(
            {"anonymous": 302, "holder": 302, "reviewer": 302, "funder": 302, "admin": 200}
        ),
        "admin:accounts_organisation_changelist": Row(
            {"anonymous": 302, "holder": 302, "reviewer": 302, "funder": 302, "admin": 200}
        ),
        "admin:grid_criterion_changelist": Row(
            {"anonymous": 302, "holder": 302, "reviewer": 302, "funder": 302, "admin": 200}
        ),
        "admin:projects_project_changelist": Row(
            {"anonymous": 302, "holder": 302, "reviewer": 302, "funder": 302, "admin": 200}
        ),
    },
}


def iter_pattern_names(patterns=None, namespace: str = ""):
    """Every URL pattern as "namespace:name" (or its route, when it has no name)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_pattern_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<{pattern.pattern}>"
            )


def unclassified_patterns(urlconf=None) -> list[str]:
    patterns = get_resolver(urlconf).url_patterns
    families = tuple(f"{prefix}:" for prefix in NAMESPACE_FAMILIES)
    return sorted(
        name
        for name in set(iter_pattern_names(patterns))
        if name not in MATRIX and not name.startswith(families)
    )


def all_rows() -> dict[str, Row]:
    rows = dict(MATRIX)
    for family in NAMESPACE_FAMILIES.values():
        rows.update(family)
    return rows
