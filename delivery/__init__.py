"""Delivery: what leaves the tracker after a write commits, and how it gets there.

- the outbox (``delivery/outbox.py``): a task recorded in the write's transaction, handed to
  Celery once it commits, or later if the broker is down;
- webhooks (``delivery/webhooks/``): signed POSTs to API consumers' URLs, retried and recorded;
- notices (``delivery/notices.py``): the daily e-mails around submission deadlines.

The rest of the code calls only ``delivery.interface``. This module itself imports nothing, so
that ``workstreams.models`` can name the validators of ``delivery.webhooks.validation``.
"""
