"""HTML of the hosted test pages (checkout, billing portal): plain forms, no JavaScript."""

from html import escape

from .money import describe_price

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f6f8fa;color:#1a1f36}
.banner{background:#ffde92;color:#5a3d00;font-weight:700;text-align:center;padding:.5rem}
main{max-width:32rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;
box-shadow:0 1px 3px #0002}
h1{font-size:1.2rem;color:#8a5a00}
label{display:block;margin-top:.8rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #8792a2;
border-radius:4px}
button{margin-top:1rem;padding:.6rem 1.4rem;font-size:1rem;background:#635bff;color:#fff;
border:0;border-radius:4px;cursor:pointer}
.amount{font-size:1.6rem;font-weight:700;margin:.2rem 0}
.error{color:#b3093c;font-weight:600;border-left:4px solid #b3093c;padding-left:.6rem}
.notice{color:#0a6640;font-weight:600}
.hint{color:#4f566b;font-size:.9rem}
"""
HEADING = "Test mode — local Stripe test server, no real money"
TEST_CARDS = """
<section class="hint" aria-labelledby="test-cards">
  <h2 id="test-cards">Test cards</h2>
  <ul>
    <li>4242 4242 4242 4242 — payment succeeds</li>
    <li>4000 0000 0000 0002 — card is declined</li>
    <li>4000 0000 0000 0259 — payment succeeds, then is disputed (fraudulent)</li>
    <li>4000 0000 0000 5126 — payment succeeds; a refund of it fails</li>
  </ul>
  <p>Use any future expiry date (MM/YY) and any 3-digit CVC. Refunds, disputes, renewals
  and delayed payments can be played later on the <a href="/dashboard">test dashboard</a>.</p>
</section>
"""


def layout(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — TEST MODE</title>
<style>{STYLE}</style>
</head>
<body>
<div class="banner" role="note">TEST MODE</div>
<main>
<h1>{HEADING}</h1>
{body}
</main>
</body>
</html>
"""


def message(text: str | None, *, error: bool = True) -> str:
    if not text:
        return ""
    role, css = ("alert", "error") if error else ("status", "notice")
    return f'<p role="{role}" class="{css}">{escape(text)}</p>'


METHOD_NAMES = {
    "card": "Card (with Apple Pay and Google Pay)",
    "link": "Link",
    "sepa_debit": "SEPA Direct Debit",
    "ideal": "iDEAL",
    "bancontact": "Bancontact",
    "bacs_debit": "Bacs Direct Debit",
    "us_bank_account": "US bank account",
    "cashapp": "Cash App Pay",
}


def checkout(session: dict, items: list[dict], values: dict, error=None, back=None) -> str:
    recurring = items[0]["price"]["recurring"]
    total = describe_price(session["amount_total"], session["currency"], recurring)
    names = ", ".join(escape(item["description"]) for item in items)
    button = "Subscribe" if session["mode"] == "subscription" else "Pay"
    methods = [METHOD_NAMES.get(m, m) for m in session.get("payment_method_types") or ["card"]]
    cancel = session["cancel_url"] or back
    cancel_link = f'<p><a href="{escape(cancel)}">Cancel</a></p>' if cancel else ""
    email = values.get("email") or session["customer_email"] or ""
    body = f"""
<section aria-labelledby="summary">
  <h2 id="summary">{names}</h2>
  <p class="amount">{escape(total)}</p>
  <p class="methods">Payment methods offered: {escape(", ".join(methods))} (this test page
    takes cards; the others are what Stripe would show)</p>
</section>
{message(error)}
<form method="post" action="/checkout/{escape(session["id"])}">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required
    value="{escape(email)}">
  <label for="card_number">Card number</label>
  <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number"
    placeholder="1234 1234 1234 1234" required>
  <label for="expiry">Expiry date (MM/YY)</label>
  <input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM/YY" required>
  <label for="cvc">CVC</label>
  <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123" required>
  <label for="name">Name on card</label>
  <input id="name" name="name" autocomplete="cc-name" value="{escape(values.get("name", ""))}">
  <label class="hint"><input type="checkbox" name="delayed" style="width:auto">
    Pay as a delayed payment method would (a bank debit): the payment stays processing until
    it is made to succeed or fail on the <a href="/dashboard">test dashboard</a></label>
  <button type="submit">{button} {escape(total)}</button>
</form>
{cancel_link}
{TEST_CARDS}"""
    return layout(f"Pay {total}", body)


def closed(session: dict, text: str, success_url: str | None = None) -> str:
    link = f'<p><a href="{escape(success_url)}">Continue</a></p>' if success_url else ""
    return layout("Checkout", f"{message(text, error=False)}{link}")


def not_found(text: str) -> str:
    return layout("Not found", message(text))


def portal(session, customer, subscriptions, cards: dict, notice=None, error=None) -> str:
    # A flow (the card update) shows only its own step: the subscriptions, none to cancel.
    flow = bool(session.get("flow"))
    rows = "".join(_subscription(session, sub, cards, cancel=not flow) for sub in subscriptions)
    if not rows:
        rows = "<p>No subscriptions.</p>"
    back = session["return_url"]
    back_link = f'<p><a href="{escape(back)}">Return to the site</a></p>' if back else ""
    who = escape(customer["email"] or customer["name"] or customer["id"])
    body = f"""
<h2>Billing portal for {who}</h2>
{message(notice, error=False)}{message(error)}
<section aria-labelledby="subscriptions"><h2 id="subscriptions">Subscriptions</h2>{rows}</section>
<section aria-labelledby="card">
  <h2 id="card">Update card</h2>
  <form method="post" action="/portal/{escape(session["id"])}/card">
    <label for="card_number">Card number</label>
    <input id="card_number" name="card_number" inputmode="numeric" autocomplete="cc-number"
      required>
    <label for="expiry">Expiry date (MM/YY)</label>
    <input id="expiry" name="expiry" autocomplete="cc-exp" placeholder="MM/YY" required>
    <label for="cvc">CVC</label>
    <input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required>
    <button type="submit">Update card</button>
  </form>
</section>
{back_link}
{TEST_CARDS}"""
    return layout("Billing portal", body)


def _subscription(session: dict, sub: dict, cards: dict, *, cancel: bool = True) -> str:
    item = sub["items"]["data"][0]
    price = item["price"]
    amount = describe_price(
        price["unit_amount"] * item["quantity"], price["currency"], price["recurring"]
    )
    card = cards.get(sub["default_payment_method"])
    card_text = f", {card['brand'].title()} ending {card['last4']}" if card else ""
    status = sub["status"].replace("_", " ")
    if sub["cancel_at_period_end"]:
        status += ", cancels at the end of the period"
    form = ""
    if sub["status"] != "canceled" and cancel:
        form = f"""
  <form method="post" action="/portal/{escape(session["id"])}/cancel">
    <input type="hidden" name="subscription" value="{escape(sub["id"])}">
    <button type="submit" aria-label="Cancel the {escape(amount)} subscription">Cancel</button>
  </form>"""
    return f"""
<article id="{escape(sub["id"])}">
  <p><strong>{escape(amount)}</strong> — {escape(status)}{escape(card_text)}</p>{form}
</article>"""
