"""Expansion (`expand[]=customer`) and paginated lists, as Stripe does them."""

import copy

from .errors import InvalidRequest, no_such
from .params import EXPAND, Int, Obj, Str
from .shapes import list_object
from .store import Store

NOT_EXPANDABLE = {"id", "object", "url"}
# Fields Stripe leaves out unless expanded: (object, field) -> (store attribute, list URL).
INCLUDABLE = {
    ("checkout.session", "line_items"): ("line_items", "/v1/checkout/sessions/{}/line_items"),
    ("invoice", "payments"): ("invoice_payments", "/v1/invoice_payments?invoice={}"),
    ("charge", "refunds"): ("charge_refunds", "/v1/charges/{}/refunds"),
}


def render(store: Store, obj: dict, expand: list[str] | None = None) -> dict:
    """Return a copy of `obj` with the `expand` paths replaced by the objects they name."""
    result = copy.deepcopy(obj)
    for path in expand or []:
        segments = path.split(".")
        if len(segments) > 4:
            raise InvalidRequest(
                f"You cannot expand more than 4 levels of a property. Property: {path}",
                param="expand",
            )
        _expand(store, result, segments, path)
    return result


def _expand(store: Store, node, segments: list[str], path: str) -> None:
    if node is None:
        return
    name, rest = segments[0], segments[1:]
    if node.get("object") == "list" and name == "data":
        for item in node["data"]:
            if rest:
                _expand(store, item, rest, path)
        return
    includable = INCLUDABLE.get((node.get("object"), name))
    if includable:
        objects, url = includable
        node[name] = list_object(
            copy.deepcopy(getattr(store, objects).get(node["id"], [])), url.format(node["id"])
        )
    elif name in NOT_EXPANDABLE or name not in node:
        raise InvalidRequest(f"This property cannot be expanded ({path}).", param="expand")
    elif isinstance(node[name], str):
        target = store.find(node[name])
        if target is None or target.get("object") == node.get("object") == "event":
            raise InvalidRequest(f"This property cannot be expanded ({path}).", param="expand")
        node[name] = copy.deepcopy(target)
    if rest and isinstance(node[name], dict):
        _expand(store, node[name], rest, path)


LIST_PARAMS = {
    "limit": Int(1, 100),
    "starting_after": Str(),
    "ending_before": Str(),
    "expand": EXPAND,
    "created": Obj({"gt": Int(), "gte": Int(), "lt": Int(), "lte": Int()}),
}
CREATED_TESTS = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def paginate(store: Store, objects: list[dict], params: dict, url: str) -> dict:
    """Return a Stripe list of `objects` (newest first) honouring limit and cursors."""
    for op, bound in params.get("created", {}).items():
        objects = [o for o in objects if CREATED_TESTS[op](o["created"], bound)]
    objects = list(reversed(objects))
    ids = [o["id"] for o in objects]
    limit = params.get("limit", 10)
    if "starting_after" in params:
        start = _position(ids, params["starting_after"], "starting_after") + 1
        page = objects[start : start + limit]
        has_more = start + limit < len(objects)
    elif "ending_before" in params:
        end = _position(ids, params["ending_before"], "ending_before")
        page = objects[max(0, end - limit) : end]
        has_more = end - limit > 0
    else:
        page, has_more = objects[:limit], len(objects) > limit
    expand = [p.removeprefix("data.") for p in params.get("expand", [])]
    for path in params.get("expand", []):
        if not path.startswith("data."):
            raise InvalidRequest(f"This property cannot be expanded ({path}).", param="expand")
    result = list_object([render(store, o, expand) for o in page], url)
    result["has_more"] = has_more
    return result


def _position(ids: list[str], object_id: str, param: str) -> int:
    if object_id not in ids:
        raise no_such("object", object_id, param=param, status=400)
    return ids.index(object_id)
