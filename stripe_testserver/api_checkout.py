"""Checkout Sessions: `/v1/checkout/sessions...`."""

from . import shapes
from .billing import expire_if_due, expire_session
from .errors import InvalidRequest, missing
from .listing import LIST_PARAMS, paginate, render
from .money import CURRENCIES, check_amount, check_minimum
from .params import EXPAND, RETRIEVE, Email, Int, List, Metadata, Obj, Str, Url, validate
from .routes import route
from .store import Store, now

LOCALES = (
    "auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hr hu id it ja ko lt lv ms mt "
    "nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW"
).split()

RECURRING = Obj(
    {"interval": Str(choices=("day", "month", "week", "year")), "interval_count": Int(1, 365)},
    required=("interval",),
)
PRODUCT_DATA = Obj(
    {
        "name": Str(250),
        "description": Str(),
        "images": List(Str(), 8),
        "metadata": Metadata(),
        "tax_code": Str(),
        "unit_label": Str(12),
    },
    required=("name",),
)
PRICE_DATA = Obj(
    {
        "currency": Str(3),
        "product": Str(),
        "product_data": PRODUCT_DATA,
        "recurring": RECURRING,
        "tax_behavior": Str(choices=("exclusive", "inclusive", "unspecified")),
        "unit_amount": Int(0, 99999999),
    },
    required=("currency",),
)
LINE_ITEM = Obj({"price": Str(), "price_data": PRICE_DATA, "quantity": Int(1, 999999)})
DATA_WITH_METADATA = {"metadata": Metadata(), "description": Str(500)}
CREATE = Obj(
    {
        "mode": Str(choices=("payment", "setup", "subscription")),
        "line_items": List(LINE_ITEM),
        "success_url": Url(5000),
        "cancel_url": Url(5000),
        "customer": Str(),
        "customer_email": Email(),
        "customer_creation": Str(choices=("always", "if_required")),
        "client_reference_id": Str(200),
        "metadata": Metadata(),
        "subscription_data": Obj(DATA_WITH_METADATA),
        "payment_intent_data": Obj(DATA_WITH_METADATA),
        "submit_type": Str(choices=("auto", "book", "donate", "pay", "subscribe")),
        # Names and values of these two are checked against stripe-python's types first.
        "allowed_payment_method_types": List(Str()),
        "payment_method_configuration": Str(),
        "ui_mode": Str(),
        "locale": Str(choices=tuple(LOCALES)),
        "expires_at": Int(),
        "expand": EXPAND,
    },
    required=("mode", "success_url"),
)


@route("POST", "/v1/checkout/sessions", params="checkout.SessionCreateParams")
def create_session(store: Store, params: dict) -> dict:
    params = validate(CREATE, params)
    _check_mode(params)
    customer = params.get("customer")
    if customer:
        if "customer_email" in params:
            raise InvalidRequest(
                "You may only specify one of these parameters: customer, customer_email.",
                param="customer_email",
            )
        store.get("customer", customer, param="customer", status=400)
    items = [
        _line_item(store, params["mode"], item, i) for i, item in enumerate(params["line_items"])
    ]
    _check_items(params["mode"], items)
    session = shapes.checkout_session(
        params, items=items, public_url=store.public_url, customer=customer
    )
    _payment_methods(session, params)
    if "expires_at" in params:
        session["expires_at"] = _expires_at(params["expires_at"])
    store.add(session)
    store.line_items[session["id"]] = items
    store.checkout_options[session["id"]] = {
        k: params[k] for k in ("payment_intent_data", "subscription_data") if k in params
    }
    return render(store, session, params.get("expand"))


def _check_mode(params: dict) -> None:
    mode = params["mode"]
    if mode == "setup":
        raise InvalidRequest(
            "stripe_testserver implements `payment` and `subscription` mode only.", param="mode"
        )
    if "line_items" not in params:
        raise missing("line_items")
    only = {
        "subscription_data": "subscription",
        "payment_intent_data": "payment",
        "customer_creation": "payment",
    }
    for name, allowed in only.items():
        if name in params and mode != allowed:
            raise InvalidRequest(f"You can not pass `{name}` in `{mode}` mode.", param=name)
    if params.get("ui_mode", "hosted_page") != "hosted_page":
        raise InvalidRequest(
            "stripe_testserver serves Checkout's hosted page only (`ui_mode=hosted_page`).",
            param="ui_mode",
        )
    if (
        "allowed_payment_method_types" in params
        and "card" not in params["allowed_payment_method_types"]
    ):
        raise InvalidRequest(
            "stripe_testserver takes card payments only: allowed_payment_method_types must "
            "include `card`.",
            param="allowed_payment_method_types",
        )


# Dynamic payment methods: without `allowed_payment_method_types`, Checkout offers what the
# account's payment method configuration turns on and the currency and mode allow. This is
# the default configuration of a new account, roughly (docs.stripe.com/payments/payment-methods/
# payment-method-support): wallets ride on `card`; Link everywhere; bank debits and local
# methods by currency; one-off methods (iDEAL, Bancontact, Cash App Pay) only in payment mode.
DYNAMIC = {
    "usd": {
        "payment": ["card", "link", "cashapp", "us_bank_account"],
        "subscription": ["card", "link", "us_bank_account"],
    },
    "eur": {
        "payment": ["card", "link", "sepa_debit", "ideal", "bancontact"],
        "subscription": ["card", "link", "sepa_debit"],
    },
    "gbp": {
        "payment": ["card", "link", "bacs_debit"],
        "subscription": ["card", "link", "bacs_debit"],
    },
}
DEFAULT_CONFIGURATION = "pmc_1DefaultTestConfiguration"


def _payment_methods(session: dict, params: dict) -> None:
    """The methods the hosted page offers: the allowed list as given (a pinned list), or
    the configuration's for the session's currency and mode (dynamic payment methods)."""
    if "allowed_payment_method_types" in params:
        session["payment_method_types"] = list(params["allowed_payment_method_types"])
        session["payment_method_configuration_details"] = None
        return
    mode = params["mode"]
    session["payment_method_types"] = DYNAMIC.get(session["currency"], {}).get(
        mode, ["card", "link"]
    )
    session["payment_method_configuration_details"] = {
        "id": params.get("payment_method_configuration", DEFAULT_CONFIGURATION),
        "parent": None,
    }


def _line_item(store: Store, mode: str, item: dict, index: int) -> dict:
    path = f"line_items[{index}]"
    if "quantity" not in item:
        raise missing(f"{path}[quantity]")
    if ("price" in item) == ("price_data" in item):
        raise InvalidRequest(
            f"You must specify exactly one of `price` or `price_data` in {path}.", param=path
        )
    if "price" in item:
        price = store.get("price", item["price"], param=f"{path}[price]", status=400)
        name = store.get("product", price["product"])["name"]
    else:
        price, name = _price_from_data(store, item["price_data"], f"{path}[price_data]")
    if mode == "payment" and price["recurring"]:
        raise InvalidRequest(
            "You specified `payment` mode but passed a recurring price. Either switch to "
            "`subscription` mode or use only one-time prices.",
            param=f"{path}[price_data][recurring]",
        )
    if mode == "subscription" and not price["recurring"]:
        raise InvalidRequest(
            "stripe_testserver supports only recurring prices in `subscription` mode; "
            f"add price_data[recurring] to {path}.",
            param=f"{path}[price_data][recurring]",
        )
    return shapes.checkout_item(price, item["quantity"], name)


def _price_from_data(store: Store, data: dict, path: str) -> tuple[dict, str]:
    currency = data["currency"]
    if currency != currency.lower() or currency not in CURRENCIES:
        raise InvalidRequest(f"Invalid currency: {currency}.", param=f"{path}[currency]")
    if "unit_amount" not in data:
        raise missing(f"{path}[unit_amount]")
    check_amount(data["unit_amount"], currency, f"{path}[unit_amount]")
    if ("product" in data) == ("product_data" in data):
        raise InvalidRequest(
            f"You must specify exactly one of `product` or `product_data` in {path}.", param=path
        )
    if "product" in data:
        product = store.get("product", data["product"], param=f"{path}[product]", status=400)
    else:
        pdata = data["product_data"]
        product = store.add(
            shapes.product(pdata["name"], pdata.get("description"), pdata.get("metadata"))
        )
    price = shapes.price(
        currency=currency,
        unit_amount=data["unit_amount"],
        product_id=product["id"],
        recurring=data.get("recurring"),
    )
    return store.add(price), product["name"]


def _check_items(mode: str, items: list[dict]) -> None:
    currencies = {item["currency"] for item in items}
    if len(currencies) > 1:
        raise InvalidRequest("All line items must use the same currency.", param="line_items")
    intervals = {(i["price"]["recurring"] or {}).get("interval") for i in items}
    if mode == "subscription" and len(intervals) > 1:
        raise InvalidRequest(
            "Checkout does not support multiple prices with different billing intervals.",
            param="line_items",
        )
    currency = currencies.pop()
    total = sum(item["amount_total"] for item in items)
    check_minimum(total, currency, "line_items", "The Checkout Session's total amount due")


def _expires_at(value: int) -> int:
    if not now() + 1800 <= value <= now() + 24 * 3600:
        raise InvalidRequest(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
            "Checkout Session creation.",
            param="expires_at",
        )
    return value


SESSION = "/v1/checkout/sessions/(?P<session_id>[^/]+)"


@route("GET", SESSION, params="checkout.SessionRetrieveParams")
def retrieve_session(store: Store, params: dict, session_id: str) -> dict:
    params = validate(RETRIEVE, params)
    session = store.get("checkout.session", session_id, param="session")
    expire_if_due(store, session)
    return render(store, session, params.get("expand"))


@route("GET", f"{SESSION}/line_items", params="checkout.SessionListLineItemsParams")
def list_line_items(store: Store, params: dict, session_id: str) -> dict:
    params = validate(Obj(LIST_PARAMS), params)
    store.get("checkout.session", session_id, param="session")
    items = list(reversed(store.line_items[session_id]))  # listed in the order given
    return paginate(store, items, params, f"/v1/checkout/sessions/{session_id}/line_items")


@route("POST", f"{SESSION}/expire", params="checkout.SessionExpireParams")
def expire(store: Store, params: dict, session_id: str) -> dict:
    params = validate(RETRIEVE, params)
    session = store.get("checkout.session", session_id, param="session")
    return render(store, expire_session(store, session), params.get("expand"))


LIST_SESSIONS = Obj(
    {
        **LIST_PARAMS,
        "customer": Str(),
        "payment_intent": Str(),
        "subscription": Str(),
        "status": Str(choices=("complete", "expired", "open")),
    }
)


@route("GET", "/v1/checkout/sessions", params="checkout.SessionListParams")
def list_sessions(store: Store, params: dict) -> dict:
    params = validate(LIST_SESSIONS, params)
    names = ("customer", "payment_intent", "subscription", "status")
    filters = {k: params[k] for k in names if k in params}
    sessions = store.where("checkout.session", **filters)
    return paginate(store, sessions, params, "/v1/checkout/sessions")
