"""The article body's rich-text widget: django-prose-editor's Tiptap build, under our CSP.

The package's own widget loads its modules through an inline import map, which the admin's
Content-Security-Policy (no inline script) refuses; this widget loads one module of ours that
imports the editor by URL, and the package's stylesheets. nh3 still decides what is stored.
"""

from django import forms
from django.urls import reverse

PROSE_CSS = [
    "django_prose_editor/material-icons.css",
    "django_prose_editor/editor.css",
    "django_prose_editor/overrides.css",
    "newsroom-admin/body-editor.css",
    "newsroom-admin/photo-chooser.css",
]


class BodyEditorWidget(forms.Textarea):
    template_name = (
        "articles/widgets/body_editor.html"  # an app template: widgets render with those
    )

    class Media:
        css = {"all": PROSE_CSS}
        js = [forms.Script("newsroom-admin/body-editor.js", type="module")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-body-editor"] = "true"
        context["widget"]["chooser_url"] = reverse("admin:articles_article_photo_chooser")
        context["widget"]["story_chooser_url"] = reverse("admin:articles_article_story_chooser")
        context["widget"]["embed_url"] = reverse("admin:articles_article_embed")
        return context

    def use_required_attribute(self, initial):
        return False
