FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint (PDF exports) draws text with Debian's Pango and HarfBuzz.
COPY scripts/pdf-libraries.sh ./scripts/
RUN bash scripts/pdf-libraries.sh && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY config ./config
COPY accounts ./accounts
COPY territories ./territories
COPY grid ./grid
COPY projects ./projects
COPY demo ./demo
RUN pip install --no-cache-dir .
COPY . .
# The translation catalogues are compiled here (they are not committed).
RUN python -m config.catalogues compile
# A throw-away key for this build step only (settings refuse short or public keys).
RUN DEBUG=0 SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput
RUN useradd --create-home evalis && mkdir -p /app/media && chown evalis /app/media
USER evalis
EXPOSE 8000
# gunicorn behind the reverse proxy (docker-compose.yml): request line and header limits,
# workers recycled now and then, slow clients timed out.
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn config.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_WORKERS:-3} --timeout 30 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200 --limit-request-line 8190 --limit-request-fields 100 --limit-request-field_size 8190 --access-logfile -"]
