"""Errors answered in Stripe's own `{"error": {...}}` shape."""

DOC_URL = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    status = 400
    type = "invalid_request_error"

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param

    def body(self) -> dict:
        error = {"type": self.type, "code": self.code, "message": self.message, "param": self.param}
        if self.code:
            error["doc_url"] = DOC_URL + self.code.replace("_", "-")
        return {"error": error}


class InvalidRequest(StripeError):
    pass


class AuthenticationError(StripeError):
    status = 401


class NotFound(StripeError):
    status = 404


class IdempotencyError(StripeError):
    type = "idempotency_error"


class CardError(StripeError):
    status = 402
    type = "card_error"

    def __init__(self, message: str, *, code: str = "card_declined", decline_code=None):
        super().__init__(message, code=code)
        self.decline_code = decline_code

    def body(self) -> dict:
        body = super().body()
        if self.decline_code:
            body["error"]["decline_code"] = self.decline_code
        return body


def missing(param: str) -> InvalidRequest:
    return InvalidRequest(
        f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def unknown(param: str) -> InvalidRequest:
    return InvalidRequest(
        f"Received unknown parameter: {param}", code="parameter_unknown", param=param
    )


def no_such(kind: str, object_id: str, param: str = "id", status: int = 404) -> StripeError:
    cls = NotFound if status == 404 else InvalidRequest
    return cls(f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def not_implemented(param: str) -> InvalidRequest:
    """A parameter valid at the pinned API version that stripe_testserver does not support."""
    return InvalidRequest(
        f"stripe_testserver does not implement the parameter {param} (Stripe accepts it at "
        "this API version; this local test server does not).",
        param=param,
    )
