"""Consents already awaiting their scan get the grace from the day this ships, not from signing."""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def grace_from_today(apps, schema_editor):
    due = timezone.now() + datetime.timedelta(days=settings.CONSENT_SCAN_GRACE_DAYS)
    consents = apps.get_model("consent", "Consent").objects
    consents.filter(status="given", scan="", scan_due_at__isnull=True).update(scan_due_at=due)


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_scan_due_at")]

    operations = [migrations.RunPython(grace_from_today, migrations.RunPython.noop)]
