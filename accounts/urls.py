from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("setup/", views.setup, name="setup"),
    path("recovery-codes/", views.recovery_codes, name="recovery"),
    path("reset/", views.reset, name="reset"),
]
