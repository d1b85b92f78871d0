"""Standard Webhooks signatures: a stable message id per delivery, and secrets as ``whsec_``.

Every secret stored before this migration was used as its own bytes for the HMAC key; it is
rewritten as ``whsec_`` and the base64 of those bytes, the same key in the standard form, so
that a receiver's secret still verifies (docs/webhooks.md, "Secrets set before").
"""

import base64
import uuid
from typing import Any

from django.db import migrations, models

BATCH = 1000


def secrets_to_standard_form(apps: Any, schema_editor: Any) -> None:
    subscription_model = apps.get_model("workstreams", "WebhookSubscription")
    changed = []
    for subscription in subscription_model.objects.only("pk", "secret").iterator():
        subscription.secret = "whsec_" + base64.b64encode(subscription.secret.encode()).decode()
        changed.append(subscription)
    subscription_model.objects.bulk_update(changed, ["secret"], batch_size=BATCH)


def secrets_to_legacy_form(apps: Any, schema_editor: Any) -> None:
    subscription_model = apps.get_model("workstreams", "WebhookSubscription")
    changed = []
    for subscription in subscription_model.objects.only("pk", "secret").iterator():
        key = base64.b64decode(subscription.secret.removeprefix("whsec_"))
        try:
            subscription.secret = key.decode("ascii")
        except UnicodeDecodeError:  # a secret generated in the new form: no legacy spelling
            continue
        changed.append(subscription)
    subscription_model.objects.bulk_update(changed, ["secret"], batch_size=BATCH)


def message_ids_fill(apps: Any, schema_editor: Any) -> None:
    delivery_model = apps.get_model("workstreams", "WebhookDelivery")
    pending = delivery_model.objects.filter(message_id__isnull=True).only("pk")
    batch = []
    for delivery in pending.iterator():
        delivery.message_id = uuid.uuid4()
        batch.append(delivery)
        if len(batch) == BATCH:
            delivery_model.objects.bulk_update(batch, ["message_id"])
            batch = []
    delivery_model.objects.bulk_update(batch, ["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("workstreams", "0008_loaded_row_fingerprints"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhooksubscription",
            name="secret",
            field=models.CharField(
                help_text=(
                    "Signs each delivery (webhook-signature), in the Standard Webhooks form: "
                    "whsec_ and the base64 of the key."
                ),
                max_length=150,
            ),
        ),
        migrations.RunPython(secrets_to_standard_form, secrets_to_legacy_form),
        migrations.AddField(
            model_name="webhookdelivery",
            name="message_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(message_ids_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="webhookdelivery",
            name="message_id",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text=(
                    "Sent as webhook-id, the same on every attempt: receivers de-duplicate by it."
                ),
                unique=True,
            ),
        ),
    ]
