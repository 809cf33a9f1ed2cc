"""The admin site: the stock one, opening on the newsroom's start page."""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import BadRequest
from django.utils.module_loading import import_string

HIDDEN = {"axes"}


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Start"
    index_template = "admin/start.html"

    def admin_view(self, view, cacheable=False):
        """Every admin view, refusing as a bad request what Django would pass on to a 500.

        A NUL character in the address or a query parameter (PostgreSQL refuses it in any
        text it is asked to compare, so a list filter or an object id holding one failed),
        and an empty ?_to_field= (Django checks a named field against the ones that may be
        referenced but passes an empty name on to a lookup that fails).
        """
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def checked(request, *args, **kwargs):
            given = [*args, *kwargs.values(), *request.GET.keys()]
            given += [v for values in request.GET.lists() for v in values[1]]
            if any("\x00" in str(value) for value in given):
                raise BadRequest("The address holds a NUL character.")
            if "" in (request.GET.get(TO_FIELD_VAR), request.POST.get(TO_FIELD_VAR)):
                raise DisallowedModelAdminToField("No field was named to reference.")
            return inner(request, *args, **kwargs)

        return checked

    def each_context(self, request):
        """The header and title carry the publication's name (settings.ADMIN_SITE_NAME)."""
        context = super().each_context(request)
        name = import_string(settings.ADMIN_SITE_NAME)(request)
        if name:
            context["site_header"] = name
            context["site_title"] = f"{name} admin"
        return context

    def index(self, request, extra_context=None):
        start_page = import_string(settings.ADMIN_START_PAGE)
        context = {**start_page(request.user), **(extra_context or {})}
        response = super().index(request, extra_context=context)
        # Login-security records are reached from the sidebar, not the newsroom's start page.
        response.context_data["app_list"] = [
            app for app in response.context_data["app_list"] if app["app_label"] not in HIDDEN
        ]
        return response


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"
