import getpass
import os
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q

from accounts.services import second_factor_setup
from meetings.models import Entity
from workstreams.models import FocalPoint
from workstreams.permissions import FOCAL_POINT, ROLES


class Command(BaseCommand):
    help = (
        "Create a workspace login with a role. The password is read from EMG_PASSWORD, "
        "or asked for twice at the prompt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=list(ROLES))
        parser.add_argument(
            "--entity", help="The acronym of the entity a focal point speaks for, e.g. UNESCO."
        )
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--totp",
            action="store_true",
            help="Set up two-factor authentication: prints the authenticator's otpauth:// URI "
            "and the recovery codes, once.",
        )

    def handle(
        self,
        *args: Any,
        username: str,
        role: str,
        entity: str | None,
        email: str,
        totp: bool,
        **options: Any,
    ) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named “{username}” exists already.")
        focal_entity = self._entity(role, entity)
        password = self._password(User(username=username, email=email))
        with transaction.atomic():
            user = User.objects.create_user(username, email=email, password=password, is_staff=True)
            user.groups.add(Group.objects.get(name=role))
            if focal_entity is not None:
                FocalPoint.objects.create(user=user, entity=focal_entity)
            if totp:
                device, codes = second_factor_setup(user=user)
        speaks_for = f" for {focal_entity}" if focal_entity else ""
        self.stdout.write(self.style.SUCCESS(f"Created {username} ({role}{speaks_for})."))
        if totp:
            # Shown once: neither is stored where it can be read back.
            self.stdout.write(
                "Two-factor authentication is on. Add this to an authenticator app "
                "(or make a QR code of it):"
            )
            self.stdout.write(device.config_url)
            self.stdout.write("Recovery codes, each good once:")
            self.stdout.write(" ".join(codes))

    def _entity(self, role: str, acronym: str | None) -> Entity | None:
        if role != FOCAL_POINT:
            if acronym:
                raise CommandError("Only a focal point speaks for an entity: drop --entity.")
            return None
        if not acronym:
            raise CommandError("A focal point speaks for an entity: give --entity ACRONYM.")
        found = Entity.objects.filter(Q(acronym__iexact=acronym) | Q(slug=acronym.lower())).first()
        if found is None:
            raise CommandError(f"No entity has the acronym “{acronym}”.")
        return found

    def _password(self, user: User) -> str:
        password = os.environ.get("EMG_PASSWORD")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password, user)
        except ValidationError as invalid:
            raise CommandError(" ".join(invalid.messages)) from invalid
        return password
