"""What every dashboard statement shares: the reviews that count as SQL, compiled from the
one ORM definition (`Assessment.objects.counted_reviews()`), and exact arithmetic helpers.

Every block is one SQL statement with GROUP BY, identical on SQLite and PostgreSQL:
- totals are read exactly, as the fraction each review stores (`exact`, "n/d"), and as
  integers in units of 10⁻¹⁰ point (`units`) for sorting only; means, medians, deviations and
  shares are exact Fractions in Python, rounded once, at display (`territories.figures`);
- where a figure needs every value (a project's median and standard deviation), the few
  totals of the project come back as one list (`list_of`), never one row per review.

Raw SQL is used where the ORM cannot express a window inside an aggregate; every value reaches
it as a query parameter and every ORDER BY column comes from a fixed whitelist.
"""

import functools
from fractions import Fraction

from django.db import connection
from django.db.models import F, Func, IntegerField, TextField

from projects.models import Assessment
from projects.scoring import TOTAL_PLACES

UNIT = 10**TOTAL_PLACES  # units per point of total

# The columns of the `valid` CTE every statement starts from.
_COLUMNS = (
    "id",
    "project_id",
    "author_id",
    "scored_count",
    "call_id",
    "region_id",
    "departement_id",
    "units",
    "exact",
)

# A review's exact total as text ("n/d"; NULL without a total): the same on both databases.
EXACT_TOTAL_SQL = (
    "CAST({prefix}total_numerator AS TEXT) || '/' || CAST({prefix}total_denominator AS TEXT)"
)


def _counted_queryset():
    return (
        Assessment.objects.counted_reviews()
        .annotate(
            call_id=F("project__call_id"),
            region_id=F("project__region_id"),
            departement_id=F("project__departement_id"),
            # NULL for a review whose criteria are all "sans objet".
            units=Func(
                F("total"),
                template=f"CAST(ROUND(%(expressions)s * {UNIT}) AS BIGINT)",
                output_field=IntegerField(),
            ),
            exact=Func(
                F("total_numerator"),
                F("total_denominator"),
                template="CAST(%(expressions)s AS TEXT)",
                arg_joiner=" AS TEXT) || '/' || CAST(",
                output_field=TextField(),
            ),
        )
        .order_by()
        .values_list(*_COLUMNS)
    )


def _compile(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


@functools.cache
def _compiled(vendor: str) -> tuple[str, tuple]:
    """The reviews that count, compiled once per database kind: the queryset holds no value
    of its own (only the status constants), and compiling it costs about a millisecond."""
    return _compile(_counted_queryset())


# Stands for the project's id in the statement compiled once for any project (no real id is
# negative).
_ANY_PROJECT = -7_654_321_987


@functools.cache
def _compiled_for_project(vendor: str) -> tuple[str, tuple]:
    """The reviews that count of one project, compiled once per database kind with a stand-in
    for the project's id (`_ANY_PROJECT`), replaced by the real one at each use: a write's
    refresh and a project's pages read it several times each."""
    return _compile(_counted_queryset().filter(project_id=_ANY_PROJECT))


def calls_in(column: str, call_ids: list[int] | None) -> tuple[str, list]:
    """A WHERE fragment restricting `column` to the given calls: None is every call, an empty
    list none."""
    if call_ids is None:
        return "1 = 1", []
    if not call_ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(call_ids))})", list(call_ids)


def counted_reviews_sql(
    *,
    project_id: int | None = None,
    call_id: int | None = None,
    call_ids=None,
) -> tuple[str, list]:
    """(SQL, params) of the reviews that count (`Assessment.objects.counted_reviews()`),
    restricted to one project, one call or a list of calls (None: every call), with the
    columns of `_COLUMNS`: the review's total exactly and in units (NULL when every criterion
    is "sans objet"), its project's call and territory."""
    sql, params = _compiled(connection.vendor)
    conditions, values = [], []
    if project_id is not None:
        # Inside the statement, where both databases use the project's index: SQLite does
        # not push an outer condition into this subquery (a write's refresh would read the
        # whole table).
        sql, params = _compiled_for_project(connection.vendor)
        params = tuple(project_id if value == _ANY_PROJECT else value for value in params)
    if call_id is not None:
        conditions.append("counted.call_id = %s")
        values.append(call_id)
    if call_ids is not None:
        clause, ids = calls_in("counted.call_id", call_ids)
        conditions.append(clause)
        values.extend(ids)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT * FROM ({sql}) counted{where}", [*params, *values]


def list_of(column: str) -> str:
    """An aggregate gathering a group's integers as one comma-separated text (read back with
    `integers`): the same result on both databases."""
    if connection.vendor == "postgresql":
        return f"STRING_AGG(CAST({column} AS TEXT), ',')"
    return f"GROUP_CONCAT({column}, ',')"


def integers(text: str | None) -> list[int]:
    return [int(item) for item in text.split(",")] if text else []


def fractions(text: str | None) -> list[Fraction]:
    """Exact values gathered as "n/d,n/d,…" (`list_of` over `exact`), as Fractions."""
    if not text:
        return []
    # int() pairs rather than Fraction("n/d"), which parses each with a regular expression.
    pairs = (item.partition("/") for item in text.split(","))
    return [Fraction(int(n), int(d or 1)) for n, _slash, d in pairs]


def fraction(text: str | None) -> Fraction | None:
    """One exact value stored as text ("n/d"; "" or None: no value)."""
    return Fraction(text) if text else None


def fetch_dicts(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
