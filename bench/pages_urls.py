from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from newsroom.urls import urlpatterns as site


def bare(request, size):
    """The floor: Django returning as many bytes as the page, with no work at all."""
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


@csrf_exempt
def bare_post(request):
    """The floor of a beacon (bench/appeal_beacon.py): a POST read and answered 204."""
    request.body  # noqa: B018 - read, as the beacon reads it
    return HttpResponse(status=204)


urlpatterns = [
    path("bench/bare/<int:size>/", bare),
    path("bench/bare-post/", bare_post),
    *site,
]
