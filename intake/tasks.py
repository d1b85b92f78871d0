"""The intake's Celery job: reading a large report away from the upload's request."""

from celery import shared_task
from django.db import OperationalError

from intake import services


@shared_task(
    name=services.READ_TASK,
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def intake_read_task(intake_id: int) -> None:
    """Read an uploaded report into its review items; safe to run twice."""
    services.intake_read(intake_id=intake_id)
