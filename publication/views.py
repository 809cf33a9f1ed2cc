from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static

from newsroom.links import absolute_url
from pagecache.pages import reader_page
from publication.models import Page


@reader_page
def page(request, slug):
    obj = get_object_or_404(Page, slug=slug)
    context = {"page": obj, "canonical": absolute_url(obj.get_absolute_url())}
    return render(request, "publication/page.html", context)


def favicon(request):
    return redirect(static("favicon.ico"), permanent=True)
