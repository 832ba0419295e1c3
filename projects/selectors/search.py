"""Text search on projects and calls: one definition of what a search matches, used by every
list that has a search box (public calls, a funder's calls, the call dashboard's ranking, a
reviewer's list, a holder's list).

A search is split into words; a row matches when every word appears, accents and case aside,
in one of the fields the viewer may read. On PostgreSQL a row also matches the French
full-text query (stemming: "jardins partagés" finds "jardin partagé"). Both sides are folded
(lower case, accents removed) by the same table in Python and in SQL, so that no database
extension is needed (unaccent wants CREATE EXTENSION, a privilege a hosted database may not
grant) and SQLite and PostgreSQL agree on what "contains" means.

Blind mode: for a reviewer, a blind call's projects are searched on their title and summary
only, never on the holder's name or commune (what the reviewer cannot see, they cannot find).
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Coalesce, Concat

from territories.text import Folded, fold

# A search box takes a few words, never a document: longer input is refused at the form.
MAX_QUERY_LENGTH = 200
# Each word adds a condition per field; past this many, the others are dropped.
MAX_TERMS = 8


def search_terms(text: str) -> list[str]:
    """The words of a search, folded, without repeats, at most MAX_TERMS of them. NUL and
    other control characters separate words (PostgreSQL refuses NUL in a string)."""
    cleaned = "".join(" " if ord(char) < 32 else char for char in (text or "")[:MAX_QUERY_LENGTH])
    terms: list[str] = []
    for word in fold(cleaned).split():
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def _text(*fields: str):
    """The fields joined by spaces, a missing one (no commune) as empty."""
    parts = []
    for name in fields:
        parts += [Coalesce(F(name), Value(""), output_field=TextField()), Value(" ")]
    return Concat(*parts, output_field=TextField())


def _matching(queryset, document, query: str):
    terms = search_terms(query)
    if not terms:
        return queryset
    queryset = queryset.alias(search_text=Folded(document))
    every_word = Q()
    for term in terms:
        every_word &= Q(search_text__contains=term)
    if connection.vendor != "postgresql":
        return queryset.filter(every_word)
    queryset = queryset.alias(search_vector=SearchVector("search_text", config="french"))
    # plain: every word, stemmed; no operators ("or", quotes) read into what was typed.
    french = SearchQuery(" ".join(terms), config="french", search_type="plain")
    return queryset.filter(every_word | Q(search_vector=french))


def search_projects(queryset, query: str, *, path: str = "", blind_for_reviewer: bool = False):
    """`queryset` narrowed to the projects matching `query` on their title, summary, holder
    organisation and commune. `path` leads from the queryset's model to the project
    ("project__" for assignments). With `blind_for_reviewer`, a blind call's projects are
    searched on title and summary only."""
    public = _text(f"{path}title", f"{path}summary")
    identity = _text(f"{path}organisation__name", f"{path}commune__name")
    if blind_for_reviewer:
        identity = Case(
            When(**{f"{path}call__blind_mode": False}, then=identity),
            default=Value(""),
            output_field=TextField(),
        )
    return _matching(queryset, Concat(public, identity, output_field=TextField()), query)


def search_calls(queryset, query: str):
    """`queryset` narrowed to the calls matching `query` on their title, description and
    funder's name (all public on a published call)."""
    return _matching(queryset, _text("title", "description", "funder__name"), query)
