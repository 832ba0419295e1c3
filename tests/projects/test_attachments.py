import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from projects.models import MAX_ATTACHMENT_BYTES, Attachment
from tests.factories import ProjectFactory, holder_user, user_with_role
from tests.projects.matrix import PDF_BYTES

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


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


def test_upload_through_the_page_rejects_an_executable_renamed_pdf(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    response = client.post(
        reverse("projects:attachment_upload", kwargs={"pk": project.pk}),
        {"file": upload("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100)},
    )

    assert response.status_code == 200
    assert "seuls les PDF sont acceptés" in response.content.decode()
    assert not Attachment.objects.exists()


def test_holder_downloads_as_an_attachment(client):
    project = ProjectFactory()
    attachment = services.attachment_add(
        project=project, uploaded_file=upload("budget.pdf", PDF_BYTES), by=project.owner
    )
    client.force_login(project.owner)

    response = client.get(reverse("projects:attachment_download", kwargs={"pk": attachment.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_another_holder_can_neither_see_nor_download(client):
    project = ProjectFactory(submitted=True)
    attachment = services.attachment_add(
        project=ProjectFactory(owner=project.owner, organisation=project.organisation),
        uploaded_file=upload("budget.pdf", PDF_BYTES),
        by=project.owner,
    )
    client.force_login(holder_user())

    assert (
        client.get(reverse("projects:project_detail", kwargs={"pk": project.pk})).status_code == 403
    )
    download = reverse("projects:attachment_download", kwargs={"pk": attachment.pk})
    assert client.get(download).status_code == 403


def test_funder_of_another_call_cannot_download(client):
    project = ProjectFactory(submitted=True)
    attachment = Attachment.objects.create(
        project=project, file="projects/x.pdf", original_name="x.pdf", size=10
    )
    client.force_login(user_with_role("funder"))

    response = client.get(reverse("projects:attachment_download", kwargs={"pk": attachment.pk}))

    assert response.status_code == 403


def test_funder_of_the_call_downloads_once_submitted(client):
    project = ProjectFactory()
    attachment = services.attachment_add(
        project=project, uploaded_file=upload("budget.pdf", PDF_BYTES), by=project.owner
    )
    funder = user_with_role("funder", organisation=project.call.funder)
    client.force_login(funder)
    url = reverse("projects:attachment_download", kwargs={"pk": attachment.pk})

    assert client.get(url).status_code == 403  # still a draft
    project.status, project.submitted_at = "submitted", project.created_at
    project.save()
    assert client.get(url).status_code == 200


def test_path_sent_by_the_browser_never_reaches_the_file_system(client, settings):
    project = ProjectFactory()
    client.force_login(project.owner)
    boundary = "XyZ"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../../../tmp/evil.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )

    client.post(
        reverse("projects:attachment_upload", kwargs={"pk": project.pk}),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    attachment = Attachment.objects.get()
    assert attachment.original_name == "evil.pdf"
    stored = (settings.MEDIA_ROOT / attachment.file.name).resolve()
    assert stored.is_relative_to(settings.MEDIA_ROOT.resolve())
