from django.http import Http404, HttpResponse

from articles import sitemaps
from pagecache.pages import reader_page
from pagecache.tags import add_tags

XML = "application/xml; charset=utf-8"


@reader_page
def index(request):
    add_tags(request, "sitemaps")
    return HttpResponse(sitemaps.index_xml(sitemaps.index_entries()), content_type=XML)


@reader_page
def sections(request):
    add_tags(request, "sitemaps", "lists")
    return HttpResponse(sitemaps.urlset_xml(sitemaps.section_entries()), content_type=XML)


@reader_page(query=("part",))
def month(request, year, month):
    add_tags(request, "sitemaps")
    try:
        part = int(request.GET.get("part", "1"))
    except ValueError:
        part = 0
    entries = sitemaps.month_entries(year, month, part) if 1 <= part <= 1000 else None
    if entries is None:
        raise Http404("No such sitemap.")
    return HttpResponse(sitemaps.urlset_xml(entries), content_type=XML)
