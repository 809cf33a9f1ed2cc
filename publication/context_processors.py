from django.utils.functional import SimpleLazyObject

from publication.services import masthead


def publication(request):
    """The masthead, read only by the templates that draw it (the admin's do not)."""
    return {"masthead": SimpleLazyObject(lambda: masthead(request))}
