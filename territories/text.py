import unicodedata


def normalise(text: str) -> str:
    """Lower-case, accent-free, hyphens and apostrophes as spaces: the same key on SQLite
    and PostgreSQL, without a database extension."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    for char in "-'’":
        bare = bare.replace(char, " ")
    return " ".join(bare.lower().split())
