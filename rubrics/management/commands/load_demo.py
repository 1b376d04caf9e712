from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from rubrics.services.demo import demo_load


class Command(BaseCommand):
    help = "Create the demo organisation, its users and the NLP Machine Learning Intern loop (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--skip-publish", action="store_true", help="Do not run the reference solutions now.")

    def handle(self, *args: Any, **options: Any) -> None:
        loop = demo_load()
        stages = ", ".join(stage.title for stage in loop.stages.order_by("position"))
        self.stdout.write(f"demo loop ready: {loop.title!r} — stages: {stages}")
        if options["skip_publish"]:
            return
        # Publishing runs each reference solution in the sandbox (without an engine it waits): grading's
        # publish_coding_questions command, called by name.
        call_command("publish_coding_questions", org=loop.organisation.slug, stdout=self.stdout)
