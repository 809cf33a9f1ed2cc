"""The body editor's helpers for story blocks: a chooser of our own published stories
(for a related-story block) and the resolving of a pasted embed URL, both small JSON
answers; and the embeds' own admin, with "Resolve again" for one whose provider was down."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse

from articles.embeds import EmbedUrlError, embed_for_url, embed_resolve
from articles.models import Article, Embed

STORIES = 20
PROVIDER_NAMES = [
    "YouTube", "Vimeo", "X", "Datawrapper", "Flourish", "Telegram", "Instagram",
    "OpenStreetMap", "Google Maps",
]  # fmt: skip


def story_chooser_view(model_admin: admin.ModelAdmin, request):
    """GET ?q=words: our published stories whose headline has them, newest first."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    query = " ".join(request.GET.get("q", "").split())[:200]
    stories = Article.objects.published().only("pk", "headline", "slug", "publish_at")
    if query:
        stories = stories.filter(headline__icontains=query)
    found = stories.order_by("-publish_at", "-pk")[:STORIES]
    return JsonResponse(
        {
            "results": [
                {"id": a.pk, "headline": a.headline, "url": a.get_absolute_url()} for a in found
            ]
        }
    )


def embed_resolve_view(model_admin: admin.ModelAdmin, request):
    """POST url=…: the kept embed for it, resolved now if it never was (or failed).
    GET: the providers an embed may come from."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if request.method != "POST":
        return JsonResponse({"providers": PROVIDER_NAMES})
    try:
        embed = embed_for_url(url=request.POST.get("url", ""))
    except EmbedUrlError as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse(
        {
            "id": embed.pk,
            "url": embed.url,
            "provider": embed.provider_name,
            "title": embed.title,
            "error": embed.error,
        }
    )


@admin.register(Embed)
class EmbedAdmin(admin.ModelAdmin):
    list_display = ["url", "provider", "title", "resolved_at", "error"]
    list_filter = ["provider"]
    search_fields = ["url", "title", "author"]
    readonly_fields = [
        "url", "provider", "title", "author", "thumbnail", "frame_url", "html", "resolved_at",
        "error", "created_at",
    ]  # fmt: skip
    actions = ["resolve_again"]

    def has_add_permission(self, request):
        return False  # embeds are made by pasting a URL into a story

    @admin.action(description="Resolve again (a provider that was down)", permissions=["change"])
    def resolve_again(self, request, queryset):
        failed = 0
        for embed in queryset:
            failed += bool(embed_resolve(embed=embed).error)
        level = messages.WARNING if failed else messages.SUCCESS
        self.message_user(request, f"Resolved {queryset.count()}; {failed} still failing.", level)
