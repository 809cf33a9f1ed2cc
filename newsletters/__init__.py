"""Newsletters: lists readers sign up to (double opt-in through readers' confirmations),
editions built from the newsroom's own stories, and their sending at list scale.

- `models`: Newsletter, Subscription (a readers Mailbox on a list), Edition (its stories in
  order), Delivery (one row per subscriber per edition: the record of what is owed).
- `signup`: the sign-up request, its confirmation email and what confirming does.
- `editions`: what an edition holds and how it reads (HTML and text, drawn once per edition).
- `sending`: deliveries made in bulk, sent in batches over one SMTP connection each, swept.
- `unsubscribe`: the signed one-click link (RFC 8058) each message carries.
"""
