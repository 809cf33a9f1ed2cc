"""A list added, renamed or closed changes the sign-up form on every page."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from newsletters.models import Newsletter
from newsletters.templating import lists_data
from pagecache.tags import ALL, invalidate


@receiver([post_save, post_delete], sender=Newsletter)
def _newsletter_changed(sender, instance, **kwargs):
    lists_data.bump()
    invalidate(ALL)
