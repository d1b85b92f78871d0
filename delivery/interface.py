"""The one public interface of ``delivery``: what the rest of the code calls.

Emit an event, enqueue a task, create, change or resume a subscription, check a URL or a secret,
send the day's notices, deliver; follow a workstream by e-mail. Celery's task names are in
``delivery/tasks.py``.
"""

from delivery.following.events import (
    follow_agenda_run,
    follow_status_changed,
    follow_update_published,
)
from delivery.following.followers import (
    follower_address_clean,
    follower_confirm,
    follower_follow,
    follower_link_request,
    follower_request,
    follower_stop,
    follower_unfollow,
)
from delivery.following.mail import follow_mail_send, follow_message_send
from delivery.following.tokens import CONFIRM_MAX_AGE, follow_token, follower_from_token
from delivery.notices import NoticeReport, notices_send
from delivery.outbox import outbox_dispatch, outbox_enqueue
from delivery.webhooks.payloads import webhook_message_id
from delivery.webhooks.retries import (
    DELIVER_TASK,
    RESEND_TASK,
    Outcome,
    webhook_deliveries_resend,
    webhook_retry_countdown,
)
from delivery.webhooks.services import (
    webhook_deliver,
    webhook_event_emit,
    webhook_events_clean,
    webhook_meeting_added,
    webhook_status_changed,
    webhook_subscription_create,
    webhook_subscription_resume,
    webhook_subscription_save,
    webhook_subscription_update,
    webhook_update_published,
)
from delivery.webhooks.validation import (
    SECRET_HELP,
    SECRET_MAX_LENGTH,
    SECRET_PATTERN,
    URL_MAX_LENGTH,
    URL_PATTERN,
    webhook_secret_generate,
    webhook_secret_validate,
    webhook_url_validate,
)

__all__ = [
    "CONFIRM_MAX_AGE",
    "DELIVER_TASK",
    "RESEND_TASK",
    "SECRET_HELP",
    "SECRET_MAX_LENGTH",
    "SECRET_PATTERN",
    "URL_MAX_LENGTH",
    "URL_PATTERN",
    "NoticeReport",
    "Outcome",
    "follow_agenda_run",
    "follow_mail_send",
    "follow_message_send",
    "follow_status_changed",
    "follow_token",
    "follow_update_published",
    "follower_address_clean",
    "follower_confirm",
    "follower_follow",
    "follower_from_token",
    "follower_link_request",
    "follower_request",
    "follower_stop",
    "follower_unfollow",
    "notices_send",
    "outbox_dispatch",
    "outbox_enqueue",
    "webhook_deliver",
    "webhook_deliveries_resend",
    "webhook_event_emit",
    "webhook_events_clean",
    "webhook_meeting_added",
    "webhook_message_id",
    "webhook_retry_countdown",
    "webhook_secret_generate",
    "webhook_secret_validate",
    "webhook_status_changed",
    "webhook_subscription_create",
    "webhook_subscription_resume",
    "webhook_subscription_save",
    "webhook_subscription_update",
    "webhook_update_published",
    "webhook_url_validate",
]
