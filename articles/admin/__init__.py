from articles.admin import articles, photos, taxonomy  # noqa: F401  (registers the admins)
