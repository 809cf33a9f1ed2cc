"""Answer 503 "back soon" while the database is unreachable, instead of a bare 500."""

import logging

from django.db import InterfaceError, OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def _database_unreachable(exc: Exception) -> bool:
    # A refused, dropped or shut-down connection; other DatabaseErrors (a bad query)
    # remain real bugs and get the 500 page.
    return isinstance(exc, OperationalError | InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _database_unreachable(exception):
            return None
        logger.error("Database unreachable while serving %s", request.path, exc_info=exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
