"""Text search on projects and calls: one definition of what a search matches, used by every
list that has a search box (public calls, a funder's calls, the call dashboard's ranking, a
reviewer's list, a holder's list).

A search is split into words; a row matches when every word appears, accents and case aside,
in one of the fields the viewer may read. On PostgreSQL a row also matches the French
full-text query (stemming: "jardins partagés" finds "jardin partagé"). Both sides are folded
(lower case, accents removed) by the same table in Python and in SQL, so that no database
extension is needed (unaccent wants CREATE EXTENSION, a privilege a hosted database may not
grant) and SQLite and PostgreSQL agree on what "contains" means. A project's text is folded
once, on save (`Project.search_public`, `search_identity`), and its full-text document is
indexed on PostgreSQL: a search reads stored text, it does not fold every project again.

Blind mode: for a reviewer, a blind call's projects are searched on their title and summary
only, never on the holder's name or commune (what the reviewer cannot see, they cannot find).
"""

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


# The projects' French full-text document, as the GIN index of migration
# projects 0012_project_search_text declares it (PostgreSQL only).
PROJECT_FTS_SQL = (
    "to_tsvector('french', search_public || ' ' || search_identity) @@ "
    "plainto_tsquery('french', %s)"
)


def _project_fts(path: str):
    """The projects matching a French full-text query, from the index: a subquery."""

    def indexed(text: str) -> Q:
        matching = Project.objects.filter(
            RawSQL(PROJECT_FTS_SQL, [text], output_field=BooleanField())
        ).values("pk")
        return Q(**{f"{path}pk__in": matching})

    return indexed


def search_projects(queryset, query: str, *, path: str = "", blind_for_reviewer: bool = False):
    """`queryset` narrowed to the projects matching `query` on their title, summary, holder
    organisation and commune (their search text, folded on save). `path` leads from the
    queryset's model to the project ("project__" for assignments). With
    `blind_for_reviewer`, a blind call's projects are searched on title and summary only."""
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
