"""The site's URLs under /edition/, for tests/newsroom/test_reversing.py."""

from django.urls import include, path

urlpatterns = [path("edition/", include("newsroom.urls"))]
