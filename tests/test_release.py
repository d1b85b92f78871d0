"""The release that names the shared cache's answers (emgtracker/caching.py)."""

from pathlib import Path
from typing import Any

from emgtracker.caching import release

name_release = release.__wrapped__  # the function itself, without its once-a-process memo


def test_release_is_the_environments_when_set(settings: Any) -> None:
    settings.CACHE_RELEASE = "2026.12.1"
    assert name_release() == "2026.12.1"


def test_release_changes_with_a_template_and_only_then(settings: Any, tmp_path: Path) -> None:
    settings.CACHE_RELEASE = ""
    settings.BASE_DIR = tmp_path
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "page.html"
    template.write_text("<p>SOM28</p>")
    first = name_release()
    assert name_release() == first
    template.write_text("<p>SOM28 mid-term</p>")
    assert name_release() != first
