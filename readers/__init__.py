"""Readers: the one record of a reader's address, on the ground floor.

It imports only `newsroom` and Django; support (donors, reminders) and newsletters build on
it. What it owns, and where:

- `addresses`: the one mailbox rule (`normalise`: case, +tag, Gmail's dots, quoted local
  parts, IDNA) and the checks of a deliverable address.
- `models.Mailbox`: one row per mailbox, made when the site first needs to name a reader.
  Other apps keep their own email columns and find their rows by the same key.
- `services`: single-use tokens (`token_issue`, `token_check`, `token_use`; only a hash
  is kept), suppressions (`mailbox_suppress`, `mailbox_suppressed`; a hash that outlasts
  erasure), the rate limit of emailed links (`link_request_limited`), and the privacy
  hooks (`privacy_register`, `mailbox_export`, `mailbox_erase`).
- `sessions`: a reader's short signed-cookie session after a sign-in link.
- `confirmations`: one confirmation flow (a token naming what it confirms, one pending per
  mailbox, GET shows a button, POST confirms, a used or expired link offers a new one).
- `optout`: one-click List-Unsubscribe links that suppress the address.
"""
