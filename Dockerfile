# The ATMT application image: gunicorn serving Django, static files by whitenoise.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's Pango and HarfBuzz, a font, and gettext to compile the message catalogues;
# libvoikko1 and voikko-fi (Finnish morphology) for the entry quality check, which the PyPI
# libvoikko binding loads. Their copyright files under /usr/share/doc stay in the image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
        libvoikko1 voikko-fi \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/run.txt requirements/run.txt
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/run.txt

COPY . .
# Placeholder values for the build only (collectstatic touches no database and signs nothing);
# the real ones come from the env file when the container runs.
RUN ATMT_ENV=production ALLOWED_HOSTS=build SECRET_KEY=build-only-placeholder-never-used-to-sign-anything-000000 \
        IDENTITY_CODE_HASH_KEY=build-only \
        STATIC_ROOT=/app/staticfiles python manage.py collectstatic --no-input -v 0 \
    && python manage.py compilemessages -v 0 \
    && useradd --system --no-create-home atmt \
    && mkdir -p /app/var/consent-scans /app/var/log-anchor \
    && chown atmt /app/var/consent-scans /app/var/log-anchor

ENV STATIC_ROOT=/app/staticfiles \
    CONSENT_SCAN_ROOT=/app/var/consent-scans
USER atmt
EXPOSE 8000
# No migrate here: the app's database role may not change the schema. The owner migrates first
# (docker-compose.yml's `migrate` service; README, "Database roles").
CMD ["sh", "-c", "exec gunicorn atmt.wsgi --config gunicorn.conf.py --bind 0.0.0.0:8000 --workers 3 --no-control-socket --access-logfile -"]
