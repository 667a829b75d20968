from django.db import migrations

# Frozen here rather than imported from access.roles: a migration must not change when the
# code does. A later migration adds or renames roles.
ROLE_GROUP_NAMES = ("case_worker", "supervisor", "access_admin")


def create_role_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in ROLE_GROUP_NAMES:
        group_model.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
