"""``manage.py create_user``: a login with a role, the password from EMG_PASSWORD or the prompt."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.usefixtures("record")


def test_creates_a_focal_point_for_an_entity(monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setenv("EMG_PASSWORD", "correct-horse-battery")
    call_command("create_user", "amara", "--role", "focal_point", "--entity", "unesco")
    user = User.objects.get(username="amara")
    assert user.is_staff
    assert not user.is_superuser
    assert user.check_password("correct-horse-battery")
    assert [g.name for g in user.groups.all()] == ["focal_point"]
    assert user.focal_point.entity.acronym == "UNESCO"
    assert "Created amara (focal_point for UNESCO)." in capsys.readouterr().out


def test_prompts_twice_for_the_password_when_the_variable_is_unset(monkeypatch: Any) -> None:
    monkeypatch.delenv("EMG_PASSWORD", raising=False)
    answers = iter(["correct-horse-battery", "correct-horse-battery"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_user", "sam", "--role", "secretariat")
    assert User.objects.get(username="sam").groups.get().name == "secretariat"


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--role", "focal_point"], "correct-horse-battery", "give --entity ACRONYM"),
        (["--role", "focal_point", "--entity", "NOPE"], "correct-horse-battery", "No entity"),
        (["--role", "viewer", "--entity", "UNEP"], "correct-horse-battery", "drop --entity"),
        (["--role", "viewer"], "123", "too short"),
    ],
)
def test_refuses_bad_input_and_creates_nothing(
    monkeypatch: Any, args: list[str], password: str, message: str
) -> None:
    monkeypatch.setenv("EMG_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_user", "nobody", *args)
    assert not User.objects.filter(username="nobody").exists()


def test_refuses_an_unknown_role() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("create_user", "nobody", "--role", "admin")


def test_refuses_an_existing_username(monkeypatch: Any) -> None:
    monkeypatch.setenv("EMG_PASSWORD", "correct-horse-battery")
    call_command("create_user", "twice", "--role", "viewer")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_user", "twice", "--role", "viewer")
