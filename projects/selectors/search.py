"""Text search on projects and calls: one definition of what a search matches, used by every
list that has a search box (public calls, a funder's calls, the call dashboard's ranking, a
reviewer's list, a holder's list).

A search is split into words; a row matches when every word appears, accents and case aside, in
one of the fields the viewer may read. On PostgreSQL a row also matches the French full-text
query (stemming: "jardins partagés" finds "jardin partagé"). Both sides are folded (lower case,
accents removed) by the same table in Python and in SQL, so that no database extension is
needed for the answers (unaccent wants CREATE EXTENSION, a privilege a hosted database may not
grant) and SQLite and PostgreSQL agree on what "contains" means. A project's text is folded
once, on save (`Project.search_public`, `search_identity`), and on PostgreSQL its document is
indexed twice: by trigrams (pg_trgm, so that "every word as a substring" reads an index rather
than every project of the call; without the extension, the same answers are read by a scan) and
as a French full-text document. A search reads stored text, it does not fold every project
again.

Blind mode: for a reviewer, a blind call's projects are searched on their title and summary
only, never on the holder's name or commune (what the reviewer cannot see, they cannot find).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import BooleanField, Case, F, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat

from projects.models import Project
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


def _matching(queryset, document, query: str, *, indexed=None):
    """`queryset` narrowed to the rows whose folded `document` holds every word of `query`
    or, on PostgreSQL, matches its French full-text query: through `indexed` (a Q from the
    query text, read from an index) when given, else computed on each row."""
    terms = search_terms(query)
    if not terms:
        return queryset
    queryset = queryset.alias(search_text=document)
    every_word = Q()
    for term in terms:
        every_word &= Q(search_text__contains=term)
    if connection.vendor != "postgresql":
        return queryset.filter(every_word)
    # plain: every word, stemmed; no operators ("or", quotes) read into what was typed.
    if indexed is not None:
        return queryset.filter(every_word | indexed(" ".join(terms)))
    queryset = queryset.alias(search_vector=SearchVector("search_text", config="french"))
    french = SearchQuery(" ".join(terms), config="french", search_type="plain")
    return queryset.filter(every_word | Q(search_vector=french))


# A project's search document, written as the indexes of migrations projects
# 0012_project_search_text (French full text) and 0015_project_search_trigrams (trigrams)
# declare it: the planner uses an index on an expression only when the query spells the
# same expression (Concat's COALESCE wrapping does not match). PostgreSQL only.
PROJECT_DOCUMENT_SQL = "search_public || ' ' || search_identity"
PROJECT_FTS_SQL = f"to_tsvector('french', {PROJECT_DOCUMENT_SQL}) @@ plainto_tsquery('french', %s)"

# Three letters or digits in a row: what pg_trgm extracts a trigram from in a LIKE pattern.
HAS_TRIGRAM = re.compile(r"[^\W_]{3}")


def _project_fts(path: str):
    """The projects matching a French full-text query, from the index: a subquery."""

    def indexed(text: str) -> Q:
        matching = Project.objects.filter(
            RawSQL(PROJECT_FTS_SQL, [text], output_field=BooleanField())
        ).values("pk")
        return Q(**{f"{path}pk__in": matching})

    return indexed


def _indexed_project_search(queryset, terms: list[str], path: str):
    """`queryset` narrowed to the projects whose document holds every word or matches the
    French full-text query: one subquery of ids on the projects, which PostgreSQL answers
    from both indexes at once (a bitmap OR), whatever model `path` starts from.

    The index is a sieve: each project it finds is checked against every LIKE, so a short
    word beside a longer one (which the index cannot narrow on) changes no answer."""
    every_word = Q()
    for term in terms:
        every_word &= Q(search_text__contains=term)
    french = RawSQL(PROJECT_FTS_SQL, [" ".join(terms)], output_field=BooleanField())
    matching = (
        Project.objects.alias(
            search_text=RawSQL(PROJECT_DOCUMENT_SQL, [], output_field=TextField())
        )
        .filter(every_word | Q(french))
        .values("pk")
    )
    return queryset.filter(**{f"{path}pk__in": matching})


def search_projects(queryset, query: str, *, path: str = "", blind_for_reviewer: bool = False):
    """`queryset` narrowed to the projects matching `query` on their title, summary, holder
    organisation and commune (their search text, folded on save). `path` leads from the
    queryset's model to the project ("project__" for assignments). With
    `blind_for_reviewer`, a blind call's projects are searched on title and summary only.

    On PostgreSQL, a search on the whole document with a word of three letters or more
    reads the trigram and full-text indexes; otherwise (a blind reviewer's few assignments,
    only short words, SQLite) each row's document is read."""
    terms = search_terms(query)
    if (
        connection.vendor == "postgresql"
        and not blind_for_reviewer
        and any(HAS_TRIGRAM.search(term) for term in terms)
    ):
        return _indexed_project_search(queryset, terms, path)
    public, identity = F(f"{path}search_public"), F(f"{path}search_identity")
    if blind_for_reviewer:
        identity = Case(
            When(**{f"{path}call__blind_mode": False}, then=identity),
            default=Value(""),
            output_field=TextField(),
        )
    document = Concat(public, Value(" "), identity, output_field=TextField())
    # The index holds the whole document: a blind reviewer's search computes its own.
    indexed = None if blind_for_reviewer else _project_fts(path)
    return _matching(queryset, document, query, indexed=indexed)


def search_calls(queryset, query: str):
    """`queryset` narrowed to the calls matching `query` on their title, description and
    funder's name (all public on a published call)."""
    return _matching(queryset, Folded(_text("title", "description", "funder__name")), query)
