from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from support import stripe_gateway, webhooks


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = stripe_gateway.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except stripe_gateway.InvalidWebhook as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    record = webhooks.stripe_event_record(event=event)
    if record is None:
        return HttpResponse("duplicate", content_type="text/plain")
    if record.type in webhooks.HANDLERS:
        webhooks.enqueue_processing(record)
    else:
        webhooks.mark_ignored(record)
    return HttpResponse("ok", content_type="text/plain")
