from django.urls import path

from support.views import account, appeals, giving, reminders, webhooks

app_name = "support"

urlpatterns = [
    path("", giving.give, name="give"),
    path("thanks/", giving.thanks, name="thanks"),
    path("goal.json", giving.goal, name="goal"),
    path("manage/<str:token>/", account.manage, name="manage"),
    path("account/", account.account, name="account"),
    path("card/<str:token>/", account.card_update, name="card-update"),
    path("account/sign-in/<str:ref>/<str:token>/", account.sign_in, name="account-sign-in"),
    path("account/new-link/", account.new_link, name="account-new-link"),
    path("account/sign-out/", account.sign_out, name="account-sign-out"),
    path("account/receipts/<int:payment_id>/", account.receipt, name="account-receipt"),
    path(
        "account/receipts/<int:payment_id>/send/",
        account.receipt_again,
        name="account-receipt-send",
    ),
    path("account/statements/<int:year>/", account.statement, name="account-statement"),
    path("account/gifts/<int:gift_id>/change/", account.gift_change, name="account-change"),
    path("account/gifts/<int:gift_id>/pause/", account.gift_pause, name="account-pause"),
    path("account/gifts/<int:gift_id>/resume/", account.gift_resume, name="account-resume"),
    path("account/gifts/<int:gift_id>/card/", account.gift_card, name="account-card"),
    path("account/gifts/<int:gift_id>/cancel/", account.gift_cancel, name="account-cancel"),
    path("appeals/weights.json", appeals.weights, name="appeal-weights"),
    path("appeals/count", appeals.count, name="appeal-count"),
    path("remind/", reminders.remind, name="remind"),
    path("remind/cancel/<str:token>/", reminders.cancel, name="remind-cancel"),
    path("remind/undo/<uuid:token>/", reminders.undo, name="remind-undo"),
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe-webhook"),
]
