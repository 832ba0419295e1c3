"""Database triggers that refuse any change to a published grid version's numbers or set of
criteria, whoever writes: the services, the admin, a shell or raw SQL. Labels, descriptions and
guiding questions stay writable for audited typo fixes. Both raise an integrity error."""

from django.db import migrations

MESSAGE = "grid version is published: its numbers and criteria cannot change"

CRITERION_LOCKED = (
    "version_id",
    "axis_id",
    "code",
    "kind",
    "weight",
    "scale_min",
    "scale_max",
    "allows_not_applicable",
    "threshold",
    "position",
    "derived_from_id",
)
AXIS_LOCKED = ("version_id", "code", "position")
LEVEL_LOCKED = ("criterion_id", "value")

PUBLISHED = "(SELECT status FROM grid_gridversion WHERE id = {ref}) <> 'draft'"
LEVEL_PUBLISHED = (
    "(SELECT v.status FROM grid_gridversion v JOIN grid_criterion c ON c.version_id = v.id "
    "WHERE c.id = {ref}) <> 'draft'"
)

# (table, published-condition template, version reference column, locked columns)
TABLES = [
    ("grid_criterion", PUBLISHED, "version_id", CRITERION_LOCKED),
    ("grid_axis", PUBLISHED, "version_id", AXIS_LOCKED),
    ("grid_scalelevel", LEVEL_PUBLISHED, "criterion_id", LEVEL_LOCKED),
]


def sqlite_statements():
    for table, published, ref, locked in TABLES:
        changed = " OR ".join(f"NEW.{col} IS NOT OLD.{col}" for col in locked)
        yield (
            f"CREATE TRIGGER {table}_published_update BEFORE UPDATE ON {table} "
            f"WHEN {published.format(ref='OLD.' + ref)} AND ({changed}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        yield (
            f"CREATE TRIGGER {table}_published_insert BEFORE INSERT ON {table} "
            f"WHEN {published.format(ref='NEW.' + ref)} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    yield (
        "CREATE TRIGGER grid_gridversion_published_update BEFORE UPDATE ON grid_gridversion "
        "WHEN OLD.status <> 'draft' AND (NEW.status = 'draft' OR NEW.grid_id IS NOT OLD.grid_id "
        "OR NEW.number IS NOT OLD.number) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def sqlite_reverse():
    for table, *_ in TABLES:
        yield f"DROP TRIGGER IF EXISTS {table}_published_update"
        yield f"DROP TRIGGER IF EXISTS {table}_published_insert"
    yield "DROP TRIGGER IF EXISTS grid_gridversion_published_update"


def postgresql_statements():
    for table, published, ref, locked in TABLES:
        new = ", ".join(f"NEW.{col}" for col in locked)
        old = ", ".join(f"OLD.{col}" for col in locked)
        yield f"""
CREATE FUNCTION {table}_published_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF {published.format(ref="NEW." + ref)} THEN
      RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
  ELSIF {published.format(ref="OLD." + ref)} AND ROW({new}) IS DISTINCT FROM ROW({old}) THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql"""
        yield (
            f"CREATE TRIGGER {table}_published_guard BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_published_guard()"
        )
    yield f"""
CREATE FUNCTION grid_gridversion_published_guard() RETURNS trigger AS $$
BEGIN
  IF OLD.status <> 'draft' AND (NEW.status = 'draft' OR NEW.grid_id IS DISTINCT FROM OLD.grid_id
      OR NEW.number IS DISTINCT FROM OLD.number) THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql"""
    yield (
        "CREATE TRIGGER grid_gridversion_published_guard BEFORE UPDATE ON grid_gridversion "
        "FOR EACH ROW EXECUTE FUNCTION grid_gridversion_published_guard()"
    )


def postgresql_reverse():
    for table, *_ in [*TABLES, ("grid_gridversion",)]:
        yield f"DROP TRIGGER IF EXISTS {table}_published_guard ON {table}"
        yield f"DROP FUNCTION IF EXISTS {table}_published_guard()"


STATEMENTS = {
    "sqlite": (sqlite_statements, sqlite_reverse),
    "postgresql": (postgresql_statements, postgresql_reverse),
}


def run(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"No immutability triggers written for {vendor}.")
    for statement in STATEMENTS[vendor][index]():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: run(schema_editor, 0),
            lambda apps, schema_editor: run(schema_editor, 1),
        )
    ]
