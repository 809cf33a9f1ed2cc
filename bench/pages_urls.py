from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site


def bare(request, size):
    """The floor: Django returning as many bytes as the page, with no work at all."""
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/<int:size>/", bare), *site]
