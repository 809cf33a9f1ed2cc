from celery import shared_task

from readers import services


@shared_task
def sweep_tokens() -> int:
    """Forget sign-in and confirmation links expired a week ago."""
    return services.tokens_sweep()
