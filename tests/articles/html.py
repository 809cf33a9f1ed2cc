"""Read rendered pages the way a browser would, for assertions."""

import json
from html.parser import HTMLParser

VOID = {"meta", "link", "img", "source", "br", "hr", "input", "area", "base", "col", "wbr"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[dict] = []
        self.open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {
            "tag": tag,
            "attrs": dict(attrs),
            "text": "",
            "parents": [(e["tag"], e["attrs"].get("class", "")) for e in self.open],
        }
        self.elements.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index]["tag"] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data


def parse(content: bytes | str) -> list[dict]:
    page = _Page()
    page.feed(content.decode() if isinstance(content, bytes) else content)
    return page.elements


def find(content, tag, **attrs) -> list[dict]:
    """Return elements with this tag whose attributes contain the given values."""
    wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return [
        e
        for e in parse(content)
        if e["tag"] == tag
        and all(
            value in e["attrs"].get(key, "").split() or e["attrs"].get(key) == value
            for key, value in wanted.items()
        )
    ]


def inside(content, tag, parent_class) -> list[dict]:
    return [e for e in parse(content) if e["tag"] == tag and any(
        parent_class in classes.split() for _, classes in e["parents"]
    )]  # fmt: skip


def meta(content, key) -> list[str]:
    return [
        e["attrs"]["content"]
        for e in parse(content)
        if e["tag"] == "meta" and key in (e["attrs"].get("property"), e["attrs"].get("name"))
    ]


def json_ld(content) -> dict:
    scripts = find(content, "script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0]["text"])
