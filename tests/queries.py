"""Counting queries: a page's number of queries must not grow with its data.

Every query-count test measures at two sizes of data, in one of two shapes:

- measure, add data, measure again expecting the first count::

      with count_queries() as small:
          client.get(url)
      ...  # more rows
      with count_queries(small.count):
          client.get(url)

- or, parametrised over two sizes, expect the same stated number at each::

      with count_queries(DASHBOARD_QUERIES[name]):
          client.get(url)
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Counted:
    """The number of queries run in a `count_queries` block, known once the block is over."""

    count: int | None = None


@contextmanager
def count_queries(expected: int | None = None) -> Iterator[Counted]:
    """Count the queries run in the block; with `expected`, fail unless exactly that many ran,
    listing them."""
    __tracebackhide__ = True
    counted = Counted()
    with CaptureQueriesContext(connection) as context:
        yield counted
    counted.count = len(context.captured_queries)
    if expected is not None and counted.count != expected:
        listing = "\n".join(
            f"{number}. {query['sql']}"
            for number, query in enumerate(context.captured_queries, start=1)
        )
        pytest.fail(f"{counted.count} queries where {expected} were expected:\n{listing}")
