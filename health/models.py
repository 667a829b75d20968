"""Health and work-ability items: only what affects employment and is necessary (004 §3; 003).

Users never edit an item. An item whose source is social or health services rests on the
client's consent to obtaining that data (001 §5; 002) and is erased when that consent is
withdrawn (health.services.health_items_erase).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import Client, RecordedRow


class HealthItem(RecordedRow):
    class Kind(models.TextChoices):
        WORK_ABILITY_ASSESSMENT = "work_ability_assessment", _("work ability assessment")
        LIMITATION = "limitation", _("limitation affecting employment")
        REHABILITATION_NEED = "rehabilitation_need", _("rehabilitation need affecting employment")
        OTHER = "other", _("other detail affecting employment")

    class Source(models.TextChoices):
        CLIENT = "client", _("the client themself")
        SOCIAL_SERVICES = "social_services", _("social services")
        HEALTH_SERVICES = "health_services", _("health services")
        OCCUPATIONAL_HEALTH = "occupational_health", _("occupational health")
        OTHER = "other", _("other")

    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="health_items", verbose_name=_("client")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    description = models.TextField(_("description"))
    source = models.CharField(_("source of the information"), max_length=30, choices=Source)
    source_detail = models.CharField(
        _("source in more detail"),
        max_length=200,
        blank=True,
        help_text=_("Such as the unit or the professional who gave the information."),
    )
    information_date = models.DateField(_("date of the information"))
    # The client's consent to obtaining the data, for a source that needs one. A string
    # reference: consent is a sibling layer, and the door above joins the two.
    consent = models.ForeignKey(
        "consent.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent to obtaining the data"),
    )

    class Meta:
        verbose_name = _("health or work-ability item")
        verbose_name_plural = _("health and work-ability items")
        ordering = ["-information_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source__in=["social_services", "health_services"])
                | models.Q(consent__isnull=False),
                name="health_item_from_services_rests_on_a_consent",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.information_date:%Y-%m-%d})"


# Sources whose data may be obtained only with the client's consent (001 §5; 002).
CONSENT_SOURCES = frozenset({HealthItem.Source.SOCIAL_SERVICES, HealthItem.Source.HEALTH_SERVICES})
