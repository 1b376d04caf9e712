from typing import Any

from django.core.management.base import BaseCommand

from assessments.services.demo import demo_load


class Command(BaseCommand):
    help = "Create the demo organisation, its users and the NLP Machine Learning Intern loop (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        loop = demo_load()
        stages = ", ".join(stage.title for stage in loop.stages.order_by("position"))
        self.stdout.write(f"demo loop ready: {loop.title!r} — stages: {stages}")
