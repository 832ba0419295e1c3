"""A cheap fingerprint of the whole database, to assert that a refused request wrote nothing.

Checksumming every table before and after each of the battery's thousands of requests would
cost more than the requests (the territories alone are tens of thousands of rows). Instead,
`install()` puts a row-level trigger on every table that counts the rows inserted, updated or
deleted, per table, in a small side table; a fingerprint is one read of that table. Everything
is created inside the test's transaction, so it disappears with it and no other test sees a
trigger. A write undone by a savepoint rollback is undone in the counters too.
"""

from django.db import connection

COUNTS = "fingerprint_changes"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def install() -> None:
    """Count every row change in every table from now until the end of the transaction."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE {COUNTS} (tbl text PRIMARY KEY, n bigint NOT NULL)")
            # A function in pg_temp disappears with the session too: nothing is left behind.
            cursor.execute(
                "CREATE FUNCTION pg_temp.fingerprint_count() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN UPDATE {COUNTS} SET n = n + 1 WHERE tbl = TG_TABLE_NAME; "
                "RETURN NULL; END $$"
            )
        else:
            cursor.execute(f"CREATE TEMP TABLE {COUNTS} (tbl text PRIMARY KEY, n integer NOT NULL)")
        for table in tables:
            cursor.execute(f"INSERT INTO {COUNTS} (tbl, n) VALUES (%s, 0)", [table])
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE TRIGGER fingerprint_count AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {_quote(table)} FOR EACH ROW EXECUTE FUNCTION pg_temp.fingerprint_count()"
                )
                continue
            for operation in ("INSERT", "UPDATE", "DELETE"):
                # SQLite: a TEMP trigger may watch a main table and write a temp one.
                cursor.execute(
                    f"CREATE TEMP TRIGGER {_quote(f'fp_{table}_{operation}')} AFTER {operation} "
                    f"ON main.{_quote(table)} BEGIN UPDATE {COUNTS} SET n = n + 1 "
                    f"WHERE tbl = '{table}'; END"
                )


def take() -> dict[str, int]:
    """Rows changed so far, per table (tables without a change left out)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tbl, n FROM {COUNTS} WHERE n > 0")
        return dict(cursor.fetchall())


def changed(before: dict[str, int], after: dict[str, int], ignore=()) -> list[str]:
    """The tables whose rows changed between two fingerprints, except those in `ignore`
    (table names, or prefixes ending in "_")."""

    def ignored(table):
        return any(
            table == name or (name.endswith("_") and table.startswith(name)) for name in ignore
        )

    return sorted(
        table
        for table in set(before) | set(after)
        if before.get(table, 0) != after.get(table, 0) and not ignored(table)
    )
