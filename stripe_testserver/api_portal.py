"""Billing Portal sessions: `POST /v1/billing_portal/sessions`."""

from . import shapes
from .api_checkout import LOCALES
from .errors import InvalidRequest, missing, no_such
from .listing import render
from .params import EXPAND, Obj, Str, Url, validate
from .routes import route
from .store import Store

# What Stripe answers in test mode until the customer portal settings have been saved once.
PORTAL_NOT_CONFIGURED = (
    "You can’t create a portal session in test mode until you save your customer portal "
    "settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal."
)
PORTAL = Obj(
    {
        "customer": Str(),
        "return_url": Url(5000),
        "configuration": Str(),
        "locale": Str(choices=tuple(LOCALES)),
        "on_behalf_of": Str(),
        # One flow here: straight to updating the card (Stripe has four more).
        "flow_data": Obj(
            {
                "type": Str(choices=("payment_method_update",)),
                "after_completion": Obj(
                    {
                        "type": Str(choices=("hosted_confirmation", "portal_homepage", "redirect")),
                        "redirect": Obj({"return_url": Url(5000)}, required=("return_url",)),
                    },
                    required=("type",),
                ),
            },
            required=("type",),
        ),
        "expand": EXPAND,
    },
    required=("customer",),
)


@route("POST", "/v1/billing_portal/sessions", params="billing_portal.SessionCreateParams")
def create_portal_session(store: Store, params: dict) -> dict:
    params = validate(PORTAL, params)
    customer = store.get("customer", params["customer"], param="customer", status=400)
    if "configuration" not in params and not store.portal_configured:
        raise InvalidRequest(PORTAL_NOT_CONFIGURED)
    configuration = params.get("configuration", store.portal_configuration)
    if configuration != store.portal_configuration:
        raise no_such("billing_portal.configuration", configuration, "configuration", 400)
    session = shapes.portal_session(
        customer_id=customer["id"],
        return_url=params.get("return_url"),
        configuration=configuration,
        public_url=store.public_url,
    )
    session["locale"] = params.get("locale")
    if "flow_data" in params:
        session["flow"] = _flow(params["flow_data"])
    return render(store, store.add(session), params.get("expand"))


def _flow(data: dict) -> dict:
    after = data.get("after_completion") or {"type": "portal_homepage"}
    if after["type"] == "redirect" and "redirect" not in after:
        raise missing("flow_data[after_completion][redirect]")
    return {
        "type": data["type"],
        "after_completion": {
            "type": after["type"],
            "redirect": after.get("redirect") if after["type"] == "redirect" else None,
            "hosted_confirmation": None,
        },
        "subscription_cancel": None,
        "subscription_update": None,
        "subscription_update_confirm": None,
    }
