"""Fills the identity-code hash of the clients registered before the column existed.

Unlike 0004, this imports the app's function: the stored hash must be the one the running code
computes for a staff account, whatever that function has become by the time this runs.
"""

from django.db import migrations

from clients.identity_code import identity_code_hashes_recompute


def fill_hashes(apps, schema_editor):
    identity_code_hashes_recompute(apps.get_model("clients", "Client"))


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_client_identity_code_hash"),
    ]

    operations = [
        migrations.RunPython(fill_hashes, migrations.RunPython.noop, elidable=True),
    ]
