from django.urls import path

from readers import views

app_name = "readers"

urlpatterns = [
    path("confirm/<str:ref>/<str:token>/", views.confirm, name="confirm"),
    path("confirm/new/", views.confirm_new, name="confirm-new"),
    path("opt-out/<str:token>/", views.opt_out, name="opt-out"),
]
