import unicodedata

from django.db.models import Func, TextField


def normalise(text: str) -> str:
    """Lower-case, accent-free, hyphens and apostrophes as spaces: the same key on SQLite
    and PostgreSQL, without a database extension."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    for char in "-'’":
        bare = bare.replace(char, " ")
    return " ".join(bare.lower().split())


# Letters with accents (lower case) and the characters that join words, with what they fold
# to: one table for Python and for SQL, so that both sides of a search fold alike on SQLite
# and PostgreSQL without a database extension (unaccent needs CREATE EXTENSION).
_FOLD_FROM = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ-'’"
_FOLD_TO = "aaaaaaceeeeiiiinooooouuuuyy   "
_LIGATURES = (("œ", "oe"), ("æ", "ae"))
_TABLE = str.maketrans(_FOLD_FROM, _FOLD_TO)
SQLITE_FOLD = "evalis_fold"


def fold(text: str) -> str:
    """Lower case, without accents or ligatures, hyphens and apostrophes as spaces: how a
    search and the text searched are compared (`Folded` in SQL)."""
    folded = (text or "").lower().translate(_TABLE)
    for ligature, plain in _LIGATURES:
        folded = folded.replace(ligature, plain)
    return folded


def register_sqlite_fold(sender, connection, **kwargs):
    """`connection_created` receiver: SQLite has no translate() and its lower() knows only
    ASCII, so there the fold is the Python function itself."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)


class Folded(Func):
    """`fold()` in SQL: translate(lower(x)) on PostgreSQL, the registered function on SQLite."""

    output_field = TextField()
    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FOLD, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        sql = f"translate(lower({sql}), %s, %s)"
        params = [*params, _FOLD_FROM, _FOLD_TO]
        for ligature, plain in _LIGATURES:
            sql = f"replace({sql}, %s, %s)"
            params = [*params, ligature, plain]
        return sql, params
