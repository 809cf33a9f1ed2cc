from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.give, name="give"),
    path("thanks/", views.thanks, name="thanks"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]
