"""Decode Stripe's nested form encoding and clean parameters with the server's own schema.

`line_items[0][price_data][currency]=usd` becomes `{"line_items": {"0": {...}}}`. Names and
kinds are first checked against stripe-python's request types (sdk_params.py); the schema
here then turns numbered hashes into lists, converts scalars and checks what the server
implements, with Stripe's messages ("Missing required param: ..."). A parameter that Stripe
accepts but this server does not implement is refused with a message that says so.
"""

import re
from urllib.parse import parse_qsl, urlsplit

from .errors import InvalidRequest, missing, not_implemented

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def parse_form(text: str) -> dict:
    params: dict = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        _insert(params, _split_key(key), value, key)
    return params


def _split_key(key: str) -> list[str]:
    head, bracket, rest = key.partition("[")
    if not bracket:
        return [key]
    rest = "[" + rest
    segments = _SEGMENT.findall(rest)
    if "".join(f"[{s}]" for s in segments) != rest:
        raise InvalidRequest(f"Invalid parameter name: {key}", param=key)
    return [head, *segments]


def _insert(params: dict, segments: list[str], value: str, key: str) -> None:
    node = params
    for i, segment in enumerate(segments):
        if segment == "":
            segment = str(len(node))
        last = i == len(segments) - 1
        if last:
            if isinstance(node.get(segment), dict):
                raise InvalidRequest(f"Invalid hash: {key}", param=key)
            node[segment] = value
            return
        child = node.setdefault(segment, {})
        if not isinstance(child, dict):
            raise InvalidRequest(f"Invalid hash: {key}", param=key)
        node = child


def child_path(path: str, name: str) -> str:
    return f"{path}[{name}]" if path else name


class Spec:
    def clean(self, value, path: str):
        raise NotImplementedError


class Str(Spec):
    def __init__(self, max_length: int = 5000, choices: tuple[str, ...] = ()):
        self.max_length = max_length
        self.choices = choices

    def clean(self, value, path):
        if not isinstance(value, str):
            raise InvalidRequest(f"Invalid string: {path} must be a string", param=path)
        if value == "":
            return None
        if self.choices and value not in self.choices:
            options = ", ".join(self.choices[:-1]) + f", or {self.choices[-1]}"
            raise InvalidRequest(f"Invalid {path}: must be one of {options}", param=path)
        if len(value) > self.max_length:
            raise InvalidRequest(
                f"Invalid string: {value[:20]}...; must be at most {self.max_length} characters",
                code="string_length_exceeds_maximum",
                param=path,
            )
        return value


class Int(Spec):
    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value, path):
        if value == "":
            return None
        if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
            raise InvalidRequest(
                f"Invalid integer: {value}", code="parameter_invalid_integer", param=path
            )
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            raise InvalidRequest(
                f"This value must be greater than or equal to {self.minimum}.", param=path
            )
        if self.maximum is not None and number > self.maximum:
            raise InvalidRequest(
                f"This value must be less than or equal to {self.maximum}.", param=path
            )
        return number


class Bool(Spec):
    def clean(self, value, path):
        if value in ("true", "false"):
            return value == "true"
        if value == "":
            return None
        raise InvalidRequest(f"Invalid boolean: {value}", param=path)


class Url(Str):
    def clean(self, value, path):
        value = super().clean(value, path)
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InvalidRequest("Not a valid URL", code="url_invalid", param=path)
        return value


class Email(Str):
    def clean(self, value, path):
        value = super().clean(value, path)
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise InvalidRequest(
                f"Invalid email address: {value}", code="email_invalid", param=path
            )
        return value


class Obj(Spec):
    def __init__(self, fields: dict[str, Spec], required: tuple[str, ...] = ()):
        self.fields = fields
        self.required = required

    def clean(self, value, path):
        if value == "" and path:
            return None
        if not isinstance(value, dict):
            raise InvalidRequest(f"Invalid object: {path}", param=path)
        cleaned = {}
        for name, raw in value.items():
            spec = self.fields.get(name)
            if spec is None:
                raise not_implemented(child_path(path, name))
            result = spec.clean(raw, child_path(path, name))
            if result is not None:
                cleaned[name] = result
        for name in self.required:
            if name not in cleaned:
                raise missing(child_path(path, name))
        return cleaned


class List(Spec):
    def __init__(self, item: Spec, max_items: int = 100):
        self.item, self.max_items = item, max_items

    def clean(self, value, path):
        if value == "":
            return None
        if not isinstance(value, dict) or not all(k.isdigit() for k in value):
            raise InvalidRequest(f"Invalid array: {path}", param=path)
        items = [value[k] for k in sorted(value, key=int)]
        if len(items) > self.max_items:
            raise InvalidRequest(
                f"Invalid array: {path} must have at most {self.max_items} items", param=path
            )
        cleaned = [self.item.clean(item, f"{path}[{i}]") for i, item in enumerate(items)]
        return [item for item in cleaned if item is not None] or None


CLEARED = object()  # a parameter sent as "" to unset it (e.g. `pause_collection=`)


class Clearable(Spec):
    """A parameter that "" unsets: cleans to CLEARED instead of being left out."""

    def __init__(self, spec: Spec):
        self.spec = spec

    def clean(self, value, path):
        return CLEARED if value == "" else self.spec.clean(value, path)


class Metadata(Spec):
    """Metadata hash; an empty value is kept as "" so that updates can unset a key."""

    def clean(self, value, path):
        if value == "":
            return {}
        if not isinstance(value, dict):
            raise InvalidRequest(f"Invalid object: {path}", param=path)
        if len(value) > 50:
            raise InvalidRequest("Metadata can have up to 50 keys.", param=path)
        for key, item in value.items():
            if not isinstance(item, str):
                raise InvalidRequest(f"Invalid string: {path}[{key}]", param=f"{path}[{key}]")
            if len(key) > 40:
                raise InvalidRequest(
                    f"Metadata keys can have up to 40 characters: {key}", param=path
                )
            if len(item) > 500:
                raise InvalidRequest(
                    f"Metadata values can have up to 500 characters: {key}",
                    param=f"{path}[{key}]",
                )
        return dict(value)


def clean_metadata(metadata: dict | None) -> dict:
    return {k: v for k, v in (metadata or {}).items() if v != ""}


def validate(schema: Obj, params: dict) -> dict:
    return schema.clean(params, "")


EXPAND = List(Str())
RETRIEVE = Obj({"expand": EXPAND})
