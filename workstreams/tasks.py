"""Celery tasks. Each takes ids, calls a service, and is safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from workstreams import services


@shared_task(
    name="workstreams.briefing_pack_run",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def briefing_pack_run(job_id: int) -> None:
    """Compile a briefing pack. A database outage is retried with backoff, up to five times."""
    services.briefing_pack_run(job_id=job_id)
