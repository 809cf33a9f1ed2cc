"""The table of API routes: `@route("GET", "/v1/customers/(?P<customer_id>[^/]+)")`."""

import re
from collections.abc import Callable

ROUTES: list[tuple[str, re.Pattern, Callable]] = []


def route(method: str, pattern: str):
    def register(handler: Callable) -> Callable:
        ROUTES.append((method, re.compile(f"^{pattern}$"), handler))
        return handler

    return register


def resolve(method: str, path: str) -> tuple[Callable, dict] | None:
    for route_method, pattern, handler in ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            return handler, match.groupdict()
    return None
