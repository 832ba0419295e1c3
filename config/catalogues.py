"""The translation catalogues (locale/<language>/LC_MESSAGES/*.po): compiled to .mo files by
the project's own set-up (`make install`, the Dockerfile, the test session), with Babel, so
that no GNU gettext is needed to run the project; and the list of what is left to translate.

    python -m config.catalogues compile   # .po → .mo (only those older than their .po)
    python -m config.catalogues missing   # untranslated or fuzzy messages; exit status 1 if any

Extracting the messages (`make messages`) uses Django's makemessages, which needs GNU gettext.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_files(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def read_catalogue(path: Path):
    with open(path, "rb") as handle:
        return read_po(handle, locale=path.parent.parent.name)


def compile_catalogues(locale_dir: Path = LOCALE_DIR, force: bool = False) -> list[Path]:
    """Write each catalogue's .mo beside its .po when missing or older; returns those written.
    Fuzzy translations are left out, as msgfmt does."""
    written = []
    for po_path in catalogue_files(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = read_catalogue(po_path)
        # Written aside then renamed: a test process reading it never sees half a file.
        partial = mo_path.with_suffix(".mo.partial")
        with open(partial, "wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        partial.replace(mo_path)
        written.append(mo_path)
    return written


def missing_translations(locale_dir: Path = LOCALE_DIR) -> list[tuple[Path, str, str]]:
    """(catalogue, where, msgid) for every message without a translation or marked fuzzy."""
    missing = []
    for po_path in catalogue_files(locale_dir):
        for message in read_catalogue(po_path):
            if not message.id:
                continue  # the header
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                where = ", ".join(
                    f"{file}:{line}" if line else file for file, line in message.locations[:2]
                )
                missing.append((po_path, where, msgid))
    return missing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "compile":
        for path in compile_catalogues(force="--force" in argv):
            print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
        return 0
    if command == "missing":
        missing = missing_translations()
        for po_path, where, msgid in missing:
            print(f"{po_path.relative_to(LOCALE_DIR.parent)}  {where}\n    {msgid!r}")
        print(f"{len(missing)} message(s) to translate", file=sys.stderr)
        return 1 if missing else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
