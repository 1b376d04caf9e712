from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.importing import MarkdownImportError
from assessments.services.importing import question_set_import_file
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Create or refresh a question set from a Markdown file (re-importing the same file changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="Organisation slug")
        parser.add_argument("--slug", default="", help="Question-set slug (default: from the title)")
        parser.add_argument("--title", default="", help="Question-set title (default: the file's H1 or its name)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {options['org']!r}.")
        try:
            report = question_set_import_file(
                organisation=organisation, path=path, slug=options["slug"], title=options["title"]
            )
        except MarkdownImportError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        state = "unchanged" if report.unchanged else "imported"
        self.stdout.write(
            f"{state}: {report.question_set.title!r} ({report.question_set.slug}) — "
            f"{report.sections} sections, {report.questions} questions, {report.created_questions} new in the bank"
        )
        for line in report.skipped:
            self.stdout.write(f"  skipped {line}")
