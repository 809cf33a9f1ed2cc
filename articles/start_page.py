"""What the newsroom's start page lists for the person who opens it."""

from django.utils import timezone

from articles.desk import desk_notices, pending_proposals
from articles.models import Article, Photo, Status
from articles.workflow import user_may_publish

ROWS = 10
RIGHTS_WINDOW_DAYS = 14


def start_page(user) -> dict:
    if not user.has_perm("articles.view_article"):
        return {"newsroom": None}
    articles = Article.objects.select_related("section")
    now = timezone.now()
    photos = (
        Photo.objects.rights_expiring(within_days=RIGHTS_WINDOW_DAYS)
        .filter(is_placeholder=False)
        .with_usage_count()
        .order_by("rights_expire_on", "pk")[:ROWS]
    )
    return {
        "newsroom": {
            "drafts": articles.filter(created_by=user, status=Status.DRAFT).order_by(
                "-modified_at"
            )[:ROWS],
            "in_review": articles.filter(status=Status.IN_REVIEW)
            .select_related("submitted_by")
            .order_by("submitted_at", "pk")[:ROWS],
            "scheduled": articles.filter(status=Status.SCHEDULED, publish_at__gt=now).order_by(
                "publish_at"
            )[:ROWS],
            "published": articles.published().order_by("-publish_at", "-pk")[:ROWS],
            "expiring_photos": photos,
            "notices": desk_notices(user),
            "proposals": pending_proposals().order_by("created_at", "pk")[:ROWS]
            if user_may_publish(user)
            else pending_proposals().filter(proposed_by=user)[:ROWS],
            "rights_window_days": RIGHTS_WINDOW_DAYS,
        }
    }
