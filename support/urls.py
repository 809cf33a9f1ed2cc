from django.urls import path

from support.views import giving, reminders, webhooks

app_name = "support"

urlpatterns = [
    path("", giving.give, name="give"),
    path("thanks/", giving.thanks, name="thanks"),
    path("goal.json", giving.goal, name="goal"),
    path("manage/<str:token>/", giving.manage, name="manage"),
    path("remind/", reminders.remind, name="remind"),
    path("remind/cancel/<str:token>/", reminders.cancel, name="remind-cancel"),
    path("remind/undo/<uuid:token>/", reminders.undo, name="remind-undo"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
]
