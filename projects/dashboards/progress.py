"""A call's review progress: reviews done / expected, in total and per reviewer."""

from fractions import Fraction

from projects.dashboards.sql import counted_reviews_sql, fetch_dicts
from projects.models import EXCLUDED_ASSIGNMENT_STATES, HIDDEN_PROJECT_STATUSES

PROGRESS_SQL = """
WITH valid AS ({valid})
-- One assignment per (project, reviewer), one review per (project, author): plain counts.
SELECT u.id AS reviewer_id, u.full_name, u.email, COUNT(*) AS expected, COUNT(v.id) AS done
FROM projects_assignment g
JOIN projects_project p ON p.id = g.project_id
JOIN accounts_user u ON u.id = g.reviewer_id
LEFT JOIN valid v ON v.project_id = g.project_id AND v.author_id = g.reviewer_id
WHERE p.call_id = %s AND p.status NOT IN (%s, %s) AND g.state NOT IN (%s, %s)
GROUP BY u.id, u.full_name, u.email
ORDER BY u.full_name, u.id
"""


def call_progress(*, call) -> dict:
    """Assessments done / expected for the call, in total and per reviewer (one query).

    Expected: assignments still standing (not conflicted, not recused) on visible projects;
    done: those with a review that counts (one whose criteria are all "sans objet" included).
    `share` is done ÷ expected, exact (rounded at display)."""
    valid, params = counted_reviews_sql(call_id=call.pk)
    sql = PROGRESS_SQL.format(valid=valid)
    reviewers = fetch_dicts(
        sql, [*params, call.pk, *HIDDEN_PROJECT_STATUSES, *EXCLUDED_ASSIGNMENT_STATES]
    )
    expected = sum(row["expected"] for row in reviewers)
    done = sum(row["done"] for row in reviewers)
    return {
        "reviewers": reviewers,
        "expected": expected,
        "done": done,
        "share": Fraction(done, expected) if expected else None,
    }
