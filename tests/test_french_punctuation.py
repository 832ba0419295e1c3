"""French typography (issue 21): a non-breaking space (U+00A0), never an ordinary one, before
« ; : ! ? », after « and before », so that the sign never starts a line on its own. Checked
in the fixed wording people read: the messages marked for translation (code and templates)
and the plain text of the French templates, their attributes read aloud or shown included
(title, alt, placeholder, aria-label). Code, CSS, scripts, URLs and template syntax are left
out, and so are the English templates (*.en.*) and translations."""

import re
from pathlib import Path

from django.conf import settings

from tests.test_i18n import code_messages

ROOT = Path(settings.BASE_DIR)

# An ordinary space before a sign that ends a French phrase (not "?next=" in a URL, not
# "a:b"), after « or before ».
ORDINARY_SPACE = re.compile(r" (?=[;:!?](?![\w/=#&]))|(?<=«) | (?=»)")

TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
NOT_TEXT = re.compile(
    r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>", re.S | re.I
)
READ_ATTRIBUTE = re.compile(
    r"""\b(?:title|alt|placeholder|aria-label|aria-description)\s*=\s*("[^"]*"|'[^']*')""",
    re.I,
)


def _people_text(source: str, html: bool) -> list[str]:
    """The pieces of a template read by people, template syntax blanked out (the messages of
    {% translate %} are checked with the other messages)."""
    blanked = TEMPLATE_SYNTAX.sub(lambda match: "\x00" * len(match.group()), source)
    if not html:
        return [blanked]
    pieces = []
    position = 0
    for match in NOT_TEXT.finditer(blanked):
        pieces.append(blanked[position : match.start()])
        position = match.end()
        tag = match.group()
        if not tag.lower().startswith(("<script", "<style", "<!--")):
            pieces += [value[1:-1] for value in READ_ATTRIBUTE.findall(tag)]
    pieces.append(blanked[position:])
    return pieces


def _faults(text: str) -> list[str]:
    return [
        text[max(0, m.start() - 30) : m.end() + 10].replace("\x00", "")
        for m in ORDINARY_SPACE.finditer(text)
    ]


def test_the_rule_finds_ordinary_spaces_and_leaves_code_alone():
    assert _faults("Motivation :") and _faults("« Mon compte »") and _faults("Déjà ?")
    assert _faults("Motivation\u00a0:") == [] and _faults("«\u00a0Mon compte\u00a0»") == []
    assert _faults("?next=/ et 12:30 et H:i") == []
    pieces = _people_text(
        '<a href="/x ?y" title="Aide :">Total :</a><script>a ? b : c</script>'
        "{% if a %}{{ b|default:'c' }}",
        html=True,
    )
    assert [fault for piece in pieces for fault in _faults(piece)] == [
        "Aide :",
        "Total :",
    ]


def test_the_french_messages_have_non_breaking_spaces():
    faults = sorted(
        fault
        for message in code_messages()
        for text in ((message,) if isinstance(message, str) else message)
        for fault in _faults(text)
    )
    assert faults == [], "\n".join(faults[:40])


def test_the_french_templates_have_non_breaking_spaces():
    faults = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix not in {".html", ".txt"} or ".en." in path.name:
            continue
        for piece in _people_text(path.read_text(encoding="utf-8"), path.suffix == ".html"):
            faults += [f"{path.relative_to(ROOT)}: {fault!r}" for fault in _faults(piece)]
    assert faults == [], "\n".join(faults[:40])
