"""Importing a démarche's dossiers into a call (services). The funder connects the démarche
(number and token, checked against the API), maps its champs to the project's fields once,
then imports in the background (the `demarche_import` task): incremental since the last
import (`updatedSince`), idempotent on the dossier number (an updated dossier updates its
project, a deleted one withdraws it, nothing is duplicated), PDF files as attachments, the
holder organisation matched or created from the demandeur's SIRET.

By module: `sources` (connect, map, queue), `runs` (the background import), `dossiers` (one
dossier into one project), `holders` (its organisation and account), `files` (its PDFs)."""

# `demarche_import` is also named here because tasks queued before the split stored its path
# as integrations.importer.demarche_import.

from integrations.importer.runs import demarche_import, demarche_import_run
from integrations.importer.sources import (
    demarche_import_queue,
    demarche_source_connect,
    demarche_source_map,
)

__all__ = [
    "demarche_import",
    "demarche_import_queue",
    "demarche_import_run",
    "demarche_source_connect",
    "demarche_source_map",
]
