"""``manage.py create_token USERNAME [--name NAME]``: a new API token; prints only the raw token."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cadence.accounts.actions import AccountError, create_api_token
from cadence.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create an API token for a staff member and print it (once; only its hash is stored). "
        "The token acts with exactly that user's permissions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Created with manage.py create_token", help="What will use it.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is not active; activate the account first.")
        try:
            # The token's owner is recorded as its creator: the command runs with the server's rights.
            token, raw = create_api_token(user=user, name=name, by=user, at=timezone.now())
        except AccountError as err:
            raise CommandError(f"{err.field}: {err.reason}") from err
        self.stderr.write(f"Token {token.prefix}… ({token.name!r}) created for {user.username}. It is shown only once:")
        self.stdout.write(raw)
