"""The default database, from DATABASE_URL (a SQLite file next to the project without it),
with each engine's connection options."""

import os
from pathlib import Path

import dj_database_url


def default_database(*, base_dir: Path, prepared_statements: bool) -> dict:
    """The DATABASES["default"] entry; `prepared_statements`: PostgreSQL's, see below."""
    database = dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{base_dir / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if database["ENGINE"] == "django.db.backends.postgresql" and prepared_statements:
        # Parameters bound by the server, and a statement run five times on a connection
        # prepared there: PostgreSQL parses and analyses it once instead of on every request
        # (the scoring form's GET: 24 → 18 ms). Each run is still planned for its own
        # parameters (force_custom_plan): a generic plan, which PostgreSQL would otherwise
        # pick after five runs, read a call's reviews by a scan for the committee's 50
        # projects (4 → 72 ms at 20,000 projects). Off for a pooler in transaction mode that
        # cannot keep prepared statements (PgBouncer before 1.21).
        options = database.setdefault("OPTIONS", {})
        options.update(server_side_binding=True, prepare_threshold=5)
        options["options"] = (
            options.get("options", "") + " -c plan_cache_mode=force_custom_plan"
        ).strip()
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work during a write; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on the busy timeout instead of failing with "database is locked".
        database["CONN_MAX_AGE"] = 0
        database["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return database
