"""Who must use a second factor, and who may reset whose.

Both rules read what an account can do, never the name of a group it is in: a permission
given to one account directly, or through a group made later, counts the same.
"""

from django.conf import settings
from django.contrib.auth.models import Permission
from django_otp import user_has_device

# The Writers' permissions are the most an account may hold with a password alone.
WRITERS = "Writers"
# Resetting a colleague's second factor deletes their devices.
RESET_PERMISSIONS = ("otp_totp.delete_totpdevice", "otp_static.delete_staticdevice")


def writers_permissions() -> set[str]:
    """Return the Writers group's permissions as "app_label.codename" (none without it)."""
    rows = Permission.objects.filter(group__name=WRITERS).values_list(
        "content_type__app_label", "codename"
    )
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def two_factor_required(user) -> bool:
    """Whether the staff member must confirm a code after the password (never when DEBUG
    is on): superusers, anyone who has set up a device, and anyone holding a permission
    beyond the Writers' own."""
    if not (settings.TWO_FACTOR_REQUIRED and user.is_authenticated and user.is_staff):
        return False
    return (
        user.is_superuser
        or user_has_device(user, confirmed=True)
        or bool(user.get_all_permissions() - writers_permissions())
    )


def is_verified(user) -> bool:
    """True once the user has confirmed a code in this session (django-otp's middleware)."""
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def may_reset_two_factor(user) -> bool:
    """Whether the user, confirmed, may reset anyone's device: a superuser, or an account
    holding the reset permissions (the Editors group does)."""
    return bool(
        user.is_active
        and user.is_staff
        and is_verified(user)
        and (user.is_superuser or user.has_perms(RESET_PERMISSIONS))
    )


def may_reset_two_factor_of(actor, target) -> bool:
    """Whether `actor` may reset `target`'s device: never their own; a superuser's only by a
    superuser; anyone else's only if the target can do strictly less than the actor."""
    if target.pk == actor.pk or not may_reset_two_factor(actor):
        return False
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    return target.get_all_permissions() < actor.get_all_permissions()
