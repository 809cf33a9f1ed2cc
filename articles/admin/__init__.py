from articles.admin import articles, live, photos, taxonomy  # noqa: F401  (registers the admins)
