from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grading.services import coding_specs_publish_pending
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Publish coding questions whose reference solution passes all their tests in the sandbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="Organisation slug")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {options['org']!r}.")
        report = coding_specs_publish_pending(organisation=organisation)
        if not report:
            self.stdout.write("nothing to publish")
        for name, state in report.items():
            self.stdout.write(f"{name}: {state}")
