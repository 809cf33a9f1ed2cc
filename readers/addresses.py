"""Email addresses: one key per mailbox (the house's one rule), and only deliverable ones.

Every app that keys something by a reader's address (reminders, donors, sign-in links,
suppressions, newsletter subscriptions) keys it by `normalise(email)`.
"""

import ipaddress
import re

from django.core.exceptions import ValidationError

GMAIL = {"gmail.com", "googlemail.com"}
# Names that never reach a public mailbox (RFC 2606, RFC 6761, RFC 6762).
RESERVED_TLDS = {"localhost", "local", "test", "invalid", "example", "internal", "lan", "home"}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(xn--[a-z0-9-]{2,59}|[a-z]{2,63})$")


def normalise(email: str) -> str:
    """Return the key of the mailbox an address reaches: quotes taken off the local part
    (RFC 5321: "ann"@ and ann@ are one mailbox), lower case, no +tag, Gmail's dots ignored,
    the domain as DNS spells it (IDNA, no trailing dot)."""
    local, _, domain = email.strip().rpartition("@")
    local = _unquoted(local).lower().split("+", 1)[0]
    domain = _dns_name(domain)
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _unquoted(local: str) -> str:
    """The local part with its quoted strings opened and their backslash escapes undone."""
    chars, quoted, escaped = [], False, False
    for char in local:
        if escaped:
            chars.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        else:
            chars.append(char)
    return "".join(chars)


def _dns_name(domain: str) -> str:
    domain = domain.strip().rstrip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def has_public_domain(email: str) -> bool:
    """Whether the domain is a dotted public name (checked by its spelling; no DNS)."""
    domain = email.strip().lower().rpartition("@")[2].rstrip(".")
    try:
        ipaddress.ip_address(domain.strip("[]"))
        return False
    except ValueError:
        pass
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and bool(_TLD.match(labels[-1]))
        and labels[-1] not in RESERVED_TLDS
    )


# No mail provider hands out an address starting with these, and a spreadsheet opening an
# export would take such an address for a formula (the admin's CSV quotes them as well).
FORMULA_STARTS = ("=", "+", "-", "@")


def validate_plain_start(email: str) -> None:
    if email.strip().startswith(FORMULA_STARTS):
        raise ValidationError(
            "An email address cannot start with %(start)s.",
            code="start",
            params={"start": f"“{email.strip()[0]}”"},
        )


def validate_deliverable(email: str) -> None:
    if not has_public_domain(email):
        raise ValidationError(
            "Enter an email address we can deliver to, like name@example.org.", code="domain"
        )
