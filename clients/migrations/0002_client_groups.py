from django.db import migrations

# The six client groups of the worker agreement, §7 (seed 000), as data: (code, fi, sv, en).
CLIENT_GROUPS = [
    (
        "ohjaamo_youth",
        "Nuoret, jotka asioivat Ohjaamossa ilman ajanvarausta",
        "Unga som besöker Ohjaamo utan tidsbokning",
        "Young people visiting Ohjaamo without an appointment",
    ),
    (
        "long_term_unemployed",
        "Pitkäaikaistyöttömät (esim. yli 300 päivää työttömänä)",
        "Långtidsarbetslösa (t.ex. över 300 dagar arbetslösa)",
        "Long-term unemployed (e.g. over 300 days unemployed)",
    ),
    (
        "integration",
        "Kotoutujat, joiden vastuut ja palvelut tulee koordinoida",
        "Invandrare vars ansvar och tjänster ska samordnas",
        "Immigrants whose responsibilities and services must be coordinated",
    ),
    (
        "work_ability",
        "Työkykyarvion piirissä olevat",
        "Personer som omfattas av en arbetsförmågebedömning",
        "Persons within a work-ability assessment",
    ),
    (
        "employer_cooperation",
        "Työnantajien kanssa asiointiin liittyvät työnhakijat "
        "(esim. ehdokasasettelu tai piilotyöpaikat)",
        "Arbetssökande i samarbetet med arbetsgivare (t.ex. kandidatförslag eller dolda jobb)",
        "Job seekers in cooperation with employers (e.g. candidate placement or hidden jobs)",
    ),
    (
        "walk_in",
        "Työttömät työnhakijat, jotka asioivat kunnan ajanvarauksettomassa palvelussa",
        "Arbetslösa arbetssökande som besöker kommunens tjänst utan tidsbokning",
        "Unemployed job seekers at the municipality's walk-in service",
    ),
]


def create_client_groups(apps, schema_editor):
    client_group = apps.get_model("clients", "ClientGroup")
    for code, name_fi, name_sv, name_en in CLIENT_GROUPS:
        client_group.objects.update_or_create(
            code=code, defaults={"name_fi": name_fi, "name_sv": name_sv, "name_en": name_en}
        )


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(create_client_groups, migrations.RunPython.noop)]
