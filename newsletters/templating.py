"""What reader pages draw of the newsletters: the lists a reader may sign up to, kept by
each process per version (every page's footer draws the sign-up form)."""

from pagecache.versions import Namespace

lists_data = Namespace("newsletters")


def open_newsletters(request=None) -> list:
    """The newsletters accepting sign-ups, in their order (no per-reader content)."""
    from newsletters.models import Newsletter

    return lists_data.get(
        "open", lambda: list(Newsletter.objects.filter(accepting_signups=True)), request=request
    )


def register(environment) -> None:
    environment.globals.update(open_newsletters=open_newsletters)
