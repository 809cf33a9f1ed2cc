from django.core.management.base import BaseCommand

from articles.photos import photo_move_to_unguessable_name, photos_with_guessable_names


class Command(BaseCommand):
    help = (
        "Move the originals of photos no live story shows, stored before their names "
        "carried a random token, to unguessable names, and make their renditions anew."
    )

    def handle(self, *args, **options):
        moved = sum(
            photo_move_to_unguessable_name(photo=photo) for photo in photos_with_guessable_names()
        )
        self.stdout.write(f"Moved {moved} photo{'s' * (moved != 1)} to unguessable names.")
