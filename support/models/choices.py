from django.db import models


class Placement(models.TextChoices):
    TOP_BANNER = "top_banner", "Top banner"
    END_OF_ARTICLE = "end_of_article", "End of article"
    SUPPORT_PAGE = "support_page", "Support page"
    REMINDER = "reminder", "Reminder email"
    NEWSLETTER = "newsletter", "Newsletter"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    ANNUAL = "annual", "Annual"
    ONCE = "once", "One-time"
