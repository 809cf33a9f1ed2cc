from celery import shared_task
from django.conf import settings

from pagecache import purge, schedule


@shared_task(
    autoretry_for=(purge.PurgeFailed,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=8,
    ignore_result=True,
)
def send_purges():
    """Send the queued edge purges once the origin's own copies have expired (retried with
    backoff; beat sends what is left)."""
    purge.send_queued(settle=settings.PAGE_CACHE_RECHECK_SECONDS)


@shared_task(ignore_result=True)
def publish_due():
    """Make the lists a scheduled story joins stale once its time has come (and purge them)."""
    schedule.publish_due()
