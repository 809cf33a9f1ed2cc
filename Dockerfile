# The app only (see .dockerignore): no tests, benchmarks, local Stripe server, .env or var/.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Optional extras: `--build-arg EXTRAS=s3` adds django-storages for S3-compatible media.
ARG EXTRAS=""
COPY pyproject.toml README.md ./
COPY newsroom newsroom
COPY articles articles
COPY support support
COPY accounts accounts
RUN pip install ".${EXTRAS:+[$EXTRAS]}"

COPY . .
# Static files are collected (hashed and compressed) into the image at build time.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build SITE_URL=http://build \
    DEFAULT_FROM_EMAIL=build@localhost DEBUG=0 python manage.py collectstatic --noinput

# The app runs as an unprivileged user that owns only var/ (media and nothing else).
RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin newsroom \
    && mkdir -p var/media /srv/static && chown newsroom:newsroom var var/media /srv/static
USER newsroom
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi:application", "--bind", "0.0.0.0:8000"]
