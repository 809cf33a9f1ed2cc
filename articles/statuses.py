"""An article's workflow statuses, and which of them readers or only publishers see."""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


# A scheduled article is live once its time has come: no job has to flip its status.
LIVE_STATUSES = (Status.SCHEDULED, Status.PUBLISHED)
# Statuses only someone with the publish permission may set.
PUBLISHING_STATUSES = (Status.SCHEDULED, Status.PUBLISHED, Status.UNPUBLISHED)
