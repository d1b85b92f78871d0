"""The Celery app. Worker: ``celery -A emgtracker worker``; beat: ``celery -A emgtracker beat``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emgtracker.settings")

app = Celery("emgtracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
