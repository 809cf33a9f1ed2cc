from articles.models.articles import Article, Byline, Correction, Status
from articles.models.editing import EditingSession
from articles.models.live import LiveBlog, LiveEntry
from articles.models.photos import InlinePhoto, Photo
from articles.models.taxonomy import Author, Section, Tag

__all__ = [
    "Article", "Author", "Byline", "Correction", "EditingSession", "InlinePhoto", "LiveBlog",
    "LiveEntry", "Photo",
    "Section", "Status", "Tag",
]  # fmt: skip
