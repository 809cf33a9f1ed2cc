"""The donor account: no password, a single-use sign-in link by email, then the reader session.

- `signin`: asking for a link (rate-limited, the same answer whether or not the address has
  given), its email, and a new link for a used or expired one.
- `gifts`: what a signed-in mailbox sees: its gifts across Stripe customers, its payments and
  receipts, a statement per year.
- `changes`: what a donor may change at Stripe (amount, monthly ↔ annual, a pause, the card,
  cancelling with a reason), each applied to the ledger only once Stripe took it.
- `forms`: the account's forms.
"""
