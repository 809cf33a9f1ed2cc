"""Clipboard HTML from Google Docs, Word and web pages: hand-written fixtures in
tests/data/clipboard/, each opening with one comment line naming the markup it models
(that line is the fixture's description, not part of what is pasted)."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "data" / "clipboard"


def clipboard(name: str) -> str:
    """The HTML a browser hands a paste handler for this fixture."""
    header, clipboard_html = (FIXTURES / f"{name}.html").read_text().split("\n", 1)
    assert header.startswith("<!-- Models ") and header.endswith("-->"), name
    return clipboard_html


def description(name: str) -> str:
    header = (FIXTURES / f"{name}.html").read_text().split("\n", 1)[0]
    return header.removeprefix("<!-- Models ").removesuffix("-->").strip()
