import django_stubs_ext

from emgtracker.celery import app as celery_app

# Lets Django's generic classes be subscripted at run time (``admin.ModelAdmin[Meeting]``), as
# their type stubs declare them.
django_stubs_ext.monkeypatch()

__all__ = ("celery_app",)
