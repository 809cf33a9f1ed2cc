"""The admin site: the stock one, opening on the newsroom's start page."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Start"
    index_template = "admin/start.html"

    def index(self, request, extra_context=None):
        from articles.start_page import start_page

        context = {**start_page(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"
