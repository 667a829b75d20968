"""A revocation because duties changed was stored as a Finnish sentence; it becomes a cause code."""

from django.db import migrations

DUTIES_CHANGED_TEXT = "Tehtävät muuttuivat: työntekijän sopimus raukesi."


def to_cause(apps, schema_editor):
    grants = apps.get_model("access", "AccessGrant").objects
    grants.filter(revocation_reason=DUTIES_CHANGED_TEXT).update(
        revocation_reason="", revocation_cause="duties_changed"
    )
    grants.filter(revoked_at__isnull=False, revocation_cause="").update(revocation_cause="decision")


def to_text(apps, schema_editor):
    grants = apps.get_model("access", "AccessGrant").objects
    grants.filter(revocation_cause="duties_changed").update(revocation_reason=DUTIES_CHANGED_TEXT)


class Migration(migrations.Migration):
    dependencies = [("access", "0005_revocation_cause")]

    operations = [migrations.RunPython(to_cause, to_text)]
