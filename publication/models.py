import nh3
from django.db import models

from newsroom.reversing import reverse

# What the publication's own pages (About, Contact, Privacy) may contain: text, headings,
# lists, links and code (the privacy page names its cookies); scripts, styles and every other
# tag or attribute are removed.
PAGE_TAGS = {"p", "br", "h2", "h3", "h4", "a", "em", "strong", "b", "i", "ul", "ol", "li"}
PAGE_TAGS |= {"blockquote", "hr", "small", "code"}


def clean_page(value: str) -> str:
    return nh3.clean(
        value or "",
        tags=PAGE_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


class Publication(models.Model):
    """The one row that says who publishes the site: its name, masthead and footer."""

    name = models.CharField(max_length=100, default="Newsroom")
    tagline = models.CharField(max_length=200, blank=True)
    logo = models.ImageField(
        upload_to="publication/",
        blank=True,
        help_text="Shown in the masthead instead of the name in type (PNG or JPEG, wide).",
    )
    nav_sections = models.ManyToManyField(
        "articles.Section",
        blank=True,
        related_name="+",
        verbose_name="sections in the masthead",
        help_text="In their section order; with none chosen, every section is listed.",
    )
    contact_email = models.EmailField(blank=True)
    receipt_tax_note = models.TextField(
        "tax wording on receipts",
        blank=True,
        help_text='For example "Gifts are not tax-deductible." Printed on every receipt.',
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "publication"

    def __str__(self):
        return self.name

    @classmethod
    def load(cls) -> "Publication":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class Page(models.Model):
    """A page of the publication's own: About, Contact, Privacy, Terms."""

    title = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True, help_text="The page's address: /slug/")
    body = models.TextField(help_text="HTML: paragraphs, headings, lists and links.")
    in_footer = models.BooleanField("linked in the footer", default=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = clean_page(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("publication:page", args=[self.slug])
