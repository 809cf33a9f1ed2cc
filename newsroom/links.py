def absolute_url(path: str) -> str:
    """The address of a path of the site, for emails, feeds, sitemaps and structured data."""
    from django.conf import settings

    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path
