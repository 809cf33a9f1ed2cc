from django.core.management.base import BaseCommand

from articles.seed import load_peacekeeper_story


class Command(BaseCommand):
    help = "Load the demo content (the peacekeeper story); running it again creates nothing."

    def handle(self, *args, **options):
        article = load_peacekeeper_story()
        self.stdout.write(f"Demo story: {article.headline} at {article.get_absolute_url()}")
