"""The hostile-input battery: every URL pattern of the URLconf × every role × hostile values in
the path, the query string and every form field the page offers, and malformed bodies. No
answer may be a server error, and an answer that refuses (4xx, the login page, a form shown
again with its errors, an error message) must leave the database as it found it.

Nothing here lists the application's URLs or fields by hand: the patterns are read from the
resolver (a pattern added later is attacked too, and the permission matrix supplies the
objects its parameters point at), and the fields from the forms each role's page renders.
"""

import re
import traceback
from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from tests import fingerprint
from tests.permission_matrix import ROLES, all_rows
from tests.projects.matrix import projects_matrix_context

LONG = "x" * 60_000  # past SQLite's LIKE pattern limit (50,000 bytes)
HOSTILE_VALUES = [
    "",
    "-1",
    str(2**63),
    "9" * 5_000,  # past Python's int-from-text limit (4,300 digits)
    "1e308",
    "a\x00b",
    "é🙂\u202eדוד <script>'{[(",
    LONG,
]
# What a role that the view refuses still sends: the refusal must come before any of it hurts.
DENIED_VALUES = ["9" * 5_000, "a\x00b", LONG]
# Path parameters: what each converter lets through to the view.
HOSTILE_PATH = {
    "int": ["0", str(2**63), "9" * 400],
    "str": ["%00", quote("é🙂\u202e"), "x" * 3_000, quote("<x>'\"")],
    "path": ["%00", quote("é🙂"), "x" * 3_000, "a/b/../c"],
    "slug": ["-", "x" * 3_000],
}
# Bodies that are not what they say, or say a charset Django cannot read.
RAW_BODIES = [
    (b'{"a": [', "application/json"),
    ("a=1&b=é".encode("utf-16"), "application/x-www-form-urlencoded; charset=utf-16"),
    (b"a=%ff%fe&b=\xff", "application/x-www-form-urlencoded; charset=klingon"),
    (b"\xff\xfe\x00garbage", "multipart/form-data; boundary=nothing"),
    (b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n', "multipart/form-data; boundary=x"),
]
# Names a view may read without a form on the page offering them (links, htmx, JavaScript).
KNOWN_QUERY_NAMES = [
    "page",
    "sort",
    "q",
    "commune",
    "avec",
    "call",
    "measure",
    "region",
    "departement",
    "status",
    "decision",
    "next",
    "o",
    "p",
    "_changelist_filters",
]
KNOWN_POST_NAMES = [
    "row_version",
    "once",
    "remove",
    "to",
    "direction",
    "action",
    "projects",
    "reviewers",
    "email",
    "per_project",
    "remplir_siret",  # « Remplir depuis le SIRET » (a button: the parser reads inputs only)
]


class FormFields(HTMLParser):
    """The names of the fields of the page's forms, by method, and which are file inputs."""

    def __init__(self):
        super().__init__()
        self.fields = {"get": set(), "post": set()}
        self.files = set()
        self._method = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._method = (attrs.get("method") or "get").lower()
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            if attrs["name"] == "csrfmiddlewaretoken":
                return
            self.fields.get(self._method or "get", self.fields["get"]).add(attrs["name"])
            if attrs.get("type") == "file":
                self.files.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._method = None


def _walk(patterns=None, prefix="", namespace="", converters=None):
    """(name, route parts, converters) for every pattern; route parts are RoutePattern or
    RegexPattern strings, in order from the root."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        parts = [*(prefix or []), pattern.pattern]
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, parts, inner)
        elif isinstance(pattern, URLPattern):
            name = (
                f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<{pattern.pattern}>"
            )
            yield name, parts


PATTERNS = dict(_walk())
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


def _converter_kind(converter) -> str:
    return {"IntConverter": "int", "SlugConverter": "slug", "PathConverter": "path"}.get(
        type(converter).__name__, "str"
    )


def _params(parts) -> dict[str, str]:
    """Parameter name → converter kind ("int", "str", "slug", "path", "regex")."""
    params = {}
    for part in parts:
        if isinstance(part, RoutePattern):
            for name, converter in part.converters.items():
                params[name] = _converter_kind(converter)
        elif isinstance(part, RegexPattern):
            for match in REGEX_GROUP.finditer(str(part._regex)):
                params[match["name"]] = "regex"
    return params


def _build(parts, values: dict[str, str]) -> str:
    """The path of the pattern with `values` in its parameters."""
    path = ""
    for part in parts:
        text = str(part._route) if isinstance(part, RoutePattern) else str(part._regex)
        if isinstance(part, RoutePattern):
            text = ROUTE_PARAM.sub(lambda m: values[m["name"]], text)
        else:
            text = REGEX_GROUP.sub(lambda m: values[m["name"]], text).lstrip("^").rstrip("$")
            text = text.replace("\\", "")
        path += text
    return "/" + path


def _sample(kind: str, body: str = "") -> str:
    if kind == "int":
        return "1"
    if kind == "regex" and "|" in body:
        return body.split("|")[0]
    return "a"


def _valid_values(name, parts, ctx) -> dict[str, str]:
    """Parameters that reach the view: the permission matrix's objects when it has a row."""
    row = all_rows().get(name)
    if row is not None:
        url = reverse(name, kwargs=row.kwargs(ctx))
        match = get_resolver().resolve(url)
        return {key: quote(str(value), safe="") for key, value in match.kwargs.items()}
    values = {}
    for part in parts:
        if isinstance(part, RoutePattern):
            for key, converter in part.converters.items():
                values[key] = _sample(_converter_kind(converter))
        elif isinstance(part, RegexPattern):
            for match in REGEX_GROUP.finditer(str(part._regex)):
                values[match["name"]] = _sample("regex", match["body"])
    return values


@pytest.fixture
def hostile_context(role_users):
    holder = role_users["holder"]
    return {
        "users": role_users,
        "holder_organisation": holder.memberships.get().organisation,
        **projects_matrix_context(role_users),
    }


# Tables a refusal may write by design: the session (where flash messages wait) and the
# login throttle's record of failed attempts.
WRITTEN_ON_REFUSAL = ["django_session", "axes_"]


class Battery:
    def __init__(self, clients):
        self.clients = clients
        self.failures = []
        fingerprint.install()

    def send(self, role, method, url, **kwargs):
        client = self.clients[role]
        before = fingerprint.take()
        try:
            if method == "generic":
                response = client.generic(kwargs.pop("verb"), url, **kwargs)
            else:
                response = getattr(client, method)(url, **kwargs)
        except Exception as error:  # noqa: BLE001 - every crash is reported, then asserted
            self.failures.append(
                f"{role} {method.upper()} {url[:120]}: {str(error)[:200]!r} at {_where(error)}"
            )
            return None
        if response.status_code >= 500:
            self.failures.append(f"{role} {method.upper()} {url[:200]}: {response.status_code}")
        elif _refusal(response):
            written = fingerprint.changed(before, fingerprint.take(), ignore=WRITTEN_ON_REFUSAL)
            if written:
                self.failures.append(
                    f"{role} {method.upper()} {url[:200]}: refused ({response.status_code}) "
                    f"but wrote {', '.join(written)}"
                )
        return response


def _where(error) -> str:
    """The innermost frame of the project's own code in the error's traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [f for f in frames if "site-packages" not in f.filename and "/tests/" not in f.filename]
    frame = (own or frames)[-1]
    return f"{frame.filename.rsplit('/', 2)[-2:]}:{frame.lineno} {type(error).__name__}"


def _refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and ("/connexion/" in location or "/login/" in location)


def _refusal(response) -> bool:
    """Whether the answer says no: an error status, "log in first", a form shown again with
    its errors, or a warning or error message waiting for the next page."""
    if 400 <= response.status_code < 500:
        return True
    # Sent to log in first (`?next=`); not the login page a completed sign-up leads to.
    if _refused(response) and "next=" in response.get("Location", ""):
        return True
    request = response.wsgi_request
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", ())
    if any(message.level >= messages.WARNING for message in queued):
        return True
    return any(_has_errors(value) for value in _context_values(response.context))


def _context_values(context):
    if context is None:
        return
    for layer in context if isinstance(context, list) else [context]:
        for scope in layer.dicts:
            yield from scope.values()


def _has_errors(value) -> bool:
    # Read the errors a rendered form already computed; asking `.errors` would clean it anew.
    if isinstance(value, BaseForm):
        return bool(value.is_bound and value._errors)
    if isinstance(value, BaseFormSet):
        return bool(
            value.is_bound
            and value._errors is not None
            and (any(value._errors) or value._non_form_errors)
        )
    return False


def _clients(users) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=True)
        if users[role] is not None:
            client.force_login(users[role])
        clients[role] = client
    return clients


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_server_error_on_hostile_input(name, hostile_context):
    parts = PATTERNS[name]
    params = _params(parts)
    valid = _valid_values(name, parts, hostile_context)
    battery = Battery(_clients(hostile_context["users"]))
    url = _build(parts, valid)

    # What each role's page offers, to attack every field it renders; and which roles the
    # view lets in (the others get a shorter corpus: they are refused before it is read).
    get_names, post_names, file_names = set(KNOWN_QUERY_NAMES), set(KNOWN_POST_NAMES), set()
    admitted = set()
    for role in ROLES:
        response = battery.send(role, "get", url)
        if response is not None and response.status_code == 405:
            response = battery.send(role, "post", url, data={})
        if response is None or not _refused(response):
            admitted.add(role)
        if response is not None and "html" in response.get("Content-Type", ""):
            parser = FormFields()
            parser.feed(response.content.decode("utf-8", "replace"))
            get_names |= parser.fields["get"]
            post_names |= parser.fields["post"]
            file_names |= parser.files

    for role in ROLES:
        for key, kind in params.items():
            for value in HOSTILE_PATH.get(kind, HOSTILE_PATH["str"]):
                hostile_url = _build(parts, {**valid, key: value})
                battery.send(role, "get", hostile_url)
                battery.send(role, "post", hostile_url, data={})
        for value in HOSTILE_VALUES if role in admitted else DENIED_VALUES:
            battery.send(role, "get", f"{url}?{urlencode(dict.fromkeys(get_names, value))}")
            data = dict.fromkeys(post_names - file_names, value)
            for file_name in file_names:
                data[file_name] = SimpleUploadedFile(
                    value[:200] or "vide.pdf", value.encode() + b"%PDF", "application/pdf"
                )
            battery.send(role, "post", url, data=data)
        if role in admitted or role == "anonymous":
            for body, content_type in RAW_BODIES:
                battery.send(
                    role, "generic", url, verb="POST", data=body, content_type=content_type
                )
            battery.send(role, "get", f"{url}?%ff%fe=%c3%28&page=%00")

    if battery.failures:
        pytest.fail("\n".join(sorted(set(battery.failures))), pytrace=False)
