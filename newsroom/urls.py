from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/2fa/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("support/", include("support.urls")),
    path("email/", include("readers.urls")),
    path("newsletters/", include("newsletters.urls")),
    path("", include("articles.urls")),
    path("", include("publication.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
