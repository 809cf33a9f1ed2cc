"""A local Stripe test-mode server for development and tests (never for production).

Run it from the project folder:

    python -m stripe_testserver --host 127.0.0.1 --port 12111 \\
        [--webhook-url URL] [--webhook-secret whsec_...] [--public-url URL]

and point stripe-python at it with `base_addresses={"api": url, ...}`. It accepts `sk_test_`
keys only and keeps its state in memory. It follows the API version stripe-python pins
(`stripe.api_version`): every `/v1/` request is checked against the SDK's own request types
for that endpoint (sdk_params.py), and objects carry only the fields the SDK's classes declare.
It serves:

- `/v1/` — the part of Stripe's API the app uses: Checkout Sessions (payment and
  subscription mode, `price_data` line items), customers, subscriptions (retrieve, update
  with `pause_collection`, new item prices and `trial_end`, which a new interval needs: the
  next charge, as Stripe's billing cycle anchor moves to it; cancel), invoices, invoice
  payments, payment intents, charges, refunds, disputes (with evidence, and closed), events,
  Billing Portal sessions (and their `payment_method_update` flow: the card only, then the
  redirect). Objects have the fields of Stripe's own examples (`stripe_examples.json`),
  errors Stripe's shape and status codes, `Idempotency-Key` is honoured. Amounts are in each
  currency's minor units (money.py): zero-decimal currencies count whole units, three-decimal
  ones must be multiples of 10, and a total under Stripe's minimum for its currency is refused.
  A session without `allowed_payment_method_types` uses dynamic payment methods: it lists
  what a new account's default configuration offers for its currency and mode (SEPA Direct
  Debit and iDEAL in euros, Bacs in pounds, Link everywhere: `DYNAMIC` in api_checkout.py)
  and names the configuration; the hosted page itself still pays by card.
- `/checkout/{id}` and `/portal/{id}` — plain HTML pages labelled as test mode. Card
  4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, and as in Stripe's test
  mode 4000 0000 0000 0259 is disputed right after paying and 4000 0000 0000 5126 has its
  refunds fail; a checkbox pays as a delayed payment method would.
- `/dashboard` — a page to refund, dispute, settle delayed payments, renew and cancel by hand
  (dashboard.py), with the same events as the controls.
- `/_testserver/` — test controls (JSON): `health`, `config` (`webhook_url`, `webhook_secret`,
  `portal_configured`, `delivery_concurrency`: webhooks in flight at once, 1 to 16; above 1
  they arrive overlapping and out of order), `deliveries[?wait=1]`, `reset`, POST `clock`
  (`advance`: seconds the server's clock moves on, for objects and events from then on), and POST
  `checkout/{id}/pay` (`card`, `email`, `name`, `delayed`), `checkout/{id}/settle`
  (`outcome`: succeeded | failed), `checkout/{id}/expire`, `subscriptions/{id}/renew`
  (`outcome`: paid | failed), `subscriptions/{id}/status` (`status`), `refunds/{id}/fail`
  (`failure_reason`), `refunds/{id}/succeed` (a pending refund), `charges/{id}/dispute`
  (`reason`, `amount`, `inquiry`: true opens an inquiry, `warning_needs_response`),
  `disputes/{id}/escalate` (an inquiry becomes a chargeback), `disputes/{id}/appeal` (a lost
  chargeback, once), `disputes/{id}/close` (`outcome`: won | lost | warning_closed for an
  inquiry).

Events, in order (each signed and POSTed to the webhook URL, if one is set):

- one-time checkout: [customer.created, payment_method.attached: only with
  customer_creation=always], checkout.session.completed, payment_intent.succeeded,
  charge.succeeded
- subscription checkout: customer.created, payment_method.attached,
  customer.subscription.created, charge.succeeded, payment_intent.succeeded, invoice.paid,
  invoice.payment_succeeded, checkout.session.completed
- delayed payment: as above but payment_intent.processing instead of the charge, intent and
  invoice events (the subscription is `incomplete`), and checkout.session.completed has
  payment_status "unpaid"; settled: charge.succeeded, payment_intent.succeeded,
  [invoice.paid, invoice.payment_succeeded, customer.subscription.updated],
  checkout.session.async_payment_succeeded; failed: charge.failed,
  payment_intent.payment_failed, [invoice.payment_failed], checkout.session.async_payment_failed
- expiry: checkout.session.expired
- renewal paid: charge.succeeded, payment_intent.succeeded, invoice.paid,
  invoice.payment_succeeded, customer.subscription.updated
- renewal failed: charge.failed, payment_intent.payment_failed, invoice.payment_failed,
  customer.subscription.updated (status past_due)
- status control: customer.subscription.updated [+ customer.subscription.paused / .resumed]
- `pause_collection` set or unset (subscriptions.update): customer.subscription.updated; a
  renewal while paused charges nothing: invoice.created [+ invoice.voided |
  invoice.marked_uncollectible], customer.subscription.updated; collection resumes by itself
  once its `resumes_at` has passed
- refund: charge.refunded, refund.created (status succeeded; pending for a delayed
  payment, then refunds/{id}/succeed: refund.updated, charge.refund.updated); refund
  failure: refund.updated, charge.refund.updated, refund.failed
- dispute: charge.dispute.created, charge.dispute.funds_withdrawn; closed: charge.dispute.closed
  [+ charge.dispute.funds_reinstated when won]
- inquiry: charge.dispute.created (no funds move); escalated: charge.dispute.updated,
  charge.dispute.funds_withdrawn; closed: charge.dispute.closed (warning_closed)
- appeal of a lost chargeback: charge.dispute.updated (appeal_needs_response); evidence
  submitted (disputes.update): charge.dispute.updated (*_under_review); the appeal closed as
  for a dispute (won: the funds are reinstated)
- cancel: customer.subscription.deleted
"""
