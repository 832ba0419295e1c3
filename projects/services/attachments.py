"""Attachments: PDFs only, checked by content, stored under server-made names."""

import io
import logging
import os
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from accounts.models import User
from accounts.services import audit_record
from projects.models import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    Project,
)
from projects.services.submissions import require_editable

PDF_MAGIC = b"%PDF-"
# What a document for reviewers never needs and a hostile one uses: scripts, actions that
# launch programs, embedded files.
ACTIVE_CONTENT = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")

logger = logging.getLogger(__name__)


class PdfNotAnonymisable(Exception):
    """The stored file cannot be read as a PDF, so it cannot be served without its metadata."""


def pdf_without_metadata(file) -> bytes:
    """The PDF rewritten without what names its author: the document information dictionary
    (/Author, /Creator, /Producer, /Title…), the XMP metadata of the document and of its pages,
    and the applications' private data (/PieceInfo). Used for blind mode, where the holder's
    identity must not reach reviewers."""
    try:
        reader = PdfReader(file)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer._root_object
        for key in ("/Metadata", "/PieceInfo"):
            root.pop(NameObject(key), None)
        for page in writer.pages:
            for key in ("/Metadata", "/PieceInfo"):
                page.pop(NameObject(key), None)
        output = io.BytesIO()
        writer.write(output)
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        logger.warning("PDF not anonymisable: %s", error)
        raise PdfNotAnonymisable from error
    return output.getvalue()


def clean_display_name(name: str) -> str:
    """The client's file name reduced to a harmless label: no directory, no control
    characters, at most 150 characters, always ending in .pdf."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem, _ext = os.path.splitext(name)
    stem = stem[:140] or "document"
    return f"{stem}.pdf"


def attachment_problems(uploaded_file) -> list[str]:
    problems = []
    name = uploaded_file.name or ""
    if "/" in name or "\\" in name or name.startswith(".."):
        problems.append(_("Le nom du fichier ne doit pas contenir de chemin."))
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        problems.append(_("Le fichier dépasse 10 Mo."))
    if uploaded_file.size == 0:
        problems.append(_("Le fichier est vide."))
    uploaded_file.seek(0)
    head = uploaded_file.read(len(PDF_MAGIC))
    uploaded_file.seek(0)
    # The content decides, never the extension or the browser's content type.
    if head != PDF_MAGIC:
        problems.append(_("Le fichier n'est pas un PDF : seuls les PDF sont acceptés."))
        return problems
    content = uploaded_file.read()
    uploaded_file.seek(0)
    if any(marker in content for marker in ACTIVE_CONTENT):
        problems.append(
            _(
                "Le PDF contient du contenu actif (script, lancement de programme ou fichier "
                "joint) : enregistrez-le à nouveau en PDF simple (« Imprimer en PDF »)."
            )
        )
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            problems.append(
                _("Le PDF est protégé par un mot de passe : déposez une version non protégée.")
            )
        else:
            len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError):
        problems.append(_("Le PDF est illisible ou endommagé : enregistrez-le à nouveau."))
    return problems


@transaction.atomic
def attachment_add(*, project: Project, uploaded_file, by: User) -> Attachment:
    """Store a PDF under a server-generated name after checking its content and size."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_editable(project)
    problems = attachment_problems(uploaded_file)
    if problems:
        raise ValidationError(problems, code="attachment")
    attachment = Attachment(
        project=project,
        original_name=clean_display_name(uploaded_file.name),
        size=uploaded_file.size,
        uploaded_by=by,
    )
    attachment.file.save("upload.pdf", uploaded_file, save=False)
    # The file is on disk before the row: remove it again if the row cannot be saved.
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: User) -> None:
    require_editable(attachment.project)
    storage, name = attachment.file.storage, attachment.file.name
    audit_record(
        actor=by,
        action="attachment.delete",
        obj=attachment.project,
        before={"attachment": attachment.pk, "name": attachment.original_name},
    )
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
