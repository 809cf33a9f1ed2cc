from django.core.management.base import BaseCommand

from articles.photos import photos_request_renditions


class Command(BaseCommand):
    help = (
        "Ask the workers to make every photo's renditions again (after an upgrade that adds "
        "crops or sizes); pages keep the current ones until the new ones are made."
    )

    def handle(self, *args, **options):
        count = photos_request_renditions()
        self.stdout.write(f"Asked for the renditions of {count} photo{'s' * (count != 1)}.")
