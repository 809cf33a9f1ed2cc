"""The Jinja2 environment of the site's own templates (reader pages and emails).

Reader pages are rendered by Jinja2 rather than the Django template language: it compiles
templates to Python and drew the article page several times faster (README, Benchmarks).
The Django admin, and the pages built on it (``admin/``, ``accounts/``), keep the Django
template language, which the admin requires: ``SiteLoader`` leaves their names to it.

Each app adds its own globals and filters through ``register(environment)`` in the module
that ``TEMPLATES[...]["OPTIONS"]["libraries"]`` names, so this module imports no app.
"""

from django.template.defaultfilters import linebreaksbr as django_linebreaksbr
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.module_loading import import_string
from jinja2 import Environment, FileSystemLoader, TemplateNotFound, select_autoescape
from markupsafe import Markup

# Names under these folders are templates of the Django template language (the admin's).
DJANGO_TEMPLATE_FOLDERS = ("admin/", "accounts/")


class SiteLoader(FileSystemLoader):
    def get_source(self, environment, template):
        if template.startswith(DJANGO_TEMPLATE_FOLDERS):
            raise TemplateNotFound(template)
        return super().get_source(environment, template)


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format_string: str = "j F Y") -> str:
    """Django's date format (``{{ moment|date("j F Y, H:i T") }}``), in the current time zone."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, format_string)


def linebreaksbr(value) -> Markup:
    """The text, escaped, with its line breaks as <br>."""
    return Markup(django_linebreaksbr(value, autoescape=True))  # noqa: S704 (escaped)


def environment(*, libraries=(), **options) -> Environment:
    options["loader"] = SiteLoader(options["loader"].searchpath)
    # Escaped everywhere but in the text parts of emails (*.txt).
    options["autoescape"] = select_autoescape(
        disabled_extensions=("txt",), default_for_string=True, default=True
    )
    env = Environment(**options)  # noqa: S701 (autoescape is set just above)
    env.globals.update(static=static, url=url)
    env.filters.update(date=date, linebreaksbr=linebreaksbr)
    for library in libraries:
        import_string(f"{library}.register")(env)
    return env
