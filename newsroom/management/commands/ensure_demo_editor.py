import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo editor account once and print its password that one time."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Demo editor '{username}' already exists; password unchanged.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Demo editor created. Log in at http://127.0.0.1:8000/admin/ with\n"
                f"  username: {username}\n  password: {password}\n"
                "(shown only this once; reset with `manage.py changepassword`)."
            )
        )
