"""The permission matrix's rows for the REST API (/api/v1/) and the account's token pages.

An API route answers an anonymous client 401 (never a redirection to the login page) and a
signed-in user 403 or 404: `DENIED` means that for routes named "api:…". A route that takes
several methods has its row on the method that says most about who may use it; the other
methods are checked role by role in tests/api/."""

from api.services import api_token_create
from tests.factories import reference_version
from tests.permission_matrix import DENIED, ROLES, Row, everyone, only, signed_in

READERS = {"anonymous": DENIED, "holder": DENIED, "reviewer": 200, "funder": 200, "admin": 200}


def _call(ctx):
    return {"pk": ctx["call"].pk}


def _review_call(ctx):
    return {"pk": ctx["review_call"].pk}


def _project(ctx):
    return {"pk": ctx["project"].pk}


def _review_project(ctx):
    return {"pk": ctx["review_project"].pk}


def _holder_token(ctx):
    if "holder_token" not in ctx:
        ctx["holder_token"], _secret = api_token_create(user=ctx["users"]["holder"], name="Outil")
    return {"pk": ctx["holder_token"].pk}


API_ROWS: dict[str, Row] = {
    "api:schema": Row(everyone(200)),
    "api:docs": Row(everyone(200)),
    "api:me": Row(signed_in(200)),
    "api:grid_version_list": Row(READERS),
    "api:grid_version_detail": Row(READERS, kwargs=lambda ctx: {"pk": reference_version().pk}),
    "api:call_list": Row(everyone(200)),
    # A draft call: its funder and administrators only.
    "api:call_detail": Row(
        only(200, "funder", "admin"), kwargs=lambda ctx: {"pk": ctx["draft_call"].pk}
    ),
    "api:call_projects": Row(only(200, "funder", "admin"), kwargs=_call),
    "api:call_ranking": Row(only(200, "funder", "admin"), kwargs=_review_call),
    "api:call_decisions": Row(only(200, "funder", "admin"), kwargs=_review_call),
    "api:project_list": Row(only(200, "holder", "admin")),
    "api:project_detail": Row(only(200, "holder", "admin"), kwargs=_project),
    # The draft is incomplete: its holder is told what is missing.
    "api:project_submit": Row(only(400, "holder"), kwargs=_project, method="post"),
    "api:self_assessment": Row(
        only(200, "holder"), kwargs=_project, method="put", data=lambda ctx: {"scores": []}
    ),
    # The call is not decided yet: its holder does not read the decision.
    "api:feedback": Row(only(200, "funder", "admin"), kwargs=_review_project),
    # The reviewer has not submitted and the call shows others' scores only after that.
    "api:project_reviews": Row(only(200, "funder", "admin"), kwargs=_review_project),
    "api:review": Row(
        only(201, "reviewer"),
        kwargs=_review_project,
        method="put",
        data=lambda ctx: {"row_version": None, "scores": []},
    ),
    "api:review_project": Row(only(200, "reviewer"), kwargs=_review_project),
    # Nothing saved yet: the reviewer is told to save first.
    "api:review_submit": Row(only(400, "reviewer"), kwargs=_review_project, method="post"),
    "api:review_list": Row(only(200, "reviewer")),
    "api:territories": Row(only(200, "funder", "admin")),
    "api_tokens:token_list": Row(signed_in(200)),
    "api_tokens:token_revoke": Row(only(200, "holder"), kwargs=_holder_token),
}

assert all(set(row.expect) == set(ROLES) for row in API_ROWS.values())
