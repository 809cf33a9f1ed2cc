"""Who must use a second factor, and who may reset one."""

from django.conf import settings

EDITORS = "Editors"


def is_editor(user) -> bool:
    return user.is_superuser or user.groups.filter(name=EDITORS).exists()


def two_factor_required(user) -> bool:
    """Editors and superusers confirm a code after their password whenever DEBUG is off."""
    return bool(
        settings.TWO_FACTOR_REQUIRED and user.is_authenticated and user.is_staff and is_editor(user)
    )


def is_verified(user) -> bool:
    """True once the user has confirmed a code in this session (django-otp's middleware)."""
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def may_reset_two_factor(user) -> bool:
    """An Editor or a superuser, themselves confirmed, may reset a colleague's lost device."""
    return user.is_active and user.is_staff and is_editor(user) and is_verified(user)
