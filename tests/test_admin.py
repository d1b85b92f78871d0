"""The admin as a whole: every page opens, and no form offers a select of the whole table."""

import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("record")

# The longest select a form may show: choices of a fixed vocabulary, or the meetings (a few a year).
LONGEST_SELECT = 40
SELECT = re.compile(r"<select[^>]*name=\"([^\"]+)\"[^>]*>(.*?)</select>", re.S)


def _selects(html: str) -> dict[str, int]:
    return {name: body.count("<option") for name, body in SELECT.findall(html)}


@pytest.mark.parametrize(
    "model", list(admin.site._registry), ids=lambda m: f"{m._meta.app_label}.{m._meta.model_name}"
)
def test_forms_use_autocomplete_not_long_selects(client: Any, model: Any) -> None:
    client.force_login(User.objects.create_superuser("root", password="x" * 12))
    opts = model._meta
    obj = model._default_manager.order_by("pk").first()
    urls = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
    if obj is not None:
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        long_selects = {
            name: count
            for name, count in _selects(response.content.decode()).items()
            if count > LONGEST_SELECT
            and not name.endswith("groups")
            and not name.endswith("permissions")
        }
        assert long_selects == {}, url
