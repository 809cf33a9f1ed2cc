FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY newsroom newsroom
COPY articles articles
COPY support support
RUN pip install --no-cache-dir .

COPY . .
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DEFAULT_FROM_EMAIL=build@localhost DEBUG=0 python manage.py collectstatic --noinput

RUN useradd --create-home newsroom && mkdir -p var/media && chown -R newsroom var
USER newsroom
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi:application", "--bind", "0.0.0.0:8000"]
