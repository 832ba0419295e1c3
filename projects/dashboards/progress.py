"""A call's review progress: reviews done / expected, in total and per reviewer."""

from fractions import Fraction

from projects.dashboards.sql import fetch_dicts

# The reviewers' summaries (`projects.models.summaries`), maintained on write: one row per
# reviewer with a standing assignment, whatever the number of projects.
PROGRESS_SQL = """
SELECT u.id AS reviewer_id, u.full_name, u.email, s.expected, s.done
FROM projects_reviewersummary s
JOIN accounts_user u ON u.id = s.reviewer_id
WHERE s.call_id = %s AND s.expected > 0
ORDER BY u.full_name, u.id
"""


def call_progress(*, call) -> dict:
    """Assessments done / expected for the call, in total and per reviewer (one query).

    Expected: assignments still standing (not conflicted, not recused) on visible projects;
    done: those with a review that counts (one whose criteria are all "sans objet" included).
    `share` is done ÷ expected, exact (rounded at display). Read from the reviewers'
    summaries (`dashboards.summaries.REVIEWER_SUMMARY_SQL` says how they are computed)."""
    reviewers = fetch_dicts(PROGRESS_SQL, [call.pk])
    expected = sum(row["expected"] for row in reviewers)
    done = sum(row["done"] for row in reviewers)
    return {
        "reviewers": reviewers,
        "expected": expected,
        "done": done,
        "share": Fraction(done, expected) if expected else None,
    }
