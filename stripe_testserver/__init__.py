"""A local Stripe test-mode server for development and tests (never for production).

Run it from the project folder:

    python -m stripe_testserver --host 127.0.0.1 --port 12111 \\
        [--webhook-url URL] [--webhook-secret whsec_...] [--public-url URL]

and point stripe-python at it with `base_addresses={"api": url, ...}`. It accepts `sk_test_`
keys only and keeps its state in memory. It serves:

- `/v1/` — the part of Stripe's API the app uses: Checkout Sessions (payment and
  subscription mode, `price_data` line items), customers, subscriptions (retrieve, update,
  cancel), invoices, invoice payments, payment intents, charges, refunds, events, Billing
  Portal sessions. Objects have the fields of Stripe's own examples (`stripe_examples.json`),
  errors Stripe's shape and status codes, `Idempotency-Key` is honoured.
- `/checkout/{id}` and `/portal/{id}` — plain HTML pages labelled as test mode. Card
  4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.
- `/_testserver/` — test controls: `health`, `config`, `deliveries[?wait=1]`, `reset`,
  `checkout/{id}/pay`, `subscriptions/{id}/renew` (`{"outcome": "paid" | "failed"}`).

Events, in order (each signed and POSTed to the webhook URL, if one is set):

- one-time checkout: customer.created, payment_method.attached, checkout.session.completed,
  payment_intent.succeeded, charge.succeeded
- subscription checkout: customer.created, payment_method.attached,
  customer.subscription.created, charge.succeeded, payment_intent.succeeded, invoice.paid,
  invoice.payment_succeeded, checkout.session.completed
- renewal paid: charge.succeeded, payment_intent.succeeded, invoice.paid,
  invoice.payment_succeeded, customer.subscription.updated
- renewal failed: charge.failed, payment_intent.payment_failed, invoice.payment_failed,
  customer.subscription.updated (status past_due)
- refund: charge.refunded, refund.created; cancel: customer.subscription.deleted
"""
