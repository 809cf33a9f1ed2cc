from articles.admin import articles, blocks, live, photos, taxonomy  # noqa: F401 (the admins)
