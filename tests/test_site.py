import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_or_style(client):
    html = client.get(reverse("accounts:signup")).content.decode()

    assert "<style" not in html
    assert " style=" not in html
    assert all('src="' in tag for tag in html.split("<script")[1:])


def test_english_browsers_get_french_pages_and_date_formats(client):
    from django.utils import timezone

    from grid.models import GridVersion
    from tests.factories import UserFactory

    published = timezone.localtime(GridVersion.objects.get(number=1).published_at)
    client.force_login(UserFactory(administrator=True))

    html = client.get(reverse("grid:grid_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    html = html.decode()

    assert '<html lang="fr">' in html
    assert published.strftime("%d/%m/%Y") in html
