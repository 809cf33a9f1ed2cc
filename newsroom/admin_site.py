"""The admin site: the stock one, opening on the newsroom's start page."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.module_loading import import_string

HIDDEN = {"axes"}


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Start"
    index_template = "admin/start.html"

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
