"""Attachments: PDFs only, checked by content, stored under server-made names."""

import os
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import audit_record
from projects.models import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    Project,
)
from projects.services.submissions import require_editable

PDF_MAGIC = b"%PDF-"


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
        problems.append(_("Le fichier n'est pas un PDF : seuls les PDF sont acceptés."))
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
