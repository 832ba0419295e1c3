"""English as a second language: every message of the code and templates has its English,
the switcher works and is remembered, the grid speaks the viewer's language, figures and dates
follow the language, and whole pages carry no word of the other language."""

import re
from datetime import datetime
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation.template import templatize

from accounts.emails import send_templated_email_on_commit
from accounts.models import AuditEvent, Language, Role
from config.catalogues import LOCALE_DIR, missing_translations, read_catalogue
from grid.models import Criterion
from grid.services import criterion_fix_text, grid_version_create_draft
from projects.templatetags.figures import percent
from territories.figures import format_figure
from tests.factories import (
    AssessmentFactory,
    AssignmentFactory,
    ProjectFactory,
    UserFactory,
    draft_of_reference,
    reference_version,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "api", "config", "demo", "grid", "projects", "territories")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def _messages_in(source: str, method: str = "python") -> set:
    found = set()
    for _line, message, _comments, _context in extract(
        method, BytesIO(source.encode()), keywords=KEYWORDS, options={"encoding": "utf-8"}
    ):
        found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def code_messages() -> set:
    """Every message the code and the templates mark for translation, read the way
    makemessages reads them (Django's templatize for templates), without GNU gettext."""
    messages = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            messages |= _messages_in(path.read_text(encoding="utf-8"))
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix in {".html", ".txt"}:
            source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            # Templatize writes each message on one line (newlines escaped) among filler
            # text whose indentation means nothing to Python.
            messages |= _messages_in("\n".join(line.lstrip() for line in source.splitlines()))
    return {message for message in messages if message}


def catalogue() -> dict:
    messages = read_catalogue(LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po")
    return {(m.id if isinstance(m.id, str) else tuple(m.id)): m.string for m in messages if m.id}


def test_every_message_of_the_code_has_an_english_translation():
    translated = catalogue()
    missing = sorted(
        str(message)
        for message in code_messages()
        if not all(translated.get(message) or ("",))
        or (isinstance(translated.get(message), tuple) and not all(translated[message]))
    )
    assert missing == [], (
        f"{len(missing)} message(s) without English: run `make messages`, translate each empty "
        "msgstr of locale/en/LC_MESSAGES/django.po, then `make translations`.\n"
        + "\n".join(missing[:40])
    )


def test_the_catalogue_has_no_empty_or_fuzzy_translation():
    assert missing_translations() == []


def test_compiled_catalogue_translates():
    with translation.override("en"):
        assert translation.gettext("Soumettre l'évaluation") == "Submit the review"
        plural = translation.ngettext("%(n)s évaluation soumise", "%(n)s évaluations soumises", 2)
        assert plural == "%(n)s reviews submitted"


# --- The switcher -----------------------------------------------------------------------


def test_switcher_sets_the_cookie_and_sends_back(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": reverse("home")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_switcher_remembers_the_choice_on_the_account(client):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})

    user.refresh_from_db()
    assert user.language == Language.ENGLISH
    assert AuditEvent.objects.filter(action="user.language").count() == 1
    # Another browser (no cookie): the account's language.
    client.cookies.clear()
    client.force_login(user)
    assert '<html lang="en">' in client.get(reverse("accounts:profile")).content.decode()


def test_switcher_refuses_an_unknown_language_and_a_foreign_next(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:set_language"), {"language": "de", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil")
    user.refresh_from_db()
    assert user.language == Language.FRENCH
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switcher_answers_get_with_405(client):
    assert client.get(reverse("accounts:set_language")).status_code == 405


def test_language_chosen_before_signing_in_becomes_the_account_s(client):
    user = UserFactory(email="reviewer@example.org")
    user.set_password("a long enough password")
    user.save()
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})

    client.post(
        reverse("accounts:login"),
        {"username": "reviewer@example.org", "password": "a long enough password"},
    )

    user.refresh_from_db()
    assert user.language == Language.ENGLISH


def test_a_french_account_keeps_french_pages_in_an_english_browser(client):
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en-GB,en").content
    assert '<html lang="fr">' in page.decode()


def test_anonymous_english_browser_gets_english(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en">' in page.content.decode()


# --- Grid content, figures and dates in the viewer's language ----------------------------


def test_reference_grid_has_its_english_texts():
    criteria = Criterion.objects.filter(version__grid__is_default=True, version__number=1)
    assert criteria.count() == 20
    assert not criteria.filter(label_en="").exists()
    assert not criteria.filter(description_en="").exists()
    assert not criteria.filter(question_en="").exists()
    s1 = criteria.get(code="S1")
    with translation.override("en"):
        assert s1.label_display == "Response to an unmet or poorly met social need"
        assert s1.question_display.startswith("What social need")
        assert s1.axis.label_display == "Response to a social need"
        assert [level.label_display for level in s1.levels.all()][0] == "Absent or not shown"
        assert s1.version.grid.name_display == "Social innovation characterisation grid"
    with translation.override("fr"):
        assert s1.label_display == "Réponse à un besoin social mal satisfait"


def test_grid_text_falls_back_to_french_when_no_english_is_written():
    criterion = Criterion.objects.filter(version__grid__is_default=True).first()
    criterion.label_en = ""
    with translation.override("en"):
        assert criterion.label_display == criterion.label


def test_new_draft_keeps_the_english_texts():
    draft = grid_version_create_draft(source=reference_version())

    copied = draft.criteria.get(code="S1")
    assert copied.label_en == "Response to an unmet or poorly met social need"
    assert copied.levels.get(value=0).label_en == "Absent or not shown"
    assert draft.label_en == reference_version().label_en


def test_editor_writes_the_english_texts_and_keeps_the_levels_english(client):
    draft = draft_of_reference()
    criterion = draft.criteria.get(code="S1")
    admin = UserFactory(administrator=True)
    client.force_login(admin)
    url = reverse("grid:criterion_edit", kwargs={"pk": criterion.pk})
    form = client.get(url).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(
        axis=criterion.axis_id,
        label_en="Response to a need",
        description_en="What the project answers.",
        question_en="Which need?",
        weight="2",
    )
    data = {key: (value.pk if hasattr(value, "pk") else value) for key, value in data.items()}

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    criterion.refresh_from_db()
    assert (criterion.label_en, criterion.description_en, criterion.question_en) == (
        "Response to a need",
        "What the project answers.",
        "Which need?",
    )
    assert criterion.levels.get(value=0).label_en == "Absent or not shown"


def test_published_english_text_can_be_corrected():
    version = reference_version()
    criterion = version.criteria.get(code="S2")

    criterion_fix_text(
        criterion=criterion, row_version=version.row_version, question_en="What is new?"
    )

    criterion.refresh_from_db()
    assert criterion.question_en == "What is new?"


def test_figures_and_dates_follow_the_language():
    moment = timezone.make_aware(datetime(2027, 1, 10, 14, 30))

    with translation.override("en"):
        assert format_figure(1234.5, 1) == "1,234.5"
        assert percent(0.63) == "63%"
        assert date_format(moment, "DATETIME_FORMAT") == "10 January 2027, 14:30"
    with translation.override("fr"):
        assert format_figure(1234.5, 1) == "1\u202f234,5" or format_figure(1234.5, 1) == (
            "1\xa0234,5"
        )
        assert percent(0.63) == "63\xa0%"
        assert date_format(moment, "DATETIME_FORMAT") == "10 janvier 2027 à 14:30"


# --- E-mails in the recipient's language --------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_email_goes_out_in_the_recipient_s_language(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    english = UserFactory(language=Language.ENGLISH)
    french = UserFactory(language=Language.FRENCH)

    send_templated_email_on_commit(
        "signup_existing", {"login_url": "http://x/", "reset_url": "http://y/"}, [english, french]
    )

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[english.email] == "Évalis: you already have an account"
    assert subjects[french.email] == "Évalis : vous avez déjà un compte"


# --- Whole pages: no word of the other language -------------------------------------------

# Words that only French writes (articles, prepositions, the product's own vocabulary).
FRENCH_WORDS = re.compile(
    r"\b(le|la|les|des|du|une|et|est|pour|avec|sur|dans|vous|votre|vos|aucun|aucune|"
    r"évaluations?|projets?|critères?|enregistrer|soumettre|déposer|appel|grille|socle|"
    r"brouillon|note|moyenne|porteur|financeur|évaluateur|connexion|déconnecter)\b",
    re.IGNORECASE,
)
# Words that only English writes.
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|to|your|you|with|save|submit|review|reviews|project|projects|draft|"
    r"score|sign|call|grid|criterion|criteria|none|not|yet)\b",
    re.IGNORECASE,
)
# Elements that are in another language on purpose, said so with `lang` (the switcher).
OTHER_LANGUAGE = re.compile(r"<(?!html)(\w+)[^>]*\blang=\"\w+\"[^>]*>.*?</\1>", re.DOTALL)


def visible_text(page: str, typed: list[str]) -> str:
    """What a person reads or hears: the text and the labels read aloud (aria-label, title,
    placeholder, alt), without the switcher's other language and without `typed` (what
    people wrote: a project's title stays in its holder's language)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    page = OTHER_LANGUAGE.sub(" ", page)
    labels = re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', page)
    text = unescape(" ".join([re.sub(r"<[^>]+>", " ", page), *labels]))
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(value, " ")
    return " ".join(text.split())


def _typed(project) -> list[str]:
    call = project.call
    return [
        value
        for value in (
            project.title,
            project.summary,
            project.social_need,
            project.solution,
            project.beneficiaries,
            project.partners,
            project.organisation.name,
            project.commune.name if project.commune else "",
            call.title,
            call.description,
            call.funder.name,
        )
        if value
    ]


def _words(pattern, text: str) -> list[str]:
    return sorted({match.group(0).lower() for match in pattern.finditer(text)})


def test_english_reviewer_scores_without_meeting_french(client):
    assignment = AssignmentFactory()
    reviewer = assignment.reviewer
    reviewer.language = Language.ENGLISH
    reviewer.save(update_fields=["language"])
    project = assignment.project
    client.force_login(reviewer)
    pages = [
        reverse("home"),
        reverse("projects:landing"),
        reverse("projects:review_list"),
        reverse("projects:review_edit", kwargs={"pk": project.pk}),
        reverse("accounts:profile"),
    ]

    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode(), _typed(project) + [reviewer.email])
        assert _words(FRENCH_WORDS, text) == [], (url, text[:3000])


def test_english_funder_manages_a_call_without_meeting_french(client):
    assignment = AssignmentFactory()
    project = assignment.project
    AssessmentFactory(project=project, author=assignment.reviewer, submitted=True)
    call = project.call
    funder = user_with_role(Role.FUNDER, call.funder)
    funder.language = Language.ENGLISH
    funder.save(update_fields=["language"])
    client.force_login(funder)
    typed = [*_typed(project), funder.email, funder.full_name, assignment.reviewer.full_name]
    pages = [reverse("projects:funder_call_list")] + [
        reverse(f"projects:{name}", kwargs={"pk": call.pk})
        for name in (
            "call_manage",
            "call_dashboard",
            "call_calibration",
            "call_judgement",
            "call_reviewers",
            "call_late",
            "call_committee",
            "call_history",
        )
    ]
    pages.append(reverse("projects:project_analysis", kwargs={"pk": project.pk}))

    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode(), typed)
        assert _words(FRENCH_WORDS, text) == [], (url, text[:3000])


def test_english_reviewer_sees_form_errors_in_english(client):
    assignment = AssignmentFactory()
    assignment.reviewer.language = Language.ENGLISH
    assignment.reviewer.save(update_fields=["language"])
    client.force_login(assignment.reviewer)
    url = reverse("projects:review_edit", kwargs={"pk": assignment.project.pk})
    page = client.get(url).content.decode()
    row_version = re.search(r'name="row_version" value="([^"]*)"', page).group(1)

    response = client.post(url, {"row_version": row_version, "action": "submit"})

    text = visible_text(response.content.decode(), _typed(assignment.project))
    assert _words(FRENCH_WORDS, text) == [], text[:3000]


def test_french_holder_meets_no_english(client):
    project = ProjectFactory(complete=True)
    client.force_login(project.owner)
    pages = [
        reverse("projects:landing"),
        reverse("projects:project_list"),
        reverse("projects:project_detail", kwargs={"pk": project.pk}),
        reverse("projects:project_edit", kwargs={"pk": project.pk}),
        reverse("projects:self_assessment_edit", kwargs={"pk": project.pk}),
        reverse("projects:call_detail", kwargs={"pk": project.call.pk}),
        reverse("accounts:profile"),
    ]

    for url in pages:
        response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE="fr-FR,fr")
        assert response.status_code == 200, url
        text = visible_text(response.content.decode(), _typed(project) + [project.owner.email])
        assert _words(ENGLISH_WORDS, text) == [], (url, text[:3000])
