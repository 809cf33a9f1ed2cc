from django.db import models


class Provider(models.TextChoices):
    YOUTUBE = "youtube", "YouTube"
    VIMEO = "vimeo", "Vimeo"
    X = "x", "X"
    DATAWRAPPER = "datawrapper", "Datawrapper"
    FLOURISH = "flourish", "Flourish"
    TELEGRAM = "telegram", "Telegram"
    INSTAGRAM = "instagram", "Instagram"
    MAP = "map", "a map"
    UNKNOWN = "unknown", "an unknown provider"


class Embed(models.Model):
    """Content from another site a story shows, resolved when an editor adds it and kept here.

    Readers see a card drawn from these fields; nothing reaches the provider until they
    press "Load content from …", and then only `frame_url` is loaded.
    """

    url = models.URLField(max_length=2000, unique=True)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    title = models.CharField(max_length=300, blank=True)
    author = models.CharField(max_length=200, blank=True)
    thumbnail = models.ImageField(
        upload_to="embeds/", blank=True, max_length=255,
        width_field="thumbnail_width", height_field="thumbnail_height",
    )  # fmt: skip
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The provider's oEmbed markup, sanitised to text and links and capped: never drawn as is.
    html = models.TextField(blank=True)
    # What a reader's press loads: an address on one of the provider's frame origins.
    frame_url = models.URLField(max_length=2000, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title or self.url

    @property
    def provider_name(self) -> str:
        return self.get_provider_display()
