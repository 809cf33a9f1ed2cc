from django.urls import path

from publication import views

app_name = "publication"

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("<slug:slug>/", views.page, name="page"),
]
