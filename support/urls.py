from django.urls import path

from support.views import appeals, giving, reminders, webhooks

app_name = "support"

urlpatterns = [
    path("", giving.give, name="give"),
    path("thanks/", giving.thanks, name="thanks"),
    path("goal.json", giving.goal, name="goal"),
    path("appeals/weights.json", appeals.weights, name="appeal-weights"),
    path("appeals/count", appeals.count, name="appeal-count"),
    path("manage/<str:token>/", giving.manage, name="manage"),
    path("remind/", reminders.remind, name="remind"),
    path("remind/cancel/<str:token>/", reminders.cancel, name="remind-cancel"),
    path("remind/undo/<uuid:token>/", reminders.undo, name="remind-undo"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
]
