"""What every dashboard statement shares: the reviews that count as SQL, compiled from the
one ORM definition (`Assessment.objects.counted_reviews()`), and exact arithmetic helpers.

Every block is one SQL statement with GROUP BY, identical on SQLite and PostgreSQL:
- the median uses ROW_NUMBER/COUNT windows (both databases have them; SQLite has no
  PERCENTILE_CONT) and the standard deviation comes from Σx and Σx² (SQLite has no STDDEV);
- totals are summed as integer hundredths, so that means, medians and deviations are exact
  Decimals on both databases instead of floats on one and numerics on the other.

Raw SQL is used where the ORM cannot express a window inside an aggregate; every value reaches
it as a query parameter and every ORDER BY column comes from a fixed whitelist.
"""

import functools
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import F, Func, IntegerField

from projects.models import Assessment

TWO = Decimal("0.01")
ONE = Decimal("0.1")

# The columns of the `valid` CTE every statement starts from.
_COLUMNS = (
    "id",
    "project_id",
    "author_id",
    "coverage",
    "call_id",
    "region_id",
    "departement_id",
    "cents",
)


@functools.cache
def _compiled(vendor: str) -> tuple[str, tuple]:
    """The reviews that count, compiled once per database kind: the queryset holds no value
    of its own (only the status constants), and compiling it costs about a millisecond."""
    queryset = (
        Assessment.objects.counted_reviews()
        .annotate(
            call_id=F("project__call_id"),
            region_id=F("project__region_id"),
            departement_id=F("project__departement_id"),
            cents=Func(
                F("total"),
                template="CAST(ROUND(%(expressions)s * 100) AS INTEGER)",
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values_list(*_COLUMNS)
    )
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


def calls_in(column: str, call_ids: list[int] | None) -> tuple[str, list]:
    """A WHERE fragment restricting `column` to the given calls: None is every call, an empty
    list none."""
    if call_ids is None:
        return "1 = 1", []
    if not call_ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(call_ids))})", list(call_ids)


def counted_reviews_sql(
    *, project_id: int | None = None, call_id: int | None = None, call_ids=None
) -> tuple[str, list]:
    """(SQL, params) of the reviews that count (`Assessment.objects.counted_reviews()`),
    restricted to one project, one call or a list of calls (None: every call), with the
    columns of `_COLUMNS`: the review's total as integer hundredths (`cents`), its project's
    call and territory."""
    sql, params = _compiled(connection.vendor)
    conditions, values = [], []
    if project_id is not None:
        conditions.append("counted.project_id = %s")
        values.append(project_id)
    if call_id is not None:
        conditions.append("counted.call_id = %s")
        values.append(call_id)
    if call_ids is not None:
        clause, ids = calls_in("counted.call_id", call_ids)
        conditions.append(clause)
        values.extend(ids)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"SELECT * FROM ({sql}) counted{where}", [*params, *values]


def fetch_dicts(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def cents_mean(total, count) -> Decimal | None:
    """An exact mean of integer hundredths, rounded to two places."""
    if not count:
        return None
    return (Decimal(int(total)) / Decimal(int(count)) / 100).quantize(TWO, ROUND_HALF_UP)


def std_dev(s1, s2, count) -> Decimal | None:
    """Population standard deviation from Σx and Σx² (in hundredths), exact until the root."""
    if not count:
        return None
    n = Decimal(int(count))
    variance = (Decimal(int(s2)) / n - (Decimal(int(s1)) / n) ** 2) / 10000
    return max(variance, Decimal(0)).sqrt().quantize(TWO, ROUND_HALF_UP)


def rounded(value, places=TWO) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(places, ROUND_HALF_UP)
