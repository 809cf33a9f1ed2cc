from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static

from articles.caching import reader_page
from articles.seo import absolute_url
from publication.models import Page


@reader_page
def page(request, slug):
    obj = get_object_or_404(Page, slug=slug)
    context = {"page": obj, "canonical": absolute_url(obj.get_absolute_url())}
    return render(request, "publication/page.html", context)


def favicon(request):
    return redirect(static("favicon.ico"), permanent=True)
