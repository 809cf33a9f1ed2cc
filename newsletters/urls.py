from django.urls import path

from newsletters import views

app_name = "newsletters"

urlpatterns = [
    path("", views.index, name="index"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("webhooks/mailgun/", views.mailgun_webhook, name="mailgun-webhook"),
    path("webhooks/bounces/", views.generic_webhook, name="bounce-webhook"),
]
