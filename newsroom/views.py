from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from newsroom.health import service_statuses


@never_cache
def healthz(request):
    statuses = service_statuses()
    healthy = all(value == "ok" for value in statuses.values())
    return JsonResponse(statuses, status=200 if healthy else 503)
