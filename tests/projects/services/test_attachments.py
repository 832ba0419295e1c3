"""Attachments: only PDF files, stored under names the server chooses."""

import pytest
from django.core.exceptions import ValidationError

from projects import services
from projects.models import MAX_ATTACHMENT_BYTES, Attachment
from tests.factories import ProjectFactory
from tests.projects.helpers import upload
from tests.projects.matrix import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_pdf_is_stored_under_a_server_generated_name():
    project = ProjectFactory()

    attachment = services.attachment_add(
        project=project, uploaded_file=upload("Budget 2026.pdf", PDF_BYTES), by=project.owner
    )

    assert attachment.original_name == "Budget 2026.pdf"
    assert attachment.file.name.startswith(f"projects/{project.pk}/")
    assert "Budget" not in attachment.file.name
    assert attachment.file.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"juste du texte", "n'est pas un PDF"),
        ("programme.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "n'est pas un PDF"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "n'est pas un PDF"),
        ("image.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "n'est pas un PDF"),
        ("vide.pdf", b"", "vide"),
    ],
)
def test_files_that_are_not_pdf_are_refused_whatever_their_extension(name, content, message):
    project = ProjectFactory()

    with pytest.raises(ValidationError, match=message):
        services.attachment_add(
            project=project, uploaded_file=upload(name, content), by=project.owner
        )

    assert not Attachment.objects.exists()


def test_file_over_ten_megabytes_is_refused():
    project = ProjectFactory()
    too_big = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF_BYTES))

    with pytest.raises(ValidationError, match="10 Mo"):
        services.attachment_add(
            project=project, uploaded_file=upload("gros.pdf", too_big), by=project.owner
        )


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "/tmp/x.pdf"])
def test_file_name_with_a_path_is_refused(name):
    project = ProjectFactory()
    uploaded = upload("x.pdf", PDF_BYTES)
    # Bypass UploadedFile's own basename(): the service must not rely on its caller for this.
    uploaded._name = name

    with pytest.raises(ValidationError, match="chemin"):
        services.attachment_add(project=project, uploaded_file=uploaded, by=project.owner)


def test_display_name_never_carries_a_path_or_control_characters():
    assert services.clean_display_name("../../a\x00b\n.exe") == "ab.pdf"
    assert services.clean_display_name("C:\\docs\\rapport.PDF") == "rapport.pdf"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not really a pdf", "illisible"),
        (
            PDF_BYTES.replace(
                b"/Type /Catalog",
                b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            ),
            "contenu actif",
        ),
        (
            PDF_BYTES.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /Launch >>"),
            "contenu actif",
        ),
    ],
)
def test_unreadable_or_active_pdfs_are_refused(content, message):
    project = ProjectFactory()

    with pytest.raises(ValidationError, match=message):
        services.attachment_add(
            project=project, uploaded_file=upload("piege.pdf", content), by=project.owner
        )

    assert not project.attachments.exists()
