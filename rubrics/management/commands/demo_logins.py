from typing import Any

from django.core.management.base import BaseCommand

from rubrics.services.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo accounts created by load_demo."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<6} {user.role.label:<15} {user.name}")
        self.stdout.write(
            "Log in at /accounts/login/; the admin manages colleagues at /manage/people/. The Django admin (/admin/) "
            "is for platform operators only: make one with `manage.py createsuperuser`."
        )
