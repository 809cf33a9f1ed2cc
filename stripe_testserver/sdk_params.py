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
import types
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


def _check_fields(cls: type, value, path: str, top: bool = False) -> None:
    if not isinstance(value, dict):
        raise InvalidRequest(f"Invalid object: {path}", param=path or None)
    fields = _fields(cls)
    for name, item in value.items():
        if name not in fields:
            raise unknown(child_path(path, name))
        _check_value(fields[name][0], item, child_path(path, name), cls.__module__)
    if not top:
        for name, (_, is_required) in fields.items():
            if is_required and name not in value:
                raise missing(child_path(path, name))


class Plan(typing.NamedTuple):
    """What a parameter's type allows, worked out once per type."""

    any: bool  # the type could not be read
    enum: frozenset  # Literal values (without "")
    enum_only: bool  # no scalar other than str besides the enum
    empty_ok: bool  # "" unsets it
    scalars: tuple  # (kind name, test) for str/int/bool/number members
    containers: dict  # "array" | "object" | "hash" -> the member type


SCALARS = {
    int: ("integer", INTEGER.fullmatch),
    bool: ("boolean", ("true", "false").__contains__),
    float: ("decimal", NUMBER.fullmatch),
    decimal.Decimal: ("decimal", NUMBER.fullmatch),
    str: ("string", bool),  # any string, "" included
}


@cache
def _plan(tp, module: str) -> Plan:
    members = _members(tp, module)
    literals = [
        v
        for m in members
        if typing_extensions.get_origin(m) in (typing.Literal, typing_extensions.Literal)
        for v in typing_extensions.get_args(m)
    ]
    containers = {}
    for m in members:
        kind = _container_kind(m)
        if kind:
            containers.setdefault(kind, m)
    scalars = [SCALARS[m] for m in members if isinstance(m, type) and m in SCALARS]
    return Plan(
        any=any(m is ANY for m in members),
        enum=frozenset(v for v in literals if v != ""),
        enum_only=all(name == "string" for name, _ in scalars),
        empty_ok="" in literals or bool(containers),
        scalars=tuple(scalars),
        containers=containers,
    )


def _members(tp, module: str) -> list:
    """Flatten unions (and string/forward references inside them) into their members."""
    tp = _resolve(tp, vars(sys.modules[module]))
    if typing_extensions.get_origin(tp) in (typing.Union, types.UnionType):
        return [m for arg in typing_extensions.get_args(tp) for m in _members(arg, module)]
    return [tp]


def _container_kind(tp) -> str | None:
    if _is_typeddict(tp):
        return "object"
    origin = typing_extensions.get_origin(tp)
    if origin in (list, typing.List):  # noqa: UP006 (the SDK spells it List)
        return "array"
    names = (getattr(tp, "__name__", ""), getattr(origin, "__name__", ""))
    if origin in (dict, typing.Dict) or "UntypedStripeObject" in names:  # noqa: UP006
        return "hash"
    return None


def _check_value(tp, value, path: str, module: str) -> None:
    plan = _plan(tp, module)
    if plan.any:
        return
    if isinstance(value, str):
        _check_scalar(plan, value, path)
        return
    if not plan.containers:
        kind = plan.scalars[0][0] if plan.scalars else "value"
        raise InvalidRequest(f"Invalid {kind}: {path}", param=path)
    numbered = bool(value) and all(k.isdigit() for k in value)
    wanted = "array" if numbered else "object"
    kind = wanted if wanted in plan.containers else next(iter(plan.containers))
    chosen = plan.containers[kind]
    if kind == "array":
        if not numbered and value:
            raise InvalidRequest(f"Invalid array: {path}", param=path)
        (item_type,) = typing_extensions.get_args(chosen) or (ANY,)
        for key in sorted(value, key=int):
            _check_value(item_type, value[key], f"{path}[{key}]", module)
    elif kind == "hash":
        for key, item in value.items():
            if not isinstance(item, str):
                raise InvalidRequest(f"Invalid string: {path}[{key}]", param=f"{path}[{key}]")
    else:
        _check_fields(chosen, value, path)


def _check_scalar(plan: Plan, value: str, path: str) -> None:
    if value == "" and plan.empty_ok:
        return  # an empty value unsets an optional hash, list or field
    if value in plan.enum:
        return
    if plan.enum and plan.enum_only:
        enum = sorted(plan.enum)
        choices = ", ".join(enum[:-1]) + f", or {enum[-1]}" if len(enum) > 1 else enum[0]
        raise InvalidRequest(f"Invalid {path}: must be one of {choices}", param=path)
    if any(test(value) for _, test in plan.scalars):
        return
    if not plan.scalars:
        raise InvalidRequest(f"Invalid object: {path}", param=path)
    kind = plan.scalars[0][0]
    code = "parameter_invalid_integer" if kind == "integer" else None
    raise InvalidRequest(f"Invalid {kind}: {value}", code=code, param=path)
