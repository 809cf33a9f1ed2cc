import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from readers.services import mailbox_export


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything the site holds about an email address (every app's part: "
        "readers, support, ...), under every spelling of its mailbox."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", help="Write the JSON to this file instead of stdout.")

    def handle(self, *args, email, output, **options):
        data = mailbox_export(email)
        text = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"Wrote the data held about {data['email']} to {output}.")
        else:
            self.stdout.write(text)
