"""The table of API routes: `@route("GET", "/v1/customers/(?P<customer_id>[^/]+)", params=...)`.

`params` names the stripe-python request type of the endpoint (e.g.
"checkout.SessionCreateParams", see sdk_params.py); every request is checked against it.
"""

import re
from collections.abc import Callable

ROUTES: list[tuple[str, re.Pattern, Callable]] = []


def route(method: str, pattern: str, params: str):
    def register(handler: Callable) -> Callable:
        handler.sdk_params = params
        ROUTES.append((method, re.compile(f"^{pattern}$"), handler))
        return handler

    return register


def resolve(method: str, path: str) -> tuple[Callable, dict] | None:
    for route_method, pattern, handler in ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            return handler, match.groupdict()
    return None
