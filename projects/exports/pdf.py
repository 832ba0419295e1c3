"""PDFs rendered by WeasyPrint from HTML templates (`templates/projects/exports/pdf_*.html`)
with their own stylesheet (`static/css/pdf.css`): A4, French typography (the document's
language is French, so words are hyphenated the French way; spaces before « : ; ! ? » and
inside « guillemets » are non-breaking in the templates), page numbers in the margin."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string

STYLESHEET = "css/pdf.css"


def render_pdf(template: str, context: dict, request=None) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF views need.
    from weasyprint import CSS, HTML  # noqa: PLC0415

    html = render_to_string(template, context, request=request)
    stylesheet = finders.find(STYLESHEET)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=stylesheet)]
    )


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
