"""Check a request's parameters against stripe-python's own request types for its endpoint.

stripe-python ships one TypedDict per endpoint (`stripe.params.checkout.SessionCreateParams`,
...), generated from Stripe's OpenAPI spec at the API version it pins. They are read here at
run time, so the server accepts exactly the names (nested too), enum values and value kinds of
that version: a parameter the version removed, or a typo, is refused with Stripe's
"Received unknown parameter: ..." before any endpoint code runs.
"""

import decimal
import importlib
import re
import sys
import typing
from functools import cache

import typing_extensions
from stripe._request_options import RequestOptions

from .errors import InvalidRequest, missing, unknown
from .params import child_path

OPTIONS = frozenset(RequestOptions.__annotations__)  # client options, never sent as parameters
ANY = object()  # a type that could not be read: anything goes
INTEGER = re.compile(r"-?\d+")
NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)")


@cache
def params_class(name: str) -> type:
    """`"checkout.SessionCreateParams"` -> stripe.params.checkout.SessionCreateParams."""
    package, _, cls = name.rpartition(".")
    module = importlib.import_module("stripe.params" + (f".{package}" if package else ""))
    return getattr(module, cls)


def check(name: str, params: dict) -> None:
    """Raise InvalidRequest unless `params` (decoded form) fit the SDK's type `name`."""
    _check_fields(params_class(name), params, "", top=True)


def _is_typeddict(tp) -> bool:
    return isinstance(tp, type) and typing_extensions.is_typeddict(tp)


@cache
def _fields(cls: type) -> dict[str, tuple[object, bool]]:
    """Each parameter of TypedDict `cls`: (its resolved type, whether it is required)."""
    namespace = vars(sys.modules[cls.__module__])
    required = getattr(cls, "__required_keys__", frozenset())
    fields = {}
    for name, annotation in cls.__annotations__.items():
        if name in OPTIONS:
            continue
        tp, is_required = _resolve(annotation, namespace), name in required
        if typing_extensions.get_origin(tp) in (typing_extensions.NotRequired, typing.NotRequired):
            tp, is_required = _resolve(typing_extensions.get_args(tp)[0], namespace), False
        fields[name] = (tp, is_required)
    return fields


def _resolve(tp, namespace: dict):
    """Evaluate string and forward-reference annotations; ANY when they cannot be read."""
    if isinstance(tp, typing.ForwardRef):
        tp = tp.__forward_arg__
    if isinstance(tp, str):
        try:
            tp = eval(tp, {**vars(typing_extensions), **namespace})  # noqa: S307 (SDK source)
        except Exception:
            return ANY
    return tp


def _module_of(tp) -> dict:
    return vars(sys.modules[tp.__module__]) if hasattr(tp, "__module__") else {}


def _check_fields(cls: type, value, path: str, top: bool = False) -> None:
    if not isinstance(value, dict):
        raise InvalidRequest(f"Invalid object: {path}", param=path or None)
    fields = _fields(cls)
    for name, item in value.items():
        if name not in fields:
            raise unknown(child_path(path, name))
        _check_value(fields[name][0], item, child_path(path, name), _module_of(cls))
    if not top:
        for name, (_, is_required) in fields.items():
            if is_required and name not in value:
                raise missing(child_path(path, name))


def _members(tp, namespace: dict) -> list:
    """Flatten unions (and string/forward references inside them) into their members."""
    tp = _resolve(tp, namespace)
    origin = typing_extensions.get_origin(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return [m for arg in typing_extensions.get_args(tp) for m in _members(arg, namespace)]
    return [tp]


def _check_value(tp, value, path: str, namespace: dict) -> None:
    members = _members(tp, namespace)
    if ANY in members:
        return
    literals = [
        v
        for m in members
        if typing_extensions.get_origin(m) in (typing.Literal, typing_extensions.Literal)
        for v in typing_extensions.get_args(m)
    ]
    if isinstance(value, str):
        _check_scalar(members, literals, value, path)
        return
    containers = [m for m in members if _container_kind(m)]
    if not containers:
        raise InvalidRequest(f"Invalid {_scalar_name(members)}: {path}", param=path)
    wanted = "array" if all(k.isdigit() for k in value) and value else "object"
    chosen = next((m for m in containers if _container_kind(m) == wanted), containers[0])
    kind = _container_kind(chosen)
    if kind == "array":
        if not all(k.isdigit() for k in value):
            raise InvalidRequest(f"Invalid array: {path}", param=path)
        (item_type,) = typing_extensions.get_args(chosen) or (ANY,)
        for key in sorted(value, key=int):
            _check_value(item_type, value[key], f"{path}[{key}]", namespace)
    elif kind == "hash":
        for key, item in value.items():
            if not isinstance(item, str):
                raise InvalidRequest(f"Invalid string: {path}[{key}]", param=f"{path}[{key}]")
    else:
        _check_fields(chosen, value, path)


def _container_kind(tp) -> str | None:
    if _is_typeddict(tp):
        return "object"
    origin = typing_extensions.get_origin(tp)
    if origin in (list, typing.List):  # noqa: UP006 (the SDK spells it List)
        return "array"
    if origin in (dict, typing.Dict) or getattr(tp, "__name__", "") == "UntypedStripeObject":  # noqa: UP006
        return "hash"
    if getattr(origin, "__name__", "") == "UntypedStripeObject":
        return "hash"
    return None


SCALARS = {
    int: ("integer", lambda v: bool(INTEGER.fullmatch(v))),
    bool: ("boolean", lambda v: v in ("true", "false")),
    float: ("decimal", lambda v: bool(NUMBER.fullmatch(v))),
    decimal.Decimal: ("decimal", lambda v: bool(NUMBER.fullmatch(v))),
    str: ("string", lambda v: True),
}


def _scalar_name(members: list) -> str:
    for m in members:
        if m in SCALARS:
            return SCALARS[m][0]
    return "value"


def _check_scalar(members: list, literals: list, value: str, path: str) -> None:
    if value == "" and ("" in literals or any(_container_kind(m) for m in members)):
        return  # an empty value unsets an optional hash, list or field
    enum = [v for v in literals if v != ""]
    if enum:
        if value in enum:
            return
        if not any(m in SCALARS and m is not str for m in members):
            choices = ", ".join(enum[:-1]) + f", or {enum[-1]}" if len(enum) > 1 else enum[0]
            raise InvalidRequest(f"Invalid {path}: must be one of {choices}", param=path)
    for m in members:
        if m in SCALARS and SCALARS[m][1](value):
            return
    kind = _scalar_name(members)
    if kind == "value":
        raise InvalidRequest(f"Invalid object: {path}", param=path)
    code = "parameter_invalid_integer" if kind == "integer" else None
    raise InvalidRequest(f"Invalid {kind}: {value}", code=code, param=path)
