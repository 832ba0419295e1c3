"""The dossier's PDF files: downloaded before its transaction, stored as the project's
attachments within it."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.files.base import ContentFile

from integrations.models import ImportedDossier, ImportedFile
from projects.models import MAX_ATTACHMENT_BYTES, Attachment
from projects.services.attachments import attachment_problems, clean_display_name


def _allowed_file_url(url: str) -> bool:
    """Files come from Démarche numérique's storage over HTTPS (or from the API's own host)."""
    parsed = urlparse(url)
    api = urlparse(settings.DEMARCHES_API_URL)
    return parsed.scheme == "https" or (parsed.scheme == "http" and parsed.netloc == api.netloc)


def download_files(client, source, number: int, node: dict, counts: dict) -> list:
    """The dossier's files not imported yet that are readable PDFs: [(key, name, content)],
    downloaded before the dossier's transaction."""
    stored = set(
        ImportedFile.objects.filter(dossier__source=source, dossier__number=number).values_list(
            "key", flat=True
        )
    )
    found = []
    for champ in node.get("champs") or []:
        if not isinstance(champ, dict):
            continue
        for file in champ.get("files") or []:
            if not isinstance(file, dict):
                continue
            url = str(file.get("url") or "")
            name = str(file.get("filename") or "document.pdf")
            key = str(file.get("checksum") or f"{name}:{file.get('byteSize')}")[:200]
            if key in stored:
                continue
            stored.add(key)
            content = (
                client.download(url, max_bytes=MAX_ATTACHMENT_BYTES)
                if _allowed_file_url(url)
                else None
            )
            upload = ContentFile(content or b"", name=name.replace("/", "_")[:150] or "x.pdf")
            if content is None or attachment_problems(upload):
                counts["files_refused"] += 1
                continue
            found.append((key, name, content))
    return found


def store_files(dossier: ImportedDossier, files: list, counts: dict) -> None:
    for key, name, content in files:
        attachment = Attachment(
            project=dossier.project, original_name=clean_display_name(name), size=len(content)
        )
        attachment.file.save("upload.pdf", ContentFile(content), save=False)
        # The file is on disk before the row; if the dossier's transaction fails, its row
        # goes and the file stays as an orphan, as with uploads.
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        ImportedFile.objects.create(dossier=dossier, key=key, attachment=attachment)
        counts["files"] += 1
