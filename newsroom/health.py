"""Reachability of the services the site depends on."""

import logging

from django.db import connection

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("database unreachable", exc_info=True)
        return "unreachable"
    return "ok"


def broker_status() -> str:
    from django.conf import settings

    from newsroom.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0.5, timeout=3)
    except Exception:
        logger.warning("broker unreachable", exc_info=True)
        return "unreachable"
    return "ok"


def service_statuses() -> dict[str, str]:
    return {"database": database_status(), "broker": broker_status()}
