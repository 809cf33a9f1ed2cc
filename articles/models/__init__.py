from articles.models.articles import Article, Byline, Correction, Status
from articles.models.desk import DeskNotice, ProposedRevision
from articles.models.editing import Autosave, EditingSession
from articles.models.embeds import Embed, Provider
from articles.models.live import LiveBlog, LiveEntry
from articles.models.photos import InlinePhoto, Photo
from articles.models.taxonomy import Author, Section, Tag

__all__ = [
    "Article", "Author", "Autosave", "Byline", "Correction", "DeskNotice", "EditingSession",
    "Embed", "InlinePhoto", "LiveBlog", "LiveEntry", "Photo", "ProposedRevision", "Provider",
    "Section", "Status", "Tag",
]  # fmt: skip
