"""The parts of every reader page the publication draws: head links, masthead, footer.

Each is drawn once per version of the masthead in each process (newsroom.rendered).
"""

from django import template

from newsroom import rendered
from publication.services import masthead

register = template.Library()


@register.simple_tag
def site_head_links():
    return rendered.render((), "publication/includes/head_links.html", {})


@register.simple_tag(takes_context=True)
def site_header(context):
    snapshot = masthead()
    request = context.get("request")
    path = request.path if request is not None else ""
    # The navigation marks the page the reader is on, when it is one it links to.
    nav = {"/", *(section.get_absolute_url() for section in snapshot["sections"])}
    current = path if path in nav else ""
    return rendered.render(
        (snapshot["version"], current),
        "publication/includes/header.html",
        {"masthead": snapshot, "publication": snapshot["publication"], "current": current},
    )


@register.simple_tag
def site_footer():
    snapshot = masthead()
    return rendered.render(
        (snapshot["version"],),
        "publication/includes/footer.html",
        {"masthead": snapshot, "publication": snapshot["publication"]},
    )
